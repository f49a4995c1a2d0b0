-- Call Home (issue 13): the diagnostic bundles appliances send (see dev.secureconnect.server.callhome.BundleStore).
-- The row holds what is listed and searched; the bundle itself is kept gzip-compressed, as received, in
-- SERVER_DIR/callhome/SERIAL/ID.json.gz (body_file, relative to the server directory).
CREATE TABLE callhome_bundles (
    id VARCHAR(36) NOT NULL PRIMARY KEY,     -- the bundle's UUID, chosen by the appliance: a resend is stored once
    appliance VARCHAR(128) NOT NULL,         -- the serial of the certificate it came with
    created_at BIGINT NOT NULL,              -- when the appliance made it (milliseconds since the epoch, UTC)
    received_at BIGINT NOT NULL,             -- when the server stored it
    trigger_kind VARCHAR(16) NOT NULL,       -- schedule or admin
    version VARCHAR(64) NOT NULL,            -- the appliance's software version
    compressed_bytes BIGINT NOT NULL,
    json_bytes BIGINT NOT NULL,
    sha256 VARCHAR(64) NOT NULL,             -- of the JSON, hex: what the appliance's own audit log records
    summary TEXT NOT NULL,                   -- one line: failing checks, services down, fullest file system
    body_file TEXT NOT NULL
);
CREATE INDEX callhome_bundles_by_appliance ON callhome_bundles (appliance, received_at);

-- One row per appliance that ever sent a bundle: when the last one came, and whether callhome.missed was raised
-- for the gap since (raised once per gap; a new bundle clears it).
CREATE TABLE callhome_heartbeats (
    appliance VARCHAR(128) NOT NULL PRIMARY KEY,
    last_received_at BIGINT NOT NULL,
    missed_raised_at BIGINT
);
