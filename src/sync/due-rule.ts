import type { TakenHead } from '../outbox/outbox-types.js';
import type { ApprovedHead } from './due-query.js';

/**
 * Whether a person with an approved head is due this sync. Due when their latest approval is
 * newer than what the gateway last took in; and, with no new approval, when the gateway's own
 * mapping or pre-validation refused that approval's version (`invalid`) under a mapping other
 * than the current one (files, overlay, code lists: mapping-fingerprint.ts). Their data was
 * never wrong: waiting for a new approval would lose the record. A version the national side
 * rejected is not due again on its own (an operator re-sends it). Pure.
 */
export function isDue(head: ApprovedHead, state: TakenHead | undefined, fingerprint: string): boolean {
  if (state === undefined) return true;
  const headId = BigInt(head.approvalId);
  const seen = BigInt(state.lastApprovalId);
  if (headId > seen) return true;
  return headId === seen && state.refusedUnder !== undefined && state.refusedUnder !== fingerprint;
}
