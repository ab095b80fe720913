-- A merged province reads several provincial databases, its sources (docs/merged-province.md).
-- Every stored version, person state and audit entry carries the source it came from; rows
-- stored before this migration, and every row of a one-database province, belong to the source
-- named 'default', so no existing store needs a manual step.
--
-- A vendor id names a person within one source only (two databases both have person 1): the
-- person state is keyed by (source, vendor_id), and the unit of exactly-once, a record
-- version, by (source, vendor_id, approval_id, resend). The số định danh stays the national
-- identity across sources.
ALTER TABLE csdl_gateway.record_versions ADD COLUMN source text NOT NULL DEFAULT 'default';
ALTER TABLE csdl_gateway.person_state ADD COLUMN source text NOT NULL DEFAULT 'default';
ALTER TABLE csdl_gateway.audit_log ADD COLUMN source text NOT NULL DEFAULT 'default';

ALTER TABLE csdl_gateway.record_versions DROP CONSTRAINT record_versions_version_key;
ALTER TABLE csdl_gateway.record_versions
  ADD CONSTRAINT record_versions_version_key UNIQUE (source, vendor_id, approval_id, resend);
DROP INDEX csdl_gateway.record_versions_by_person;
CREATE INDEX record_versions_by_person ON csdl_gateway.record_versions (source, vendor_id, approval_id, resend);
DROP INDEX csdl_gateway.record_versions_invalid;
CREATE INDEX record_versions_invalid ON csdl_gateway.record_versions (source, vendor_id, approval_id) WHERE status = 'invalid';

ALTER TABLE csdl_gateway.person_state DROP CONSTRAINT person_state_pkey;
ALTER TABLE csdl_gateway.person_state ADD PRIMARY KEY (source, vendor_id);

-- A person's latest version is the latest of the same source's person (migration 011's
-- definition, per source). The views are made again: `v.*` now includes `source`.
DROP VIEW csdl_gateway.failing_versions;
DROP VIEW csdl_gateway.outstanding_versions;
CREATE VIEW csdl_gateway.failing_versions AS
  SELECT v.* FROM csdl_gateway.record_versions v
   WHERE v.status IN ('rejected', 'invalid') AND v.settled_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM csdl_gateway.record_versions n
                      WHERE n.source = v.source AND n.vendor_id = v.vendor_id AND (n.approval_id, n.resend) > (v.approval_id, v.resend));

CREATE VIEW csdl_gateway.outstanding_versions AS
  SELECT v.* FROM csdl_gateway.record_versions v
   WHERE (v.status = 'queued'
          OR (v.status = 'in_packet'
              AND EXISTS (SELECT 1 FROM csdl_gateway.packets p WHERE p.packet_id = v.packet_id AND p.status IN ('pending', 'sent'))))
     AND NOT EXISTS (SELECT 1 FROM csdl_gateway.record_versions n
                      WHERE n.source = v.source AND n.vendor_id = v.vendor_id AND (n.approval_id, n.resend) > (v.approval_id, v.resend));
