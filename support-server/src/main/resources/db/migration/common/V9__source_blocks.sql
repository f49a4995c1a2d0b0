-- Source addresses blocked for a while after repeated handshake failures, bad access tokens or bad TOTP codes
-- (see dev.secureconnect.server.blocks.BlockStore). The daemon polls this table about once a second, so a block lifted
-- by `sc-server blocks remove` (another process) counts within a second. Version 16 (issue 16) leaves room for the
-- migrations of the work done alongside it.
CREATE TABLE source_blocks (
    source VARCHAR(64) NOT NULL PRIMARY KEY, -- the address, as the listener saw it (no port)
    reason TEXT NOT NULL,                    -- what failed: handshake, token, totp
    failures INTEGER NOT NULL,               -- how many failures within the window led to the block
    blocked_at BIGINT NOT NULL,              -- milliseconds since the epoch (UTC)
    blocked_until BIGINT NOT NULL
);
