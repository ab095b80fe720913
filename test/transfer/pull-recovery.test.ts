import { expect } from 'chai';
import type { PullClaimant } from '../../src/transfer/pull-claim.js';
import { processClaimant } from '../../src/transfer/pull-claim.js';
import { TransferError } from '../../src/transfer/transfer-error.js';
import { PULL_STEPS, type CallContext, type PullStep } from '../../src/transfer/transfer-service.js';
import { startTransferWorld, transferee, UNIT, type TransferWorld } from './transfer-harness.js';

/**
 * A pull is a recorded intent first, and recovery finishes or rolls it back (real PostgreSQL,
 * the simulator). A pull "dies" here by never returning from a step (its process is then
 * declared dead to the recovering service's claimant); the real SIGKILL of a CLI process at each
 * step is test/fault/pull-kill.test.ts.
 */
const CLI: CallContext = { actor: { kind: 'cli', name: 'tester' } };

/** A claimant for which every other claim's process is dead (the recovering process after a restart). */
const survivor = (): PullClaimant => ({ id: 'host:1:survivor', mayBeAlive: (c) => c === 'host:1:survivor' });
/** A claimant for which every claim's process is alive (another host's, say). */
const everyoneAlive = (): PullClaimant => ({ id: 'host:2:alive', mayBeAlive: () => true });

describe('pull: a recorded intent first, recovered after a crash at each step', function () {
  this.timeout(120_000);
  let w: TransferWorld;
  let serial = 600;

  before(async function () {
    w = await startTransferWorld('postgres');
  });
  after(async function () {
    await w?.close();
  });

  /** Starts a pull that stops for good once `step` has committed; resolves when it got there. */
  async function crashAt(step: PullStep, soDinhDanh: string, claimant: PullClaimant = { id: 'host:9:dead', mayBeAlive: () => true }): Promise<void> {
    let reached: () => void = () => undefined;
    const there = new Promise<void>((r) => (reached = r));
    const dying = w.makeService({ claimant, afterStep: (s) => (s === step ? (reached(), new Promise<void>(() => undefined)) : undefined) });
    void dying.pull({ soDinhDanh, receivingUnit: UNIT }, CLI).catch(() => undefined);
    await there;
  }

  for (const step of PULL_STEPS) {
    it(`after a crash at "${step}", recovery leaves every staged row with its transfer and entry, every entry with its change`, async function () {
      serial += 1;
      const id = `026185000${serial}`;
      await w.hold(transferee(serial));
      const mark = w.audit.entries.length;
      await crashAt(step, id);
      const [open] = (await w.transfers()).filter((t) => t.so_dinh_danh === id);
      expect(open.status).to.equal(step === 'finished' ? 'staged' : 'requested');
      const outcome = await w.makeService({ claimant: survivor() }).recover();
      const [t] = (await w.transfers()).filter((x) => x.so_dinh_danh === id);
      const rows = (await w.staged()).filter((r) => r.so_cccd === id);
      const entries = w.audit.since(mark).map((e) => [e.actor.kind, e.action, e.outcome, e.code]);
      if (step === 'requested' || step === 'verified') {
        expect(outcome.rolledBack).to.deep.equal([String(t.id)]);
        expect([t.status, t.error_code, t.claimed_by, rows.length]).to.deep.equal(['failed', 'transfer.interrupted', null, 0]);
        expect(entries).to.deep.equal([['cli', 'transfer.request', 'ok', undefined], ['system', 'transfer.pull', 'error', 'transfer.interrupted']]);
      } else {
        expect(rows).to.have.length(1);
        expect([t.status, t.staging_id, t.payload_format, t.pending]).to.deep.equal(['staged', String(rows[0].id), 'json', null]);
        expect(t.payload_sha256).to.match(/^[0-9a-f]{64}$/);
        const last = step === 'staged' ? ['system', 'transfer.pull', 'ok', undefined] : ['cli', 'transfer.pull', 'ok', undefined];
        expect(entries).to.deep.equal([['cli', 'transfer.request', 'ok', undefined], last]);
        expect(outcome.finished).to.deep.equal(step === 'staged' ? [String(t.id)] : []);
      }
      // Recovery again changes nothing.
      const again = await w.makeService({ claimant: survivor() }).recover();
      expect([again.finished, again.rolledBack]).to.deep.equal([[], []]);
    });
  }

  it('a repeat pull that dies before staging does not pass the earlier record off as its own', async function () {
    const id = '026185000650';
    await w.hold(transferee(650));
    const first = await w.service.pull({ soDinhDanh: id, receivingUnit: UNIT }, CLI);
    await w.hold({ ...transferee(650), soDienThoai: '0988111222' });
    await crashAt('verified', id);
    await w.makeService({ claimant: survivor() }).recover();
    const [t] = (await w.transfers()).filter((x) => x.so_dinh_danh === id);
    // Rolled back: open, failed, still pointing at the row the first pull staged (its record unchanged).
    expect([t.status, t.error_code, t.staging_id]).to.deep.equal(['failed', 'transfer.interrupted', first.staged.id]);
    const [row] = (await w.staged()).filter((r) => r.so_cccd === id);
    expect(row.ho_so.dien_thoai).to.not.equal('0988111222');
  });

  it('leaves a pull whose process may be alive, refuses a second pull of it (409), and cleans it up once its claim expired', async function () {
    const id = '026185000660';
    await w.hold(transferee(660));
    await crashAt('requested', id);
    const live = await w.makeService({ claimant: everyoneAlive() }).recover();
    expect(live.left).to.have.length(1);
    const err = await w.service.pull({ soDinhDanh: id, receivingUnit: UNIT }, CLI).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TransferError);
    expect([(err as TransferError).code, (err as TransferError).status]).to.deep.equal(['transfer.in_progress', 409]);
    expect((await w.transfers()).filter((x) => x.so_dinh_danh === id)[0].status).to.equal('requested');
    // The claim's age passed (set back here rather than waited for): listing the transfers cleans it up.
    await w.store.db.query(`UPDATE csdl_gateway.transfers SET claim_expires = now() - interval '1 second' WHERE so_dinh_danh = $1`, [id]);
    await w.makeService({ claimant: everyoneAlive() }).list({}, CLI);
    const [t] = (await w.transfers()).filter((x) => x.so_dinh_danh === id);
    expect([t.status, t.error_code]).to.deep.equal(['failed', 'transfer.interrupted']);
    // And it can be pulled again.
    const out = await w.service.pull({ soDinhDanh: id, receivingUnit: UNIT }, CLI);
    expect(out.transfer.status).to.equal('staged');
  });

  it('a pull whose claim was taken over changes nothing more, and says so', async function () {
    const id = '026185000670';
    await w.hold(transferee(670));
    let release: () => void = () => undefined;
    let reached: () => void = () => undefined;
    const there = new Promise<void>((r) => (reached = r));
    const slow = w.makeService({
      claimant: { id: 'host:9:slow', mayBeAlive: () => true },
      afterStep: (s) => (s === 'requested' ? (reached(), new Promise<void>((r) => (release = r))) : undefined),
    });
    const pulling = slow.pull({ soDinhDanh: id, receivingUnit: UNIT }, CLI).catch((e: unknown) => e);
    await there;
    await w.makeService({ claimant: survivor() }).recover();
    release();
    const err = await pulling;
    expect((err as TransferError).code).to.equal('transfer.interrupted');
    expect((await w.staged()).filter((r) => r.so_cccd === id)).to.deep.equal([]);
    expect((await w.transfers()).filter((x) => x.so_dinh_danh === id)[0].error_code).to.equal('transfer.interrupted');
  });
});

describe('pull claims: whose process may still be pulling', function () {
  const probe = (alive: number[]) => ({ host: 'gw1', pid: 100, exists: (pid: number) => alive.includes(pid) });

  it('knows its own claim alive, an earlier life of its pid dead, a gone pid dead, another host unknown (alive)', function () {
    const me = processClaimant(probe([200]));
    expect(me.mayBeAlive(me.id)).to.equal(true);
    expect(me.mayBeAlive('gw1:100:0000abcd')).to.equal(false);
    expect(me.mayBeAlive('gw1:200:0000abcd')).to.equal(true);
    expect(me.mayBeAlive('gw1:300:0000abcd')).to.equal(false);
    expect(me.mayBeAlive('gw2:300:0000abcd')).to.equal(true);
    expect(me.mayBeAlive('garbage')).to.equal(true);
  });
});
