-- A pull is a recorded intent first (docs/decisions/transferees.md, "A pull interrupted"). The
-- transfer row is written, with its audit entry, before the national side is called; it names the
-- process that carries the pull on (`claimed_by`: host, pid and a per-process instance id) and
-- until when that claim holds (`claim_expires`). What the pull has verified before it writes the
-- vendor's staging table is kept in `pending` (format, payload hash, signer, signing time,
-- warnings, and the SHA-256 of the record as staged), so that recovery can tell whether the staged
-- row it finds is this pull's and finish the transfer with the facts of the record it holds.
-- A transfer left `requested` by a process that died, or whose claim has expired, is finished
-- (staged) or rolled back (failed, `transfer.interrupted`) by recovery, with its audit entry.
ALTER TABLE csdl_gateway.transfers
  ADD COLUMN claimed_by     text,
  ADD COLUMN claim_expires  timestamptz,
  ADD COLUMN pending        jsonb;

CREATE INDEX transfers_requested ON csdl_gateway.transfers (claim_expires) WHERE status = 'requested';
