-- The outbox (docs/decisions/outbox.md). A record version is one person at one approval and
-- is the unit of exactly-once: UNIQUE (vendor_id, approval_id) makes "no packet built twice
-- for the same record version" a fact of the database. A packet's envelope bytes are stored
-- before the first attempt to send them and never change.

CREATE TABLE csdl_gateway.sync_runs (
  id          bigserial PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  dry_run     boolean NOT NULL DEFAULT false,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
  summary     jsonb,
  error       text
);

-- Per vendor person: the newest approval the gateway has taken in, and the hash of the last
-- record the national side accepted (to skip re-sending byte-identical data).
CREATE TABLE csdl_gateway.person_state (
  vendor_id          text PRIMARY KEY,
  last_approval_id   bigint NOT NULL,
  so_dinh_danh       text,
  accepted_hash      text,
  accepted_at        timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE csdl_gateway.packets (
  packet_id       uuid PRIMARY KEY,
  sync_run_id     bigint REFERENCES csdl_gateway.sync_runs (id),
  status          text NOT NULL CHECK (status IN ('pending', 'sent', 'done', 'failed', 'cancelled')),
  format          text NOT NULL CHECK (format IN ('json', 'xml')),
  envelope        bytea NOT NULL,
  payload_sha256  text NOT NULL,
  payload_bytes   integer NOT NULL,
  record_count    integer NOT NULL,
  signer          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  receipt_id      text,
  completed_at    timestamptz,
  national_code   text,
  last_error      text
);
CREATE INDEX packets_open ON csdl_gateway.packets (created_at) WHERE status IN ('pending', 'sent');

CREATE TABLE csdl_gateway.record_versions (
  id              bigserial PRIMARY KEY,
  vendor_id       text NOT NULL,
  approval_id     bigint NOT NULL,
  so_dinh_danh    text,
  operation       text NOT NULL CHECK (operation IN ('upsert', 'archive')),
  approved_at     timestamptz NOT NULL,
  approved_by_unit text,
  status          text NOT NULL CHECK (status IN ('queued', 'in_packet', 'accepted', 'stale', 'rejected', 'invalid', 'unchanged')),
  record_hash     text,
  record          jsonb,
  errors          jsonb,
  packet_id       uuid REFERENCES csdl_gateway.packets (packet_id),
  sync_run_id     bigint REFERENCES csdl_gateway.sync_runs (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (vendor_id, approval_id)
);
CREATE INDEX record_versions_queued ON csdl_gateway.record_versions (id) WHERE status = 'queued';
CREATE INDEX record_versions_packet ON csdl_gateway.record_versions (packet_id);
CREATE INDEX record_versions_status ON csdl_gateway.record_versions (status);

CREATE TABLE csdl_gateway.send_attempts (
  id             bigserial PRIMARY KEY,
  packet_id      uuid REFERENCES csdl_gateway.packets (packet_id),
  operation      text NOT NULL,
  started_at     timestamptz NOT NULL,
  duration_ms    integer NOT NULL,
  http_status    integer,
  national_code  text,
  request_id     text NOT NULL,
  error          text
);
CREATE INDEX send_attempts_packet ON csdl_gateway.send_attempts (packet_id, id);

CREATE TABLE csdl_gateway.receipts (
  packet_id    uuid PRIMARY KEY REFERENCES csdl_gateway.packets (packet_id),
  status       text NOT NULL,
  receipt      jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);

-- sync --dry-run: packets built and signed for inspection only; never sent, never counted.
CREATE TABLE csdl_gateway.packet_previews (
  packet_id     uuid PRIMARY KEY,
  sync_run_id   bigint REFERENCES csdl_gateway.sync_runs (id),
  format        text NOT NULL,
  envelope      bytea NOT NULL,
  record_count  integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
