import { createOutboxActionsStore } from '../../src/outbox/outbox-actions-store.js';
import { createOpsActionsService, type OpsActionsService } from '../../src/ops/ops-actions-service.js';
import { createOpsActionsStore, type OpsActionsStore } from '../../src/ops/ops-actions-store.js';
import type { ServiceOptions, SyncWorld } from '../sync/sync-harness.js';
import { memoryAuditLog } from '../setup/memory-audit-log.js';

/** The operators' actions over a sync world: the service, its read store and its audit log. */
export function actionsOver(w: SyncWorld, options: ServiceOptions = {}): {
  actions: OpsActionsService; ops: OpsActionsStore; audit: ReturnType<typeof memoryAuditLog>;
} {
  const audit = memoryAuditLog();
  const actions = createOpsActionsService({ ...w.deps(options), actions: createOutboxActionsStore(w.store.db), audit });
  return { actions, ops: createOpsActionsStore(w.store.db), audit };
}
