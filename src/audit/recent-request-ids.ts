/**
 * The request ids of the last `limit` entries written, for `hasEntryFor` (an error answer whose
 * request already left its own entry is not audited twice). A ring of ids beside a set of them:
 * forgetting the oldest is one delete by key. Forgetting through the set's own order
 * (`values().next()`) walked past every slot deleted before it, ~4 µs per append at 10,000
 * ids, paid by every sharing request (docs/decisions/sync-throughput.md, fifth stop). Pure.
 */
export function recentRequestIds(limit: number) {
  const ids = new Set<string>();
  const ring: (string | undefined)[] = new Array<string | undefined>(limit);
  let next = 0;
  return {
    add(id: string): void {
      if (ids.has(id)) return;
      const oldest = ring[next];
      if (oldest !== undefined) ids.delete(oldest);
      ring[next] = id;
      next = (next + 1) % limit;
      ids.add(id);
    },
    has: (id: string): boolean => ids.has(id),
  };
}
