-- Several sc-server nodes on one database (see dev.secureconnect.server.cluster and docs/server.md "Running a
-- cluster"). Every time below is the DATABASE's clock (milliseconds since the epoch, UTC), so a node whose own clock
-- is skewed neither expires another node's lease early nor keeps its own alive late.

-- The nodes: one row per node name (server.yaml `node`), refreshed by the node's heartbeat. A node is alive while
-- heartbeat + its lease duration is in the future; a second process with the name of a live node refuses to start.
CREATE TABLE cluster_nodes (
    node VARCHAR(64) NOT NULL PRIMARY KEY,
    instance VARCHAR(36) NOT NULL,        -- a random id per start: tells this run's row from a previous run's
    host TEXT NOT NULL,                   -- the machine it runs on (its host name)
    pid BIGINT NOT NULL,                  -- its process id there
    started BIGINT NOT NULL,
    heartbeat BIGINT NOT NULL,
    lease_millis BIGINT NOT NULL,         -- the node's cluster.leaseDuration: alive while heartbeat + this > now
    version TEXT NOT NULL,                -- the software version
    addresses TEXT NOT NULL               -- JSON object: the listeners it serves, by name ("appliance": "host:port")
);

-- Engineers' login sessions: only the SHA-256 of the session value is stored, never the value.
CREATE TABLE login_sessions (
    value_hash VARCHAR(64) NOT NULL PRIMARY KEY,  -- SHA-256 of the session value, hex
    login VARCHAR(64) NOT NULL,
    certificate VARCHAR(64) NOT NULL,     -- SHA-256 fingerprint of the certificate it is bound to, hex
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT,                      -- NULL while not ended (logout, engineer disabled)
    end_reason TEXT
);

CREATE INDEX login_sessions_login ON login_sessions (login, ended_at);

-- Which node holds each appliance's link: taken by the node that admits the link (the newest connection wins),
-- renewed with that node's heartbeat, deleted when its link ends. A node that finds another node's name on a lease
-- it held drops its link.
CREATE TABLE link_leases (
    serial TEXT NOT NULL PRIMARY KEY,
    node VARCHAR(64) NOT NULL,
    taken_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX link_leases_node ON link_leases (node);
