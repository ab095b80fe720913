-- The due scan of every sync (src/outbox/outbox-store.ts, dueAmong; docs/decisions/sync-throughput.md)
-- asks, for each approved person whose approval the gateway has already taken in, whether a
-- version of that approval was refused by the gateway itself (`invalid`, mapped again after a
-- mapping change). Few versions are invalid: a partial index answers that question from a
-- small index instead of a probe into every version of every person.
CREATE INDEX record_versions_invalid ON csdl_gateway.record_versions (vendor_id, approval_id) WHERE status = 'invalid';
