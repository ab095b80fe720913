import { createPublicKey, generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { auditStep } from '../../src/app/audit-step.js';
import { startGateway, type RunningGateway } from '../../src/app/gateway.js';
import { shareStep } from '../../src/app/share-step.js';
import { signingStep } from '../../src/app/signing-step.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { createClientAdmin } from '../../src/share/client-admin.js';
import { issueCertificate, type DistinguishedName } from '../../src/signing/certificate-builder.js';
import { devPki, type Pki } from '../simulator/simulator-harness.js';

/**
 * Mutual TLS with certificates of the development PKI's CA (src/signing/dev-pki.ts): the
 * gateway serves HTTPS from TLS_CERT_FILE / TLS_KEY_FILE and, with TLS_CLIENT_CA_FILE, lets an
 * agency reach /share only with a client certificate from that CA whose OU is its agency code.
 */
const AGENCY = '000.00.00.G12';

interface Pem {
  cert: string;
  key: string;
}

function leaf(subject: DistinguishedName, issuer: { certificate: X509Certificate; privateKey: KeyObject }): Pem {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const certificate = issueCertificate({
    subject,
    publicKey: createPublicKey(privateKey),
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
    isCa: false,
    issuer,
  });
  return { cert: certificate.toString(), key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function selfSignedCa(): { certificate: X509Certificate; privateKey: KeyObject } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const certificate = issueCertificate({
    subject: { country: 'VN', organization: 'Somebody else', commonName: 'Foreign CA' },
    publicKey: createPublicKey(privateKey),
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
    isCa: true,
    selfSigningKey: privateKey,
  });
  return { certificate, privateKey };
}

interface Answer {
  status: number;
  body: { code?: string; access_token?: string; status?: string };
}

describe('app: mutual TLS (TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE)', function () {
  this.timeout(180_000);
  let dir: string;
  let pki: Pki;
  let gateway: RunningGateway;
  let secret: string;
  let client: { right: Pem; wrongOu: Pem; foreign: Pem };

  function call(path: string, tls: Partial<Pem>, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: 'localhost', port: gateway.port, path, method: body ? 'POST' : 'GET', ca: pki.caCertPem, ...tls,
          headers: body
            ? { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${AGENCY}:${secret}`).toString('base64')}` }
            : headers,
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const token = (tls: Partial<Pem>) => call('/share/oauth2/token', tls, 'grant_type=client_credentials');

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-mtls-'));
    pki = await devPki();
    const ca = { certificate: pki.caCert, privateKey: pki.caKey };
    const server = leaf({ country: 'VN', organization: 'Sở Nội vụ (development)', commonName: 'localhost' }, ca);
    writeFileSync(join(dir, 'server.cert.pem'), server.cert);
    writeFileSync(join(dir, 'server.key.pem'), server.key, { mode: 0o600 });
    writeFileSync(join(dir, 'client-ca.pem'), pki.caCertPem);
    client = {
      right: leaf({ country: 'VN', organization: 'Cục Thuế tỉnh', organizationalUnit: AGENCY, commonName: 'thue' }, ca),
      wrongOu: leaf({ country: 'VN', organization: 'Cục Thống kê', organizationalUnit: '000.00.00.G99', commonName: 'thong-ke' }, ca),
      foreign: leaf({ country: 'VN', organization: 'Cục Thuế tỉnh', organizationalUnit: AGENCY, commonName: 'thue' }, selfSignedCa()),
    };
    const config = loadConfig({
      DATA_DIR: join(dir, 'data'), PORT: '0', DEMO_PEOPLE: '0',
      TLS_CERT_FILE: join(dir, 'server.cert.pem'), TLS_KEY_FILE: join(dir, 'server.key.pem'), TLS_CLIENT_CA_FILE: join(dir, 'client-ca.pem'),
    });
    gateway = await startGateway(config, silentLogger(), [signingStep, auditStep, shareStep]);
    secret = await createClientAdmin(gateway.store.db).add(AGENCY, 'Cục Thuế tỉnh');
  });
  after(async function () {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS, and says so in its start-up line', async function () {
    expect(gateway.url).to.match(/^https:\/\//);
    expect(gateway.summary[0]).to.include('https://');
    const health = await call('/healthz', {});
    expect(health).to.deep.equal({ status: 200, body: { status: 'ok' } });
  });

  it("issues a token to the agency whose client certificate's OU is its code", async function () {
    const answer = await token(client.right);
    expect(answer.status).to.equal(200);
    expect(answer.body.access_token).to.be.a('string');
  });

  it('refuses /share without a client certificate', async function () {

    expect((await token({})).body.code).to.equal('share.certificate_required');
  });

  it("refuses a certificate of the CA whose OU is another agency's code", async function () {
    const answer = await token(client.wrongOu);
    expect(answer.status).to.equal(401);
    expect(answer.body.code).to.equal('share.certificate_mismatch');
  });

  it('holds a plain sharing read (answered before express) to the same gate and the same OU check', async function () {
    const bearer = (await token(client.right)).body.access_token as string;
    const read = (tls: Partial<Pem>) => call('/share/v1/officials/026185001234', tls, undefined, { authorization: `Bearer ${bearer}`, 'x-purpose': 'kiem-tra' });
    expect((await read({})).body.code).to.equal('share.certificate_required');
    expect((await read(client.foreign)).body.code).to.equal('share.certificate_untrusted');
    expect((await read(client.wrongOu)).body.code).to.equal('share.certificate_mismatch');
    // Past the certificate: the client holds no grant yet.
    const past = await read(client.right);
    expect(past.status).to.equal(403);
    expect(past.body.code).to.equal('share.route_not_granted');
  });

  it('refuses a certificate that does not chain to TLS_CLIENT_CA_FILE', async function () {
    const answer = await token(client.foreign);
    expect(answer.status).to.equal(401);
    expect(answer.body.code).to.equal('share.certificate_untrusted');
  });
});
