-- One-time enrolment codes (see dev.secureconnect.server.enrolment.InviteStore): made by `sc-server appliances invite`,
-- used once by `sc-appliance enrol`. Only the SHA-256 of the code's secret is stored, never the code. Version 11 leaves
-- version 10 to the token-key rotation done alongside it.
CREATE TABLE enrolment_invites (
    code_hash VARCHAR(64) NOT NULL PRIMARY KEY, -- hex SHA-256 of the code's 128-bit secret
    serial VARCHAR(64) NOT NULL,                -- the appliance serial the code is bound to
    created_by TEXT NOT NULL,                   -- the operator, as the audit log names them
    created_at BIGINT NOT NULL,                 -- milliseconds since the epoch (UTC)
    expires_at BIGINT NOT NULL,
    replace_certificate BOOLEAN NOT NULL,       -- whether it may replace a valid certificate of the serial
    used_at BIGINT,                             -- when an appliance enrolled with it, else null
    revoked_at BIGINT,                          -- when the operator revoked it (or too many attempts did), else null
    failed_attempts INTEGER NOT NULL DEFAULT 0, -- refused enrolments for this serial while the code was open
    certificate_fingerprint VARCHAR(95),        -- the certificate signed when it was used (SHA-256, colon hex)
    certificate_not_after BIGINT                -- and its expiry
);
CREATE INDEX enrolment_invites_serial ON enrolment_invites (serial);
