import { txActionCommand } from './tx-action-command.js';

/** `csdl-gateway tx cancel PACKET_ID --reason TEXT` */
export const txCancel = txActionCommand({
  action: 'cancel',
  summary: 'Cancel a pending packet; its records go in new packets at the next sync',
  subject: 'PACKET_ID',
  description: `A pending packet is never posted again; its records go back to the queue, and the next
sync packs them into new packets (signed anew). Only a pending packet can be cancelled.`,
});
