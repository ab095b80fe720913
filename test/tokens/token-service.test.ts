import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { GatewayError } from '../../src/errors.js';
import { parseToken, newTokenSecret, secretMatches } from '../../src/tokens/token-secret.js';
import { createTokenService, type TokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';

async function refusal(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('tokens: the secret (pure)', function () {
  it('has 256 bits of secret, parses back, and matches only its own hash', function () {
    const a = newTokenSecret();
    const parsed = parseToken(a.token);
    expect(parsed?.tokenId).to.equal(a.tokenId);
    expect(Buffer.from(parsed!.secret, 'base64url')).to.have.length(32);
    expect(secretMatches(parsed!.secret, a.secretSha256)).to.equal(true);
    expect(secretMatches(parseToken(newTokenSecret().token)!.secret, a.secretSha256)).to.equal(false);
    expect(a.secretSha256.toString('hex')).not.to.contain(Buffer.from(parsed!.secret).toString('hex'));
  });
  it('refuses what does not have a token shape', function () {
    for (const bad of ['', 'csdlgw_', 'Bearer x', `csdlgw_ABCDEF0123456789_${'a'.repeat(43)}`, `csdlgw_0123456789abcdef_${'a'.repeat(42)}`]) {
      expect(parseToken(bad), bad).to.equal(undefined);
    }
  });
});

for (const backend of BACKENDS) {
  describe(`tokens: store and service (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDatabase;
    let now: Date;
    let service: TokenService;

    before(async function () {
      t = await freshDatabase(backend);
      await migrate(t.db);
      now = new Date('2026-12-01T08:00:00Z');
      service = createTokenService(createTokenStore(t.db), () => now);
    });
    after(async function () {
      await t?.drop();
    });

    it('creates a token that authenticates as its name and role, storing only a hash', async function () {
      expect(await service.any()).to.equal(false);
      const created = await service.create({ name: 'alice', role: 'operator' });
      expect(await service.authenticate(created.token)).to.deep.equal({ kind: 'token', name: 'alice', role: 'operator' });
      const stored = await t.db.query<{ secret_sha256: Buffer }>('SELECT secret_sha256 FROM csdl_gateway.api_tokens WHERE name = $1', ['alice']);
      const secret = parseToken(created.token)!.secret;
      expect(stored.rows[0]!.secret_sha256).to.have.length(32);
      const everything = JSON.stringify((await t.db.query('SELECT * FROM csdl_gateway.api_tokens')).rows);
      expect(everything).not.to.contain(secret);
      expect(await service.any()).to.equal(true);
    });

    it('refuses a missing, malformed, unknown or wrong token with auth.missing / auth.invalid', async function () {
      const created = await service.create({ name: 'bob', role: 'auditor' });
      expect((await refusal(service.authenticate(undefined))).code).to.equal('auth.missing');
      expect((await refusal(service.authenticate('nonsense'))).code).to.equal('auth.invalid');
      const { tokenId } = parseToken(created.token)!;
      const wrongSecret = `csdlgw_${tokenId}_${'A'.repeat(43)}`;
      const err = await refusal(service.authenticate(wrongSecret));
      expect([err.code, err.status]).to.deep.equal(['auth.invalid', 401]);
      expect((await refusal(service.authenticate(newTokenSecret().token))).code).to.equal('auth.invalid');
    });

    it('an expired token is auth.expired, a revoked one auth.revoked; names stay taken', async function () {
      const soon = await service.create({ name: 'carol', role: 'auditor', expiresDays: 2 });
      expect((await service.authenticate(soon.token)).name).to.equal('carol');
      const later = createTokenService(createTokenStore(t.db), () => new Date(now.getTime() + 3 * 86_400_000));
      expect((await refusal(later.authenticate(soon.token))).code).to.equal('auth.expired');

      const dave = await service.create({ name: 'dave', role: 'operator' });
      await service.revoke('dave');
      expect((await refusal(service.authenticate(dave.token))).code).to.equal('auth.revoked');
      expect((await refusal(service.revoke('dave'))).code).to.equal('tokens.not_found');
      expect((await refusal(service.create({ name: 'dave', role: 'operator' }))).code).to.equal('tokens.name_taken');
    });

    it('lists names, roles and states without any secret; records last use', async function () {
      const list = await service.list();
      expect(list.map((x) => [x.name, x.role, x.state])).to.deep.include.members([
        ['alice', 'operator', 'active'], ['dave', 'operator', 'revoked'],
      ]);
      expect(list.find((x) => x.name === 'alice')?.lastUsedAt).to.equal(now.toISOString());
      expect(JSON.stringify(list)).not.to.match(/csdlgw_|sha256/i);
    });

    it('refuses bad names, roles and expiries', async function () {
      expect((await refusal(service.create({ name: 'has space', role: 'operator' }))).code).to.equal('tokens.name_invalid');
      expect((await refusal(service.create({ name: 'x', role: 'root' as never }))).code).to.equal('tokens.role_invalid');
      expect((await refusal(service.create({ name: 'y', role: 'auditor', expiresDays: 0 }))).code).to.equal('tokens.expiry_invalid');
    });
  });
}
