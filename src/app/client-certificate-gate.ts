import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Router } from 'express';
import { ShareError } from '../share/share-error.js';

/**
 * With TLS_CLIENT_CA_FILE, another agency reaches /share only with a client certificate that
 * chains to one of those CAs; the share routes then hold its OU against the client's agency
 * code (src/share/client-certificate.ts). Other paths (probes, the operators' bearer-token API)
 * do not need one. Mounted before the capabilities' routers.
 */
/** Why a socket may not reach /share: no TLS, no certificate, or one no trusted CA issued; undefined when it may. */
export function clientCertificateRefusal(socket: Socket): ShareError | undefined {
  if (!(socket instanceof TLSSocket)) return new ShareError('share.certificate_required', 'a TLS client certificate is required', { status: 401 });
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) {
    return new ShareError('share.certificate_required', 'a TLS client certificate is required: present the certificate your agency was issued', { status: 401 });
  }
  if (!socket.authorized) return new ShareError('share.certificate_untrusted', 'the TLS client certificate does not chain to a trusted CA', { status: 401 });
  return undefined;
}

export function clientCertificateGate(): Router {
  const router = Router();
  router.use('/share', (req, _res, next) => {
    next(clientCertificateRefusal(req.socket));
  });
  return router;
}
