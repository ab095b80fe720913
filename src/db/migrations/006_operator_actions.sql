-- Operators' actions on the outbox (docs/decisions/outbox.md, "Operators' actions").
--
-- Settle: a rejected or invalid version handled outside the gateway stays on record with its
-- state and errors, and stops counting as failing once settled_at is set.
-- Re-send: the person's current approved data again, as a NEW version of the same approval;
-- `resend` numbers those (0 for what a sync took in), so the unit of exactly-once becomes
-- (vendor_id, approval_id, resend): each re-send is packed once, like any version.
-- Cancel and release: a pending packet cancelled, or the records of a packet refused whole
-- with a 4xx released into the queue. The packet row and its bytes stay as they were signed;
-- who did it and why is kept here and in the audit log.

ALTER TABLE csdl_gateway.record_versions
  ADD COLUMN resend         integer NOT NULL DEFAULT 0,
  ADD COLUMN settled_at     timestamptz,
  ADD COLUMN settled_by     text,
  ADD COLUMN settle_reason  text;

ALTER TABLE csdl_gateway.record_versions DROP CONSTRAINT record_versions_vendor_id_approval_id_key;
ALTER TABLE csdl_gateway.record_versions
  ADD CONSTRAINT record_versions_version_key UNIQUE (vendor_id, approval_id, resend);

-- The failing count asks, per failing version, whether a later version of the person exists.
CREATE INDEX record_versions_by_person ON csdl_gateway.record_versions (vendor_id, approval_id, resend);

ALTER TABLE csdl_gateway.packets
  ADD COLUMN cancelled_by    text,
  ADD COLUMN cancel_reason   text,
  ADD COLUMN released_at     timestamptz,
  ADD COLUMN released_by     text,
  ADD COLUMN release_reason  text;
