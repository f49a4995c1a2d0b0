-- Signed checkpoints of the audit log (see dev.secureconnect.server.audit.Checkpoints): each row is an
-- audit.checkpoint record of audit_log whose hash the server signed with its audit key (keys/audit-signing.jwk).
-- `sc-server audit verify` checks every signature, that the signed hash is the record's, and that every
-- audit.checkpoint record has its row here.
CREATE TABLE audit_checkpoints (
    seq BIGINT NOT NULL PRIMARY KEY,        -- the audit.checkpoint record that was signed
    hash VARCHAR(64) NOT NULL,              -- its hash, as signed
    signed_at BIGINT NOT NULL,              -- milliseconds since the epoch (UTC)
    key_id VARCHAR(64) NOT NULL,            -- RFC 7638 thumbprint of the audit key
    jws TEXT NOT NULL                       -- compact ES256 JWS over {"seq":…,"hash":…,"node":…,"signedAt":…}
);

-- Where each export sink (server.yaml `sinks`) and the mail notifier are in the audit log: the log is their queue.
-- delivered_seq moves only after the receiver accepted the records, so a sink that is down or a server that is
-- killed loses nothing; a record may be sent twice, and receivers de-duplicate by its seq.
CREATE TABLE sink_cursors (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    delivered_seq BIGINT NOT NULL,          -- the last record handed over (or filtered out)
    delivered_at BIGINT,                    -- when it moved last; NULL: never
    failing_since BIGINT,                   -- NULL while delivering
    last_error TEXT,                        -- the last delivery error, one line; NULL: none yet
    last_error_at BIGINT
);

-- session reports read every record of one session
CREATE INDEX audit_log_session ON audit_log (session_id);

-- the contact addresses of an appliance's admins, for e-mail notifications: a JSON array of strings
CREATE TABLE appliance_contacts (
    appliance_serial TEXT NOT NULL PRIMARY KEY,
    addresses TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
