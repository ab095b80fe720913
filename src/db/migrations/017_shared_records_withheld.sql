-- The mapping's person filter (source.persons.where) holds for sharing as for every other read
-- of persons: a person it leaves out is not served, even when a record of theirs was accepted
-- before the filter left them out (a person marked deleted afterwards). The refresh moves such
-- a person's served record here, and back to shared_records when the filter keeps them again,
-- so nothing the national side accepted is lost and the read paths see shared_records alone.
-- The columns are shared_records' own (held equal by test/vendor/nhansu-share.test.ts), plus the
-- vendor's person id the filter names and when the record was withheld.
CREATE TABLE csdl_gateway.shared_records_withheld (
  so_dinh_danh  text PRIMARY KEY,
  record        json NOT NULL,
  unit_code     text NOT NULL,
  status        text,
  loai_nhan_su  text,
  ngach         text,
  chuc_danh     text,
  vi_tri        text,
  operation     text NOT NULL,
  approved_at   timestamptz NOT NULL,
  packet_id     uuid NOT NULL,
  refreshed_at  timestamptz NOT NULL DEFAULT now(),
  vendor_id     text NOT NULL,
  withheld_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shared_records_withheld_vendor ON csdl_gateway.shared_records_withheld (vendor_id);
