import type { ActionAuditLog } from '../audit/audit-entry.js';
import type { Config } from '../config/config.js';
import { createOpsActionsService, type OpsActionsService } from '../ops/ops-actions-service.js';
import { createOutboxActionsStore } from '../outbox/outbox-actions-store.js';
import { createOwnershipStore } from '../sources/ownership-store.js';
import { removedSourceGuard } from '../sources/removed-source.js';
import type { OpenedDatabase } from './databases.js';
import type { ComposedSync } from './sync-compose.js';

/**
 * The operators' actions over the same steps, lock and national side as `sync`, each built
 * with the mapping in force when it runs (a re-send maps the person as the next sync would).
 */
export function composeOpsActions(sync: Pick<ComposedSync, 'deps' | 'depsFor'>, store: OpenedDatabase, audit: ActionAuditLog, sources?: Config['sources']): OpsActionsService {
  const actions = createOutboxActionsStore(store.db);
  // A merged province's conflicts are settled by `prefer`; one database has none.
  const ownership = sources?.fromFile ? createOwnershipStore(store.db, { policy: sources.conflictPolicy, audit }) : undefined;
  // ... and a source removed from its file is acted for no more: a re-send or prefer for it is refused.
  const removed = sources?.fromFile ? removedSourceGuard(store.db, sources.sources.map((s) => s.name)) : undefined;
  const merged = { ...(ownership ? { ownership } : {}), ...(removed ? { removed } : {}) };
  const current = () => createOpsActionsService({ ...sync.deps(), actions, audit, ...merged });
  return {
    retry: (...args) => current().retry(...args),
    // A merged province's person is re-sent from the source that speaks for them.
    resend: async (soDinhDanh, ...rest) => (sync.depsFor
      ? createOpsActionsService({ ...(await sync.depsFor(soDinhDanh)), actions, audit, ...merged })
      : current()).resend(soDinhDanh, ...rest),
    settle: (...args) => current().settle(...args),
    cancel: (...args) => current().cancel(...args),
    prefer: (...args) => current().prefer(...args),
  };
}
