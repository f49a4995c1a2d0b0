-- The audit log: append-only, SHA-256 hash-chained records (see dev.secureconnect.server.audit.AuditLog for the
-- canonical encoding the hash covers).

-- The head of the chain: exactly one row (id = 1) holding the sequence number and hash of the last record,
-- seq 0 and HashChain.GENESIS (64 zeros) while the log is empty. An append updates this row first, in the same
-- transaction as its INSERT: that row lock (PostgreSQL) or write lock (SQLite) is what serialises appenders in
-- every process, so the chain never forks; and verify compares it with the last record to detect a deleted tail.
CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash VARCHAR(64) NOT NULL
);

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,        -- 1, 2, 3, ... without gaps
    occurred_at BIGINT NOT NULL,            -- milliseconds since the epoch (UTC)
    event_id INTEGER NOT NULL,              -- dev.secureconnect.tunnel.audit.EventType id
    actor TEXT,                             -- who acted: engineer, operator, appliance, system
    appliance_serial TEXT,
    ticket TEXT,                            -- as quoted (a refused one may not be 8 digits)
    session_id TEXT,
    source_address TEXT,
    outcome VARCHAR(16) NOT NULL,           -- success | failure
    details TEXT NOT NULL,                  -- JSON object of strings, keys sorted
    prev_hash VARCHAR(64) NOT NULL,         -- hash of record seq - 1 (GENESIS for seq 1)
    hash VARCHAR(64) NOT NULL               -- HashChain.link(prev_hash, canonical encoding of this row)
);
