-- Transferees pulled from the national database for a receiving unit (domain.md, "Transfers":
-- the Sở Nội vụ pulls the record to the new unit; 10 working days after the decision takes
-- effect). One row per (person, receiving unit) while the transfer is open: the partial unique
-- index makes "a repeat pull refreshes, never duplicates" a fact of the database. A row is
-- closed when the vendor's software has taken the staged record in (or refused it); a later
-- pull of the same person then opens a new row.
CREATE TABLE csdl_gateway.transfers (
  id                 bigserial PRIMARY KEY,
  so_dinh_danh       text NOT NULL,
  receiving_unit     text NOT NULL,
  receiving_unit_id  integer NOT NULL,
  decision_no        text,
  decision_effective date,
  deadline           date,
  status             text NOT NULL CHECK (status IN ('requested', 'staged', 'failed', 'taken_in', 'declined')),
  requested_by_kind  text NOT NULL,
  requested_by       text NOT NULL,
  requested_at       timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  pulls              integer NOT NULL DEFAULT 1,
  staging_id         bigint,
  staged_at          timestamptz,
  closed_at          timestamptz,
  payload_format     text CHECK (payload_format IN ('json', 'xml')),
  payload_sha256     text,
  signer             text,
  signing_time       timestamptz,
  warnings           jsonb NOT NULL DEFAULT '[]',
  error_code         text,
  error_message      text
);
CREATE UNIQUE INDEX transfers_open_once ON csdl_gateway.transfers (so_dinh_danh, receiving_unit)
  WHERE status IN ('requested', 'staged', 'failed');
CREATE INDEX transfers_open_deadline ON csdl_gateway.transfers (deadline)
  WHERE status IN ('requested', 'staged', 'failed');
