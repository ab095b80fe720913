-- A received packet's payload and signature are stored as they came, uncompressed. The
-- ledger writes every payload once (about 1.2 MB for 500 records) and reads it back only to
-- serve a pull or after a restart; compressing it with pglz took most of the time spent
-- storing a packet (issue 5 benchmark), as it did for the gateway's envelopes (003).
ALTER TABLE csdl_simulator.packets ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE csdl_simulator.packets ALTER COLUMN signature SET STORAGE EXTERNAL;
