-- A merged province stages a pulled transferee in the source whose unit tree holds the
-- receiving unit (docs/merged-province.md, "Pull"). The transfer keeps that source: its staged
-- row lives in that database, so recovery and the vendor's answer (taken in, declined) are
-- looked up there. Every transfer stored before, and every one of a one-database province,
-- belongs to the source named 'default'.
--
-- One agency code may exist in two sources (vendors number their trees independently): an open
-- transfer is then unique per person, unit and source.
ALTER TABLE csdl_gateway.transfers ADD COLUMN source text NOT NULL DEFAULT 'default';
DROP INDEX csdl_gateway.transfers_open_once;
CREATE UNIQUE INDEX transfers_open_once ON csdl_gateway.transfers (so_dinh_danh, receiving_unit, source)
  WHERE status IN ('requested', 'staged', 'failed');
