-- What a first sync's writes cost PostgreSQL (issue 26, docs/decisions/sync-throughput.md,
-- "What a first sync costs PostgreSQL"). Every record version is inserted once and updated once (its
-- receipt); neither update can be HOT (status is indexed), so each row pays one entry in every
-- index it satisfies, twice.
--
-- record_versions_by_person (source, vendor_id, approval_id, resend) is the same index as the
-- UNIQUE constraint record_versions_version_key, which serves every look-up it served.
DROP INDEX csdl_gateway.record_versions_by_person;

-- The status index held every version, most of them accepted or in a packet, states nobody
-- looks up by index (a count by state reads the table). The states an operator lists by
-- (rejected, invalid, stale, queued, unchanged) stay indexed.
DROP INDEX csdl_gateway.record_versions_status;
CREATE INDEX record_versions_status ON csdl_gateway.record_versions (status)
  WHERE status <> 'accepted' AND status <> 'in_packet';

-- Not done: room on person_state's pages for its receipt update to stay on the page (HOT). A
-- first sync's pattern replayed (32 batches of 500 inserted, each updated one batch later)
-- made 43 of 15,500 updates HOT at fillfactor 100, 2,366 at 80, 5,760 at 60, 8,306 at 50: too
-- few for the space.
