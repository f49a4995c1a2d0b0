-- The appliance certificates the enrolment CA signed, at enrolment and at renewal over the link (see
-- dev.secureconnect.server.enrolment.ApplianceCertificates). `sc-server appliances revoke` revokes the unexpired ones
-- of a serial in the enrolment CA's CRL and marks them here; renewal is refused for a certificate not found here,
-- revoked, or replaced by a newer one that is not the newest.
CREATE TABLE appliance_certificates (
    fingerprint VARCHAR(95) NOT NULL PRIMARY KEY, -- SHA-256 of the DER certificate, colon hex
    serial VARCHAR(64) NOT NULL,                  -- the appliance serial (its certificate's identity)
    serial_number VARCHAR(64) NOT NULL,           -- the certificate's serial number, hex
    not_before BIGINT NOT NULL,                   -- milliseconds since the epoch (UTC)
    not_after BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL,                      -- 'enrolment' or 'renewal'
    certificate TEXT NOT NULL,                    -- the certificate, PEM (to revoke it in the CRL)
    replaced_by VARCHAR(95),                      -- the fingerprint of the certificate its renewal signed, else null
    revoked_at BIGINT,                            -- when the operator revoked it, else null
    revoked_reason TEXT                           -- and why
);
CREATE INDEX appliance_certificates_serial ON appliance_certificates (serial);
