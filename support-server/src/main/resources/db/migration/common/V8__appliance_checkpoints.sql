-- The latest signed checkpoint of each appliance's own audit log, as the appliance sent it over its link (in the
-- hello) and the server verified it with the link's certificate. A later checkpoint must not have a lower seq.
CREATE TABLE appliance_checkpoints (
    serial TEXT NOT NULL PRIMARY KEY,
    seq BIGINT NOT NULL,               -- the appliance's log held this many records ...
    hash TEXT NOT NULL,                -- ... the last with this hash (SHA-256 chain, hex)
    signed_at BIGINT NOT NULL,         -- when the appliance signed it (milliseconds since the epoch, UTC)
    received_at BIGINT NOT NULL,       -- when the server received it
    jws TEXT NOT NULL                  -- the appliance's signature (compact JWS, PS256 or ES256)
);
