-- Cheaper writes for the two large values of the outbox (issue 5 benchmark).
-- record_versions.record becomes json: the gateway stores the record's JSON text exactly as
-- it was serialised and hashed (record_hash), and reads it back as text into a packet;
-- jsonb spent server time decomposing 5 KB per record that nothing queries by key.
-- Neither value is compressed: a packet's envelope is base64 text inside JSON, where pglz
-- saved little and cost the most of storing it; records are written once and read rarely.
ALTER TABLE csdl_gateway.record_versions ALTER COLUMN record TYPE json USING record::json;
ALTER TABLE csdl_gateway.record_versions ALTER COLUMN record SET STORAGE EXTERNAL;
ALTER TABLE csdl_gateway.packets ALTER COLUMN envelope SET STORAGE EXTERNAL;
