import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { GenerationSummary } from '../../src/demo/generate-people.js';
import { SeededRandom } from '../../src/demo/seeded-random.js';
import { ledgerSummary } from '../../src/simulator/ledger-summary.js';
import type { TestDatabase } from '../setup/databases.js';
import { startCliWorld, type CliWorld } from './cli-world.js';
import { packetHashes, syncKilledAfter } from './sync-kills.js';

/**
 * Exactly once under SIGKILL: the built CLI (`node dist/cli/index.js sync`)
 * syncs ~1,500 generated people from a real PostgreSQL to the simulator, and is killed with
 * SIGKILL at seeded random moments, twelve times, then restarted until it finishes. The
 * simulator's processing delay keeps packets `processing` for a while, so kills land while
 * collecting, packing, sending and polling receipts. Then the simulator's ledger must hold
 * every due valid person accepted exactly once, and the store no packet rebuilt or re-signed.
 * `npm test` builds first; run `npm run build` before running this file alone.
 */
const PEOPLE = 1500;
const KILLS = 12;
/**
 * When to kill: this long (ms) after the child's sync run appears in the store. Start-up alone
 * takes 1-3 s on a busy 2-core machine; counting from the run's start makes the kills land in
 * the work (collect, pack, send, receipts) rather than in the loading of modules.
 */
const KILL_MAX_MS = 2500;

/** Where the outbox stands: packets and record versions by status. */
async function outboxState(store: TestDatabase): Promise<Record<string, number>> {
  const res = await store.db.query<{ k: string; n: number }>(
    `SELECT 'packet.' || status AS k, count(*)::int AS n FROM csdl_gateway.packets GROUP BY status
     UNION ALL SELECT 'record.' || status, count(*)::int FROM csdl_gateway.record_versions GROUP BY status`,
  );
  return Object.fromEntries(res.rows.map((r) => [r.k, r.n]));
}

describe('sync killed with SIGKILL at random moments, then resumed', function () {
  this.timeout(170_000);
  let source: TestDatabase;
  let store: TestDatabase;
  let ledger: TestDatabase;
  let env: Record<string, string>;
  let generated: GenerationSummary;
  let world: CliWorld | undefined;

  before(async function () {
    world = await startCliWorld({
      people: PEOPLE, processingDelayMs: 300,
      env: { PACKET_MAX_RECORDS: '50', RECEIPT_WAIT_MS: '3000', LOG_LEVEL: 'warn' },
    });
    ({ source, store, ledger, env } = world);
    generated = world.generated!;
    // Every contract call answers a little late, so sending and polling take a few seconds.
    world.sim.faults.apply({ delayMs: 80 });
  });

  after(async function () {
    await world?.close();
  });

  it('ends with every due version accepted exactly once, and no packet rebuilt or re-signed', async function () {
    const random = new SeededRandom(20261122);
    const seenHashes = new Map<string, string>();
    const phases: string[] = [];
    for (let i = 1; i <= KILLS; i++) {
      // New work while the gateway is down: edits and approvals of some people, so kills keep
      // landing in a sync with work in every phase, and versions pile up behind open packets.
      if (i > 1 && i % 2 === 1) await approveAgain(source, random, i);
      const exit = await syncKilledAfter(env, store, random.int(0, KILL_MAX_MS));
      if (exit.signal !== 'SIGKILL') expect(exit.code, exit.stderr).to.equal(0);
      for (const [id, hash] of await packetHashes(store)) {
        if (seenHashes.has(id)) expect(hash, `packet ${id} changed after kill ${i}`).to.equal(seenHashes.get(id));
        else seenHashes.set(id, hash);
      }
      phases.push(`${exit.signal ?? `exit ${exit.code}`}: ${JSON.stringify(await outboxState(store))}`);
    }
    if (process.env.KILL_TEST_VERBOSE) process.stdout.write(`${phases.join('\n')}\n`);

    await runUntilDone(env, store);
    // One more wave once everything is accepted, so that superseded versions are always part of
    // the ledger: on a loaded machine every kill may land before the first send, and then the
    // waves above are folded into the first versions sent.
    await approveAgain(source, random, KILLS + 1);
    await runUntilDone(env, store);

    // The store: every packet's bytes as first stored, all packets done, nothing stale or rejected.
    const storePackets = await store.db.query<{ packet_id: string; envelope: Buffer; payload_sha256: string; status: string }>(
      'SELECT packet_id::text, envelope, payload_sha256, status FROM csdl_gateway.packets',
    );
    for (const p of storePackets.rows) {
      const hash = createHash('sha256').update(p.envelope).digest('hex');
      if (seenHashes.has(p.packet_id)) expect(hash, `packet ${p.packet_id}`).to.equal(seenHashes.get(p.packet_id));
    }
    expect(storePackets.rows.filter((p) => p.status !== 'done').map((p) => p.packet_id)).to.deep.equal([]);
    const state = await outboxState(store);
    expect(Object.keys(state).sort()).to.deep.equal(['packet.done', 'record.accepted', 'record.invalid']);

    // Who was due: every approved person of the provincial database. The invalid ones are the
    // generator's declared invalid people plus sample person 12 (golden 12.json).
    const latest = await source.db.query<{ id: string; so_cccd: string; at: Date }>(
      `SELECT c.id::text, c.so_cccd, l.thoi_diem_duyet AS at FROM qlcb.can_bo c
         JOIN LATERAL (SELECT p.trang_thai, p.thoi_diem_duyet FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id
                        ORDER BY p.id DESC LIMIT 1) l ON l.trang_thai = 'DA_DUYET'`,
    );
    const invalidIds = new Set(['12', ...[...generated.intentionallyInvalid.keys()].map(String)]);
    const storeInvalid = await store.db.query<{ vendor_id: string }>(`SELECT DISTINCT vendor_id FROM csdl_gateway.record_versions WHERE status = 'invalid'`);
    expect(storeInvalid.rows.map((r) => r.vendor_id).sort()).to.deep.equal(latest.rows.filter((r) => invalidIds.has(r.id)).map((r) => r.id).sort());
    const valid = latest.rows.filter((r) => !invalidIds.has(r.id));

    // The ledger: no version accepted twice; every valid person held at their latest approval
    // (none missing); and exactly the versions the store counts as accepted.
    const summary = await ledgerSummary(ledger.db);
    expect(summary.acceptances.repeated).to.deep.equal([]);
    const held = await ledger.db.query<{ so_dinh_danh: string; approved_at: Date }>('SELECT so_dinh_danh, approved_at FROM csdl_simulator.officials');
    const heldAt = new Map(held.rows.map((r) => [r.so_dinh_danh, r.approved_at.getTime()]));
    expect(held.rows).to.have.length(valid.length);
    for (const person of valid) expect(heldAt.get(person.so_cccd), `person ${person.id}`).to.equal(person.at.getTime());
    const acceptances = await ledger.db.query<{ so_dinh_danh: string; approved_at_text: string }>(
      'SELECT so_dinh_danh, approved_at_text FROM csdl_simulator.acceptances',
    );
    const storeAccepted = await store.db.query<{ so_dinh_danh: string; approved_at: Date }>(
      `SELECT so_dinh_danh, approved_at FROM csdl_gateway.record_versions WHERE status = 'accepted'`,
    );
    const versions = (rows: { so_dinh_danh: string; at: number }[]) => rows.map((r) => `${r.so_dinh_danh}@${r.at}`).sort();
    expect(versions(acceptances.rows.map((r) => ({ so_dinh_danh: r.so_dinh_danh, at: Date.parse(r.approved_at_text) }))))
      .to.deep.equal(versions(storeAccepted.rows.map((r) => ({ so_dinh_danh: r.so_dinh_danh, at: r.approved_at.getTime() }))));
    expect(acceptances.rows.length).to.be.greaterThan(valid.length);
    // No record version went out in two packets that the national side processed.
    const inTwo = await ledger.db.query(
      'SELECT so_dinh_danh, approved_at FROM csdl_simulator.record_results GROUP BY 1, 2 HAVING count(DISTINCT packet_id) > 1',
    );
    expect(inTwo.rows).to.deep.equal([]);
    // Every packet the national side received is one the store holds, with the same payload bytes.
    const simPackets = await ledger.db.query<{ packet_id: string; payload_sha256: string }>('SELECT packet_id, payload_sha256 FROM csdl_simulator.packets');
    const stored = new Map(storePackets.rows.map((p) => [p.packet_id, p.payload_sha256]));
    for (const p of simPackets.rows) expect(stored.get(p.packet_id), `packet ${p.packet_id}`).to.equal(p.payload_sha256);
  });
});

/** Complete syncs until the outbox has no open work (at most five). */
async function runUntilDone(env: Record<string, string>, store: TestDatabase): Promise<void> {
  let finished = false;
  for (let run = 0; run < 5 && !finished; run++) {
    const exit = await syncKilledAfter(env, store);
    expect(exit.code, exit.stderr).to.equal(0);
    const state = await outboxState(store);
    finished = !state['packet.pending'] && !state['packet.sent'] && !state['record.queued'] && !state['record.in_packet'];
  }
  expect(finished, 'the outbox still has open work after five complete runs').to.equal(true);
}

/**
 * A wave of new work for 300 random people: their address edited and a new DA_DUYET approval,
 * later than any before (generated approvals end before 2026-11-01).
 */
async function approveAgain(source: TestDatabase, random: SeededRandom, wave: number): Promise<void> {
  const ids = await source.db.query<{ id: number }>('SELECT id FROM qlcb.can_bo WHERE id > 100 ORDER BY id');
  const chosen = new Set<number>();
  while (chosen.size < 300) chosen.add(ids.rows[random.int(0, ids.rows.length - 1)]!.id);
  const at = `2026-11-${String(10 + wave).padStart(2, '0')}T09:00:00+07:00`;
  await source.db.transaction(async (tx) => {
    await tx.query(`UPDATE qlcb.can_bo SET noi_o_hien_nay = 'Số ' || $2::text || ', phường Liên Bảo' WHERE id = ANY($1::int[])`, [[...chosen], wave]);
    await tx.query(
      `INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet)
       SELECT id, 'DA_DUYET', 'Trần Văn Bình', 2, $2 FROM unnest($1::int[]) AS id`,
      [[...chosen], at],
    );
  });
}
