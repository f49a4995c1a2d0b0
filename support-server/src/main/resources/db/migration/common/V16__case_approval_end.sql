-- Issue 13: when the appliance admin's approval of a case ends (milliseconds since the epoch, UTC); NULL until the
-- case is approved. A token issued for the case expires no later (see dev.secureconnect.server.tokens.TokenIssuance).
ALTER TABLE cases ADD COLUMN approved_until BIGINT;
