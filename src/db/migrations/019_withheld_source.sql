-- A merged province's person filter is each source's own (its mapping's source.persons.where),
-- and a vendor id names a person within one source only (two databases both have person 1):
-- a withheld record keeps the source whose filter withheld it, and is served again only by
-- that source's filter. Every row withheld before, and every one of a one-database province,
-- belongs to the source named 'default'.
ALTER TABLE csdl_gateway.shared_records_withheld ADD COLUMN source text NOT NULL DEFAULT 'default';
DROP INDEX csdl_gateway.shared_records_withheld_vendor;
CREATE INDEX shared_records_withheld_vendor ON csdl_gateway.shared_records_withheld (source, vendor_id);
