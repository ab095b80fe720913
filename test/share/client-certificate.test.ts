import { expect } from 'chai';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeCa, makeLeaf, type Ca } from '../signing/pki-fixture.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';
import { shareHttpApp, startShareWorld, type ShareWorld } from './share-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are known JSON */
/**
 * The optional TLS client certificate: over HTTPS, a client that presents a certificate must
 * present one from a trusted CA whose subject OU is its agency code; one without a certificate
 * is identified by its token alone. Certificates come from our own builder.
 */
describe('share: TLS client certificate', function () {
  this.timeout(120_000);
  const CODE = '000.00.00.G21';
  let w: ShareWorld;
  let server: Server;
  let port: number;
  let secret: string;
  let person: string;
  const ca = makeCa('Agencies CA', 10);
  const stranger = makeCa('Unknown CA', 11);
  const serverCert = makeLeaf(ca, { commonName: '127.0.0.1', keyIndex: 2 });
  const own = makeLeaf(ca, { ou: CODE, keyIndex: 3 });
  const other = makeLeaf(ca, { ou: '000.00.00.G22', keyIndex: 4 });
  const untrusted = makeLeaf(stranger, { ou: CODE, keyIndex: 5 });
  const audit = new MemoryAuditLog();

  before(async function () {
    w = await startShareWorld('pglite', 5);
    await w.refresh();
    ({ secret } = await w.client(CODE));
    person = (await w.sync.store.db.query<{ so_dinh_danh: string }>('SELECT so_dinh_danh FROM csdl_gateway.shared_records LIMIT 1')).rows[0]!.so_dinh_danh;
    // As start serves it: the fast path for a plain read, express for the rest.
    const { app, fast } = shareHttpApp(w.sync.store.db, w.sync.sim.signer, audit);
    server = createServer({
      key: serverCert.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: serverCert.certificate.toString(),
      ca: [ca.certificate.toString()], requestCert: true, rejectUnauthorized: false,
    }, (req, res) => {
      if (!fast(req, res)) app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async function () {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await w?.close();
  });

  function call(method: string, path: string, headers: Record<string, string>, body: string | undefined, cert?: Ca): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, method, path, headers, rejectUnauthorized: false, agent: false,
        ...(cert ? { key: cert.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: cert.certificate.toString() } : {}),
      }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const token = (cert?: Ca) => call('POST', '/share/oauth2/token', {
    'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CODE}:${secret}`).toString('base64')}`,
  }, 'grant_type=client_credentials', cert);
  const read = (t: string, cert?: Ca) => call('GET', `/share/v1/officials/${person}`, { authorization: `Bearer ${t}`, 'x-purpose': 'kiem-tra' }, undefined, cert);

  it('accepts the client\'s own certificate (OU = its agency code), and no certificate at all', async function () {
    const t = await token(own);
    expect(t.status).to.equal(200);
    expect((await read(t.body.access_token, own)).status).to.equal(200);
    expect((await read(t.body.access_token)).status).to.equal(200);
  });

  it('refuses a certificate whose OU is another agency, for a token and for a read', async function () {
    const t = await token(other);
    expect(t.status).to.equal(401);
    expect(t.body.code).to.equal('share.certificate_mismatch');
    const good = (await token()).body.access_token as string;
    const r = await read(good, other);
    expect(r.status).to.equal(401);
    expect(r.body.code).to.equal('share.certificate_mismatch');
    expect(audit.entries.at(-1)).to.include({ outcome: 'refused', code: 'share.certificate_mismatch' });
  });

  it('refuses a certificate from a CA the server does not trust, even with the right OU', async function () {
    const good = (await token()).body.access_token as string;
    const r = await read(good, untrusted);
    expect(r.status).to.equal(401);
    expect(r.body.code).to.equal('share.certificate_untrusted');
  });
});
