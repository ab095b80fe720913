-- A vendor's unit id need not be a number (units.id of the mapping: 'HN-SNV-05', a UUID): the
-- transfer keeps the receiving unit's id as the vendor's database gives it, as text. qlcb's
-- integer ids become their decimal text, which the staging writer compares as text already.
ALTER TABLE csdl_gateway.transfers
  ALTER COLUMN receiving_unit_id TYPE text USING receiving_unit_id::text;
