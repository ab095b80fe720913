-- What "failing" means, written once (docs/decisions/outbox.md, "Operators' actions"), so the
-- summary, the record listing, /metrics and /readyz cannot count it differently.
--
-- A version is its person's LATEST while no version of a later approval, nor a later re-send of
-- the same approval, exists: from then on that later version speaks for the person.
--
-- failing_versions: rejected or invalid, not settled by an operator, and still the latest. The
-- number an operator brings to zero: by fixing the data and approving again, by a re-send, or by
-- settling it (handled outside the gateway).
--
-- outstanding_versions: what the gateway itself still carries towards the national side without
-- anyone acting: queued, or in a packet that is pending or sent, and still the latest. A version
-- refused by pre-validation or by the national side is failing, never outstanding: it waits for
-- a person, not for the gateway.
--
-- A re-send is an operator's act like a settlement: the new version keeps who asked for it and why
-- (its created_at says when), so the version it replaced can show it.
ALTER TABLE csdl_gateway.record_versions
  ADD COLUMN resent_by      text,
  ADD COLUMN resend_reason  text;

CREATE VIEW csdl_gateway.failing_versions AS
  SELECT v.* FROM csdl_gateway.record_versions v
   WHERE v.status IN ('rejected', 'invalid') AND v.settled_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM csdl_gateway.record_versions n
                      WHERE n.vendor_id = v.vendor_id AND (n.approval_id, n.resend) > (v.approval_id, v.resend));

CREATE VIEW csdl_gateway.outstanding_versions AS
  SELECT v.* FROM csdl_gateway.record_versions v
   WHERE (v.status = 'queued'
          OR (v.status = 'in_packet'
              AND EXISTS (SELECT 1 FROM csdl_gateway.packets p WHERE p.packet_id = v.packet_id AND p.status IN ('pending', 'sent'))))
     AND NOT EXISTS (SELECT 1 FROM csdl_gateway.record_versions n
                      WHERE n.vendor_id = v.vendor_id AND (n.approval_id, n.resend) > (v.approval_id, v.resend));
