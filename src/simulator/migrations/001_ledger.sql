-- The national simulator's ledger (issue 5, item 8), in its own schema so it can share a
-- store with the gateway without touching csdl_gateway. Every table keys what the contract
-- keys: packets by packetId, officials by soDinhDanh.

-- One row per packet received (202). The exact payload bytes and their hash are what
-- idempotency compares (contract README, "Push": same packetId + same bytes = a repeat).
CREATE TABLE csdl_simulator.packets (
  packet_id      text PRIMARY KEY,
  receipt_id     text NOT NULL UNIQUE,
  sender         text NOT NULL,
  format         text NOT NULL CHECK (format IN ('json', 'xml')),
  payload        bytea NOT NULL,
  payload_sha256 text NOT NULL,
  signature      bytea NOT NULL,
  record_count   integer NOT NULL,
  status         text NOT NULL CHECK (status IN ('received', 'processing', 'done', 'failed')),
  received_at    timestamptz NOT NULL,
  processing_at  timestamptz,
  completed_at   timestamptz,
  error          jsonb
);
CREATE INDEX packets_status_idx ON csdl_simulator.packets (status) WHERE status IN ('received', 'processing');

-- One row per record of a processed packet, in packet order: the receipt's `results`.
CREATE TABLE csdl_simulator.record_results (
  packet_id    text NOT NULL REFERENCES csdl_simulator.packets (packet_id),
  position     integer NOT NULL,
  so_dinh_danh text NOT NULL,
  approved_at  text,
  status       text NOT NULL CHECK (status IN ('accepted', 'rejected', 'stale')),
  errors       jsonb,
  PRIMARY KEY (packet_id, position)
);

-- The national record held per official: the version with the latest approvedAt, who sent
-- it, and whether it sits in the archive folder. An accepted record is not copied: it is read
-- back from its packet's stored payload (packet_id, position), which keeps a 500-record packet
-- to one small upsert. `record` holds only records seeded as migrated from older systems,
-- which the pull answers in XML (contract README, "Pull a transferee").
CREATE TABLE csdl_simulator.officials (
  so_dinh_danh     text PRIMARY KEY,
  sender           text NOT NULL,
  approved_at      timestamptz NOT NULL,
  approved_at_text text NOT NULL,
  archived         boolean NOT NULL,
  migrated         boolean NOT NULL DEFAULT false,
  packet_id        text REFERENCES csdl_simulator.packets (packet_id),
  position         integer,
  record           jsonb,
  updated_at       timestamptz NOT NULL,
  CHECK ((packet_id IS NOT NULL AND position IS NOT NULL) OR record IS NOT NULL)
);

-- One row per accepted record version, never updated: tests and operators assert
-- "every version accepted exactly once" against it.
CREATE TABLE csdl_simulator.acceptances (
  id               bigserial PRIMARY KEY,
  so_dinh_danh     text NOT NULL,
  approved_at_text text NOT NULL,
  operation        text NOT NULL CHECK (operation IN ('upsert', 'archive')),
  sender           text NOT NULL,
  packet_id        text NOT NULL,
  accepted_at      timestamptz NOT NULL
);
CREATE INDEX acceptances_person_idx ON csdl_simulator.acceptances (so_dinh_danh);
