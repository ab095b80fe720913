import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { resolvePacketId } from '../../src/outbox/packet-prefix.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/** A packet named by a prefix of its id, as git names a commit: unique, ambiguous, too short, unknown. */
describe('outbox: a packet named by the start of its id (pglite)', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  const A = '3f0c1d2e-0000-4000-8000-000000000001';
  const B = '3f0c9a7b-0000-4000-8000-000000000002';
  const C = '7d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d';

  before(async function () {
    t = await freshDatabase('pglite');
    await migrate(t.db);
    for (const id of [A, B, C]) {
      await t.db.query(
        `INSERT INTO csdl_gateway.packets (packet_id, status, format, envelope, payload_sha256, payload_bytes, record_count, signer)
         VALUES ($1, 'done', 'json', '\\x7b7d', 'x', 2, 1, 'test')`,
        [id],
      );
    }
  });
  after(async function () {
    await t?.drop();
  });

  const refusal = (given: string) => resolvePacketId(t.db, given).then(() => undefined, (e: unknown) => e as { code: string; message: string; status: number });

  it('takes a whole id as it is, in either case', async function () {
    expect(await resolvePacketId(t.db, C.toUpperCase())).to.equal(C);
  });

  it('takes a unique prefix, with or without the ellipsis the README and the logs print', async function () {
    expect(await resolvePacketId(t.db, '7d4a')).to.equal(C);
    expect(await resolvePacketId(t.db, '3f0c1')).to.equal(A);
    expect(await resolvePacketId(t.db, '3f0c9a7b-00…')).to.equal(B);
  });

  it('refuses an ambiguous prefix, listing the candidates', async function () {
    const err = await refusal('3f0c');
    expect(err).to.include({ code: 'outbox.packet_id_ambiguous', status: 409 });
    expect(err!.message).to.contain(A).and.to.contain(B).and.not.to.contain(C);
  });

  it('refuses a prefix shorter than 4 characters, and an unknown one', async function () {
    expect(await refusal('3f0')).to.include({ code: 'outbox.packet_id_too_short', status: 400 });
    expect(await refusal('abcd')).to.include({ code: 'outbox.packet_not_found', status: 404 });
    expect(await refusal("3f0c' OR '1'='1")).to.include({ code: 'outbox.packet_not_found' });
  });
});
