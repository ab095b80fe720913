-- One person in two databases of a merged province (docs/merged-province.md). The số định danh
-- is the national identity: one source at a time speaks for it nationally, its owner.
--
-- person_owners: which source speaks for a số định danh, with the vendor id there, and whether
-- that source last said the official left service (`departed`): a departed owner's person may
-- be taken over by another source's later approval (a move between the old provinces), which
-- the national side receives as an update of the record it holds.
CREATE TABLE csdl_gateway.person_owners (
  so_dinh_danh  text PRIMARY KEY,
  source        text NOT NULL,
  vendor_id     text NOT NULL,
  departed      boolean NOT NULL DEFAULT false,
  since         timestamptz NOT NULL DEFAULT now()
);

-- A version the gateway holds back instead of sending: `held` while two sources approve the
-- same person (a conflict), or when a source that does not own the person says they left.
-- It keeps its record text, so the source an operator prefers is sent without a new read.
ALTER TABLE csdl_gateway.record_versions DROP CONSTRAINT record_versions_status_check;
ALTER TABLE csdl_gateway.record_versions ADD CONSTRAINT record_versions_status_check
  CHECK (status IN ('queued', 'in_packet', 'accepted', 'stale', 'rejected', 'invalid', 'unchanged', 'held'));

-- Two sources approving one số định danh while both say the official is in service. Nothing is
-- sent for the person until it is settled: by an operator (`tx prefer`), or by the file's
-- conflictPolicy "latest-approval". `sides` holds each source's name, vendor id, approval id
-- and time; `fields` the JSON paths where their records differ (paths only, no values).
CREATE TABLE csdl_gateway.source_conflicts (
  id            bigserial PRIMARY KEY,
  so_dinh_danh  text NOT NULL,
  sides         jsonb NOT NULL,
  fields        text[],
  opened_at     timestamptz NOT NULL DEFAULT now(),
  settled_at    timestamptz,
  settled_by    text,
  settle_reason text,
  chosen_source text
);
CREATE UNIQUE INDEX source_conflicts_open ON csdl_gateway.source_conflicts (so_dinh_danh) WHERE settled_at IS NULL;
CREATE INDEX source_conflicts_opened ON csdl_gateway.source_conflicts (opened_at);
