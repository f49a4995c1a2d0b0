-- Cases (issue 13): support cases opened by the alert rules of rules.yaml on Call Home bundles and missed
-- heartbeats (see dev.secureconnect.server.cases.CaseStore).
CREATE TABLE cases (
    id VARCHAR(16) NOT NULL PRIMARY KEY,     -- C and 8 digits, e.g. C40512337
    appliance VARCHAR(128) NOT NULL,         -- the serial the bundle came from
    rule_name VARCHAR(64) NOT NULL,          -- the rule of rules.yaml that fired
    title TEXT NOT NULL,
    severity VARCHAR(16) NOT NULL,           -- critical, high, normal or low
    bundle_id VARCHAR(36),                   -- the bundle it fired on; NULL for a missed heartbeat
    dedup_key TEXT NOT NULL,                 -- the rule's de-duplication key, expanded
    state VARCHAR(16) NOT NULL,              -- open, approved, declined or closed
    scope TEXT NOT NULL,                     -- the access it needs, JSON: services, commands, folders, duration
    opened_at BIGINT NOT NULL,               -- milliseconds since the epoch, UTC
    updated_at BIGINT NOT NULL,
    state_reason TEXT                        -- why it was closed (or declined)
);
CREATE INDEX cases_by_appliance ON cases (appliance, opened_at);

-- The de-duplication state of each (appliance, key): the case it opened last, and since when its condition has
-- been seen clear (NULL while it keeps firing). A key opens a new case only after it was clear for the rule's
-- re-arm time, so a disk that stays full opens one case.
CREATE TABLE case_alerts (
    appliance VARCHAR(128) NOT NULL,
    dedup_key VARCHAR(255) NOT NULL,
    rule_name VARCHAR(64) NOT NULL,
    case_id VARCHAR(16) NOT NULL,
    fired_at BIGINT NOT NULL,                -- the last time the condition was seen true
    clear_since BIGINT,
    PRIMARY KEY (appliance, dedup_key)
);
