-- The audit log (docs/decisions/audit-log.md): one entry per read or change of personal data
-- through the gateway (Luật 91/2025/QH15, Nghị định 356/2025). Entries are numbered without
-- gaps and hash-chained: `hash` is SHA-256 over the entry's canonical serialisation, which
-- includes `prev_hash`, the hash of the entry before it (src/audit/audit-chain.ts). Signed
-- checkpoints pin the chain's length and head so that a rewritten or cut-off tail shows.
CREATE TABLE csdl_gateway.audit_log (
  seq          bigint PRIMARY KEY,
  at           timestamptz NOT NULL,
  actor_kind   text NOT NULL CHECK (actor_kind IN ('token', 'client', 'cli', 'system')),
  actor_name   text NOT NULL,
  action       text NOT NULL,
  people       text[] NOT NULL DEFAULT '{}',
  packet_id    text,
  unit         text,
  field_groups text[] NOT NULL DEFAULT '{}',
  purpose      text,
  outcome      text NOT NULL CHECK (outcome IN ('ok', 'refused', 'error')),
  code         text,
  request_id   text,
  prev_hash    text NOT NULL,
  hash         text NOT NULL
);
-- A person's access report (every entry naming that số định danh) and the list's filters.
CREATE INDEX audit_log_people ON csdl_gateway.audit_log USING gin (people);
CREATE INDEX audit_log_actor ON csdl_gateway.audit_log (actor_name, seq);
CREATE INDEX audit_log_at ON csdl_gateway.audit_log (at);

-- A checkpoint: the chain's entry count and head hash at signed_at, as the canonical payload
-- bytes the province's key signed (detached CMS, like packets) and that signature.
CREATE TABLE csdl_gateway.audit_checkpoints (
  id           bigserial PRIMARY KEY,
  entry_count  bigint NOT NULL,
  head_hash    text NOT NULL,
  signed_at    timestamptz NOT NULL,
  signature    bytea NOT NULL,
  payload      bytea NOT NULL
);
CREATE INDEX audit_checkpoints_count ON csdl_gateway.audit_checkpoints (entry_count);

-- Append-only: nothing the gateway runs may change or remove an entry or a checkpoint. A DBA
-- can still switch triggers off (session_replication_role, DISABLE TRIGGER): the hash chain and
-- the signed checkpoints are what make that visible to `csdl-gateway audit verify`.
CREATE FUNCTION csdl_gateway.audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'csdl_gateway.% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON csdl_gateway.audit_log
  FOR EACH ROW EXECUTE FUNCTION csdl_gateway.audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON csdl_gateway.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION csdl_gateway.audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON csdl_gateway.audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION csdl_gateway.audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON csdl_gateway.audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION csdl_gateway.audit_refuse_change();
