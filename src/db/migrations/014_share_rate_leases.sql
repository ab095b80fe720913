-- The sharing rate limit without a committed write per request: a gateway process leases a slice
-- of a client's budget for the current one-second window (one statement, under the row's lock),
-- answers that many requests from memory, and leases again when the slice is spent. `count` is
-- now what all processes leased in the window (never more than the limit), `granted` what the
-- last lease statement gave, so the process that ran it learns its slice in the same statement.
ALTER TABLE csdl_gateway.share_rate ADD COLUMN granted integer NOT NULL DEFAULT 0;
