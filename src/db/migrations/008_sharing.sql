-- Sharing with other agencies (docs/decisions/sharing.md): clients and their grants, issued
-- tokens, a per-client rate window, and the served copy of each person's last accepted record.
-- Everything a request is checked against lives here, in the one store every gateway process
-- shares, so a grant, a revocation or a rate limit holds across processes.

-- A client is another agency, identified by its electronic agency code (QĐ 20/2020/QĐ-TTg).
-- The secret is kept as its SHA-256 only (it is 256 random bits: no dictionary to slow down).
CREATE TABLE csdl_gateway.share_clients (
  agency_code  text PRIMARY KEY,
  name         text NOT NULL,
  secret_hash  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

-- What one agreement lets a client read: routes, units (each a subtree), field groups, purposes,
-- until when, and how many requests per second.
CREATE TABLE csdl_gateway.share_grants (
  id               bigserial PRIMARY KEY,
  agency_code      text NOT NULL REFERENCES csdl_gateway.share_clients (agency_code),
  routes           text[] NOT NULL,
  units            text[] NOT NULL,
  field_groups     text[] NOT NULL,
  purposes         text[] NOT NULL,
  expires_at       timestamptz NOT NULL,
  rate_per_second  integer NOT NULL CHECK (rate_per_second > 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at       timestamptz
);
CREATE INDEX share_grants_client ON csdl_gateway.share_grants (agency_code) WHERE revoked_at IS NULL;

-- Bearer tokens by their SHA-256: any process answers a token another one issued.
CREATE TABLE csdl_gateway.share_tokens (
  token_hash   text PRIMARY KEY,
  agency_code  text NOT NULL REFERENCES csdl_gateway.share_clients (agency_code),
  issued_at    timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX share_tokens_expiry ON csdl_gateway.share_tokens (expires_at);

-- The rate window: per client, the current one-second window (the database's clock) and its
-- count, spread over a few slots (by server connection) so that concurrent requests of one
-- client do not queue on one row's lock; the count is the sum of the slots.
CREATE TABLE csdl_gateway.share_rate (
  agency_code  text NOT NULL,
  slot         integer NOT NULL,
  window_start bigint NOT NULL,
  count        integer NOT NULL,
  PRIMARY KEY (agency_code, slot)
);

-- Each person's last record the national side accepted, as it was signed and sent, with the
-- dimensions the routes filter and count by. Only the refresh writes here.
CREATE TABLE csdl_gateway.shared_records (
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
  refreshed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shared_records_unit ON csdl_gateway.shared_records (unit_code, so_dinh_danh);

-- Done packets whose accepted records the refresh has taken in (its watermark: a set rather
-- than a time, as packets complete in any order).
CREATE TABLE csdl_gateway.shared_packets (
  packet_id     uuid PRIMARY KEY,
  refreshed_at  timestamptz NOT NULL DEFAULT now()
);

-- The provincial unit hierarchy by agency code, copied from qlcb.dm_don_vi on refresh: one row
-- per (ancestor, descendant), itself included, so "a unit stands for its subtree" is a lookup.
CREATE TABLE csdl_gateway.share_unit_tree (
  ancestor    text NOT NULL,
  descendant  text NOT NULL,
  PRIMARY KEY (ancestor, descendant)
);
CREATE INDEX share_unit_tree_descendant ON csdl_gateway.share_unit_tree (descendant);

CREATE TABLE csdl_gateway.share_units (
  agency_code  text PRIMARY KEY,
  name         text NOT NULL
);

-- Small state of the refresh (the unit list's hash, to copy it only when it changed).
CREATE TABLE csdl_gateway.share_refresh_state (
  key         text PRIMARY KEY,
  value       text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
