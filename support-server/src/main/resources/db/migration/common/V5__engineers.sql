-- Support engineers enrolled for login: the certificate that identifies each one and their TOTP second factor
-- (see dev.secureconnect.server.engineers.EngineerStore).
CREATE TABLE engineers (
    login VARCHAR(64) NOT NULL PRIMARY KEY,   -- the certificate's urn:secureconnect:engineer:<login>
    full_name TEXT NOT NULL,                  -- the certificate's subject CN
    email TEXT NOT NULL,                      -- the certificate's SAN e-mail address
    cert_sha256 VARCHAR(64) NOT NULL,         -- SHA-256 of the certificate's DER, lower-case hex
    status VARCHAR(8) NOT NULL CHECK (status IN ('enabled', 'disabled')),
    totp_secret TEXT NOT NULL,                -- AES-256-GCM under DIR/keys/totp.key, associated data = login:
                                              -- 'v1:' key id ':' base64(nonce || ciphertext || tag)
    totp_last_step BIGINT,                    -- the last TOTP time step accepted (never accepted again); NULL: none
    failed_attempts INTEGER NOT NULL CHECK (failed_attempts >= 0),  -- consecutive failed logins
    locked_until BIGINT,                      -- refused until then (milliseconds since the epoch, UTC); NULL: not
    created_at BIGINT NOT NULL,               -- milliseconds since the epoch (UTC)
    updated_at BIGINT NOT NULL                -- last change by an operator: enrol, disable, enable, reset-totp
);

CREATE UNIQUE INDEX engineers_cert_sha256 ON engineers (cert_sha256);
