import { txActionCommand } from './tx-action-command.js';

/** `csdl-gateway tx settle RECORD_VERSION_ID --reason TEXT` */
export const txSettle = txActionCommand({
  action: 'settle',
  summary: 'Mark a rejected or invalid record version as handled outside the gateway',
  subject: 'RECORD_VERSION_ID',
  description: `A rejected or invalid record version stops counting as failing. It stays on record with
its state and errors, and with who settled it and why.`,
});
