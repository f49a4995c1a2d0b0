-- Support tickets: the 8-digit numbers an appliance admin quotes to let support in.
CREATE TABLE tickets (
    number VARCHAR(8) NOT NULL PRIMARY KEY,  -- exactly 8 digits
    title TEXT NOT NULL,
    appliance_serial TEXT,                   -- NULL: any appliance may quote it
    status VARCHAR(8) NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at BIGINT NOT NULL,               -- milliseconds since the epoch (UTC)
    opened_by TEXT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT
);
