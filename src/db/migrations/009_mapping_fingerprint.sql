-- Re-evaluation after a mapping change (docs/decisions/mapping-upkeep.md). Each record version keeps
-- the fingerprint of the mapping it was made under: a hash of the mapping's files, the
-- province's overlay and the national code lists (src/mapping/mapping-fingerprint.ts). A
-- version the gateway itself refused (`invalid`) is mapped again by the next sync once the
-- fingerprint differs; rows made before this migration have none, and are mapped again once.
ALTER TABLE csdl_gateway.record_versions ADD COLUMN mapping_fingerprint text;
