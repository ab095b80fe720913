import { txActionCommand } from './tx-action-command.js';

/** `csdl-gateway tx resend SO_DINH_DANH --reason TEXT` */
export const txResend = txActionCommand({
  action: 'resend',
  summary: "Send a person's current approved data again, as a new version",
  subject: 'SO_DINH_DANH',
  description: `Reads the person's current approved data from the provincial database, maps and
pre-validates it, and sends it now as a new version: for when the national side lost what it
accepted. Refused when the latest approval is not approved, the data maps invalid, or a newer
approval is due (the next sync sends that).`,
});
