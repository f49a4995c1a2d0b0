-- Appliance link status: one row per appliance that ever linked, kept up to date by the daemon holding the link
-- and read by `sc-server appliances`.
CREATE TABLE appliance_links (
    serial TEXT NOT NULL PRIMARY KEY,
    online BOOLEAN NOT NULL,
    since BIGINT NOT NULL,             -- when it went online / offline (milliseconds since the epoch, UTC)
    last_seen BIGINT NOT NULL,         -- last sign of life on the link
    node TEXT NOT NULL,                -- the server node that holds (or last held) the link
    remote_address TEXT,
    tickets TEXT NOT NULL,             -- JSON array of ticket numbers on the link (empty when offline)
    services TEXT NOT NULL,            -- JSON array of the appliance's allow-listed service names
    down_reason TEXT                   -- why the link went down, while offline
);

CREATE INDEX appliance_links_node ON appliance_links (node);
