import { expect } from 'chai';
import { OTHER_PROVINCE, record } from '../simulator/simulator-harness.js';
import { startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';

/**
 * A store filled by real syncs against the simulator, with something for operators to see:
 * the provincial sample (person 12 fails pre-validation); person 6's number held by another
 * province, so the national side rejects it (DUPLICATE_IDENTITY); then a new approval of
 * person 1 in a packet the national side fails whole, whose record goes back to the queue.
 */
export const SIX = '017192000888';
export const ONE = '026185001234';

export interface OpsWorld {
  w: SyncWorld;
  failedPacket: string;
}

export async function startOpsWorld(): Promise<OpsWorld> {
  const w = await startSyncWorld({ storeBackend: 'postgres' });
  const held = record(1).data;
  held.soDinhDanh = SIX;
  held.ngaySinh = '1992-10-10';
  await w.sim.sim.simulator.seedOfficial({ soDinhDanh: SIX, sender: OTHER_PROVINCE, approvedAt: '2026-01-05T09:00:00+07:00', archived: false, record: held });
  await w.service().service.run();
  await w.approveAgain(1, { edit: 'Số 7, phường Liên Bảo, Vĩnh Phúc' });
  w.sim.sim.faults.apply({ failNextPackets: 1 });
  await w.service().service.run();
  const failed = await w.store.db.query<{ packet_id: string }>(`SELECT packet_id FROM csdl_gateway.packets WHERE status = 'failed'`);
  expect(failed.rows, 'the scripted failure failed one packet').to.have.length(1);
  return { w, failedPacket: failed.rows[0]!.packet_id };
}
