import { txActionCommand } from './tx-action-command.js';

/** `csdl-gateway tx retry PACKET_ID --reason TEXT` */
export const txRetry = txActionCommand({
  action: 'retry',
  summary: 'Send a packet again: the same bytes if pending, its records in new packets if refused',
  subject: 'PACKET_ID',
  description: `A pending packet (the national side was unavailable) is posted again now, as the very
bytes stored and signed. The records of a packet refused whole with a 4xx are released into
the queue, packed into new packets and sent now. A stored packet is never edited or re-signed.`,
});
