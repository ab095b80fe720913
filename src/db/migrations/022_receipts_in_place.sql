-- A receipt's update of a record version and of its person, kept on the row's own page (a HOT
-- update: no new entry in any index), issue 26 and docs/decisions/sync-throughput.md, "The
-- receipt's update in place". Before, each accepted version cost a new entry in six indexes
-- and its person a new entry in two: the receipt's statement took 1.0-1.3 s of PostgreSQL's
-- time in a first sync of 16,000 versions; in place it takes 0.29-0.35 s.
--
-- PostgreSQL keeps an update in place only when no column that an index reads (in its keys or
-- in its predicate) changes, and when the row's page has room for the new row.
--
-- 1. status changes at every receipt (in_packet -> accepted) and three partial indexes' predicates
--    read it. They read listed_status instead: the states an operator lists and the queue scans
--    by, and NULL for in a packet and accepted, so that step leaves it as it was. Queries that
--    want those indexes filter on listed_status. Adding the column rewrites the table once, under
--    its lock, as this migration runs (a million versions: 5.9 s on the bench machine).
ALTER TABLE csdl_gateway.record_versions
  ADD COLUMN listed_status text GENERATED ALWAYS AS
    (CASE WHEN status IN ('in_packet', 'accepted') THEN NULL ELSE status END) STORED;

DROP INDEX csdl_gateway.record_versions_queued;
CREATE INDEX record_versions_queued ON csdl_gateway.record_versions (id) WHERE listed_status = 'queued';
DROP INDEX csdl_gateway.record_versions_status;
CREATE INDEX record_versions_status ON csdl_gateway.record_versions (listed_status) WHERE listed_status IS NOT NULL;
DROP INDEX csdl_gateway.record_versions_invalid;
CREATE INDEX record_versions_invalid ON csdl_gateway.record_versions (source, vendor_id, approval_id)
  WHERE listed_status = 'invalid';

-- The failing versions are found through the status index again (the view's v.* gains the column).
CREATE OR REPLACE VIEW csdl_gateway.failing_versions AS
  SELECT v.* FROM csdl_gateway.record_versions v
   WHERE v.listed_status IN ('rejected', 'invalid') AND v.settled_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM csdl_gateway.record_versions n
                      WHERE n.source = v.source AND n.vendor_id = v.vendor_id AND (n.approval_id, n.resend) > (v.approval_id, v.resend));

-- 2. Room on the page. A version is written without its record once it is in a packet (~250
--    bytes) and its receipt rewrites it at the same size: half of each page is kept free for that.
--    A person's row grows at its first receipt (the accepted hash and time, ~75 bytes, were
--    NULL), so two thirds of its page is kept free. Measured on a first sync of 20,000 people:
--    15,995 of 15,995 updates in place on both tables, against 0 and ~550 before; the tables
--    take 10 and 4 MB instead of 10 and 3.5 (the versions' table held its free space already:
--    the receipt's copies).
ALTER TABLE csdl_gateway.record_versions SET (fillfactor = 50);
ALTER TABLE csdl_gateway.person_state SET (fillfactor = 30);
