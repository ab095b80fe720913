import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ShareError } from './share-error.js';

/**
 * The optional TLS client certificate (agencies that hold one present it): when the connection
 * is TLS and the client sent a certificate, it must chain to a CA the TLS server trusts and its
 * subject's OU must be the agency code the token or the credentials name, as on the province's
 * own signing certificate (QĐ 20/2020/QĐ-TTg codes in OU). A plain connection, or TLS without a
 * client certificate, passes: the token alone then identifies the client.
 */
export function checkClientCertificate(socket: Socket, agencyCode: string): void {
  if (!(socket instanceof TLSSocket)) return;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return;
  if (!socket.authorized) {
    throw new ShareError('share.certificate_untrusted', 'the TLS client certificate does not chain to a trusted CA', { status: 401 });
  }
  const ou = cert.subject?.OU;
  const units = Array.isArray(ou) ? ou : ou === undefined ? [] : [ou];
  if (!units.includes(agencyCode)) {
    throw new ShareError('share.certificate_mismatch', "the TLS client certificate's OU is not the client's agency code", { status: 401 });
  }
}
