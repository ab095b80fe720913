import { TLSSocket } from 'node:tls';
import { Router } from 'express';
import { ShareError } from '../share/share-error.js';

/**
 * With TLS_CLIENT_CA_FILE, another agency reaches /share only with a client certificate that
 * chains to one of those CAs; the share routes then hold its OU against the client's agency
 * code (src/share/client-certificate.ts). Other paths (probes, the operators' bearer-token API)
 * do not need one. Mounted before the capabilities' routers.
 */
export function clientCertificateGate(): Router {
  const router = Router();
  router.use('/share', (req, _res, next) => {
    const socket = req.socket;
    if (!(socket instanceof TLSSocket)) {
      next(new ShareError('share.certificate_required', 'a TLS client certificate is required', { status: 401 }));
      return;
    }
    const cert = socket.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) {
      next(new ShareError('share.certificate_required', 'a TLS client certificate is required: present the certificate your agency was issued', { status: 401 }));
      return;
    }
    if (!socket.authorized) {
      next(new ShareError('share.certificate_untrusted', 'the TLS client certificate does not chain to a trusted CA', { status: 401 }));
      return;
    }
    next();
  });
  return router;
}
