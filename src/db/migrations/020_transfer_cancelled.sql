-- A merged province's transfer staged in a source since removed from the sources file
-- (docs/merged-province.md, "Removing a source") waits for an answer from a database the
-- gateway no longer reads: neither "taken in" nor "declined" can come. An operator closes it
-- as `cancelled` (transfers cancel, POST /api/transfers/{id}/cancel); the row keeps why
-- (error_code sources.source_removed) and the audit log who and the reason.
ALTER TABLE csdl_gateway.transfers DROP CONSTRAINT transfers_status_check;
ALTER TABLE csdl_gateway.transfers ADD CONSTRAINT transfers_status_check
  CHECK (status IN ('requested', 'staged', 'failed', 'taken_in', 'declined', 'cancelled'));
