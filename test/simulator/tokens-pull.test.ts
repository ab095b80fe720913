import { expect } from 'chai';
import { decodePayload } from '../../src/encoding/payload-codec.js';
import { parseTrustAnchors } from '../../src/signing/trust-anchors.js';
import { verifyEnvelope } from '../../src/signing/envelope-verifier.js';
import { basic, CLIENT, ContractClient, packet, pushAndSettle, readyClient, record, startHarness, type Harness } from './simulator-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('simulator: tokens and pull (contract README, "Transport and authentication", "Pull a transferee")', function () {
  this.timeout(60_000);
  let h: Harness;
  // Set when this file starts, not when mocha loads it: the pulls below are signed at the real
  // time and verified at `clock`, which must not lag minutes behind in a long run.
  let clock = new Date();

  before(async function () {
    clock = new Date();
    h = await startHarness({ now: () => clock, tokenTtlSeconds: 60 });
  });
  after(async function () {
    await h?.close();
  });

  describe('tokens', function () {
    it('issues a bearer token for client credentials in a form body with Basic auth', async function () {
      const c = new ContractClient(h.sim.url);
      const r = await c.fetchToken();
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ token_type: 'Bearer', expires_in: 60 });
      expect(r.body.access_token).to.be.a('string').with.length.above(20);
    });

    it('answers 401 AUTHEN_ERROR for a wrong secret or no Basic auth', async function () {
      const wrong = await new ContractClient(h.sim.url, undefined, { ...CLIENT, clientSecret: 'nope' }).fetchToken();
      expect([wrong.status, wrong.body.code]).to.deep.equal([401, 'AUTHEN_ERROR']);
      const none = await fetch(`${h.sim.url}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
      expect(none.status).to.equal(401);
    });

    it('answers 400 for a grant type other than client_credentials', async function () {
      const r = await fetch(`${h.sim.url}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: basic(CLIENT.clientId, CLIENT.clientSecret) },
        body: new URLSearchParams({ grant_type: 'password' }),
      });
      expect(r.status).to.equal(400);
      expect(((await r.json()) as any).code).to.equal('UNSUPPORTED_GRANT_TYPE');
    });

    it('answers 401 AUTHEN_ERROR without a token, and once the token has expired', async function () {
      const c = await readyClient(h.sim.url);
      expect((await c.receipt('00000000-0000-4000-8000-000000000000')).status).to.equal(404);
      clock = new Date(clock.getTime() + 61_000);
      const expired = await c.receipt('00000000-0000-4000-8000-000000000000');
      expect([expired.status, expired.body.code]).to.deep.equal([401, 'AUTHEN_ERROR']);
      expect(expired.headers.get('www-authenticate')).to.equal('Bearer');
      c.token = '';
      expect((await c.receipt('x')).status).to.equal(401);
    });

    it('revokes every token when the switch is thrown; a new token works', async function () {
      const c = await readyClient(h.sim.url);
      const revoked = await fetch(`${h.sim.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ revokeTokens: true }),
      });
      expect(revoked.status).to.equal(200);
      expect((await c.receipt('x')).status).to.equal(401);
      await c.fetchToken();
      expect((await c.receipt('x')).status).to.equal(404);
    });
  });

  describe('pull of a transferee', function () {
    const anchors = () => parseTrustAnchors(h.pki.trustAnchorsPem);
    let c: ContractClient;
    let pushed: any;

    before(async function () {
      c = await readyClient(h.sim.url);
      pushed = record(500);
      await pushAndSettle(h, c, packet([pushed]));
    });

    it('serves the held record as JSON in an envelope the Ministry signed', async function () {
      const r = await c.pull(pushed.soDinhDanh);
      expect(r.status).to.equal(200);
      expect(r.body.format).to.equal('json');
      const verified = verifyEnvelope(r.body, { trustAnchors: anchors(), expectedSigner: '000.00.00.G09', now: clock });
      expect(JSON.parse(verified.payload.toString('utf8'))).to.deep.equal(pushed.data);
    });

    it('serves XML when Accept prefers application/xml', async function () {
      const r = await c.pull(pushed.soDinhDanh, { accept: 'application/xml' });
      expect(r.body.format).to.equal('xml');
      const verified = verifyEnvelope(r.body, { trustAnchors: anchors(), expectedSigner: '000.00.00.G09', now: clock });
      expect(verified.payload.toString('utf8')).to.match(/^<\?xml[^>]*>\s*<hoSo/);
      expect(decodePayload('record', 'xml', verified.payload)).to.deep.equal(pushed.data);
    });

    it('serves a record migrated from an older system as XML whatever the Accept header', async function () {
      const seeded = record(501).data;
      const seed = await fetch(`${h.sim.url}/_sim/officials`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ record: seeded, approvedAt: '2020-01-01T00:00:00Z', sender: '000.00.00.G01', migrated: true }),
      });
      expect(seed.status).to.equal(201);
      const r = await c.pull('026185000501', { accept: 'application/json' });
      expect(r.body.format).to.equal('xml');
      const verified = verifyEnvelope(r.body, { trustAnchors: anchors(), expectedSigner: '000.00.00.G09', now: clock });
      expect(decodePayload('record', 'xml', verified.payload)).to.deep.equal(seeded);
    });

    it('refuses to seed a record that breaks the national rules', async function () {
      const bad = record(502).data;
      bad.gioiTinh = { ma: '9' };
      const seed = await fetch(`${h.sim.url}/_sim/officials`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ record: bad, approvedAt: '2020-01-01T00:00:00Z', sender: '000.00.00.G01' }),
      });
      expect(seed.status).to.equal(400);
      expect(((await seed.json()) as any).code).to.equal('simulator.bad_seed');
    });

    it('answers 403 PURPOSE_NOT_ALLOWED for a purpose other than transfer-in', async function () {
      const r = await c.pull(pushed.soDinhDanh, { 'x-purpose': 'statistics' });
      expect([r.status, r.body.code]).to.deep.equal([403, 'PURPOSE_NOT_ALLOWED']);
    });

    it('answers 400 when X-Receiving-Unit is not an agency code', async function () {
      const r = await c.pull(pushed.soDinhDanh, { 'x-receiving-unit': 'H62' });
      expect([r.status, r.body.code]).to.deep.equal([400, 'SCHEMA_INVALID']);
    });

    it('answers 404 RECORD_NOT_FOUND for an official it does not hold', async function () {
      const r = await c.pull('026185999999');
      expect([r.status, r.body.code]).to.deep.equal([404, 'RECORD_NOT_FOUND']);
    });
  });
});
