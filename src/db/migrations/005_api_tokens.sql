-- Operators' and auditors' API tokens (docs/decisions/api-tokens.md). Only a SHA-256 hash of
-- each token's secret is kept: the token itself is shown once, at `tokens create`, and a copy
-- of this table lets nobody call the API. A token is looked up by its public id, then its
-- secret's hash is compared in constant time.
CREATE TABLE csdl_gateway.api_tokens (
  token_id      text PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  role          text NOT NULL CHECK (role IN ('operator', 'auditor')),
  secret_sha256 bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

-- The operators' read API filters and orders the outbox by these (bench/ops-api.bench.ts:
-- 100,000 people's versions, p99 under 100 ms): newest first by approval, by person, by unit.
CREATE INDEX record_versions_approved ON csdl_gateway.record_versions (approved_at DESC, id DESC);
CREATE INDEX record_versions_person ON csdl_gateway.record_versions (so_dinh_danh);
CREATE INDEX record_versions_unit ON csdl_gateway.record_versions (approved_by_unit, approved_at DESC);
-- Records by error code (errors @> '[{"code": …}]'): only failing versions carry errors.
CREATE INDEX record_versions_errors ON csdl_gateway.record_versions USING gin (errors jsonb_path_ops) WHERE errors IS NOT NULL;
CREATE INDEX person_state_person ON csdl_gateway.person_state (so_dinh_danh);
CREATE INDEX packets_created ON csdl_gateway.packets (created_at DESC);
CREATE INDEX send_attempts_started ON csdl_gateway.send_attempts (started_at);
