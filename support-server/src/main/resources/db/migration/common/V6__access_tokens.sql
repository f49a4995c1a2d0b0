-- Access tokens issued to engineers (see dev.secureconnect.server.tokens.TokenStore): the claims the server needs to
-- list and revoke them, never the signed token itself.
CREATE TABLE access_tokens (
    id VARCHAR(36) NOT NULL PRIMARY KEY,  -- the token's jti (a UUID)
    engineer VARCHAR(64) NOT NULL,        -- the engineer's login (sub)
    appliance TEXT NOT NULL,              -- the appliance serial (aud)
    ticket VARCHAR(8) NOT NULL,
    issued_at BIGINT NOT NULL,            -- milliseconds since the epoch (UTC)
    expires_at BIGINT NOT NULL,
    reason TEXT,                          -- why the engineer asked for it, as typed; NULL: none given
    revoked_at BIGINT,                    -- NULL while not revoked
    revoked_by TEXT,
    revoke_reason TEXT
);

-- the daemon polls for revoked, unexpired tokens about once a second
CREATE INDEX access_tokens_revoked ON access_tokens (revoked_at, expires_at);
