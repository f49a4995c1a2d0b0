package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Renewal over the link, the server's half: an appliance authenticated by its current certificate (the link's mTLS)
 * offers a certificate request for a new key pair; the server signs it with the enrolment CA if
 *
 * <ul>
 *   <li>the link's certificate is one the enrolment CA signed (recorded in {@link ApplianceCertificates}), for this
 *       serial, not revoked;
 *   <li>it is current: the newest certificate of the serial, or the one the newest replaced (a renewal whose answer
 *       was lost, or an appliance still on its old link, may renew again; a certificate two renewals old may not);
 *   <li>the request passes the enrolment checks (RSA of at least 2048 bits, signed, for this serial) and its key is
 *       not the current one.
 * </ul>
 *
 * Signing, recording (the old certificate marked replaced by the new) and auditing {@code certificate.renewed} with
 * both fingerprints happen in one transaction; a refusal is audited {@code certificate.renewal-refused} and nothing is
 * signed. Runs on a blocking executor, never on an event loop.
 */
public final class Renewals {

    private final ServerAuditLog audit;
    private final CertificateAuthority enrolmentCa;
    private final Duration validity;
    private final Clock clock;

    public Renewals(ServerAuditLog audit, CertificateAuthority enrolmentCa, Duration validity, Clock clock) {
        this.audit = requireNonNull(audit, "audit");
        this.enrolmentCa = requireNonNull(enrolmentCa, "enrolmentCa");
        this.validity = requireNonNull(validity, "validity");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Renews the certificate of appliance {@code serial}, whose link presented {@code current}, for the key of the
     * PEM request {@code csrPem}.
     *
     * @param source the link's remote address, for the audit log
     * @return the new certificate and its chain
     * @throws EnrolmentException with the reason and a one-line message safe to send the appliance (it was audited)
     */
    public Enrolments.Enrolled renew(String serial, X509Certificate current, String csrPem, String source) {
        String fingerprint = CertificateFingerprint.of(current).colonHex();
        try {
            return audit.inTransaction(transaction -> sign(transaction, serial, current, fingerprint, csrPem, source));
        } catch (EnrolmentException e) {
            if (e.reason() == EnrolmentException.Reason.OPERATOR) {
                throw e;
            }
            audit.append(ServerAuditEvent.builder(EventType.CERTIFICATE_RENEWAL_REFUSED)
                    .appliance(serial)
                    .source(source)
                    .outcome(ServerAuditEvent.Outcome.FAILURE)
                    .detail("fingerprint", fingerprint)
                    .detail("reason", OneLine.of(e.getMessage()))
                    .build());
            throw e;
        }
    }

    private Enrolments.Enrolled sign(
            AuditTransaction transaction,
            String serial,
            X509Certificate current,
            String fingerprint,
            String csrPem,
            String source)
            throws SQLException {
        Instant now = clock.instant();
        ApplianceCertificates.Stored stored = ApplianceCertificates.find(transaction.connection(), fingerprint)
                .orElseThrow(() -> new EnrolmentException(
                        EnrolmentException.Reason.NOT_ENROLLED,
                        "the certificate of appliance " + serial + " (" + fingerprint + ") was not signed by this"
                                + " server's enrolment CA, so it cannot be renewed over the link: enrol the appliance"
                                + " with a code ('sc-server appliances invite --serial " + serial + " --replace')"));
        if (!stored.serial().equals(serial)) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.OTHER_SERIAL,
                    "certificate " + fingerprint + " was signed for appliance " + stored.serial() + ", not " + serial);
        }
        if (stored.revoked()) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.REVOKED,
                    "the certificate of appliance " + serial + " was revoked at " + stored.revokedAt() + " ("
                            + OneLine.of(stored.revokedReason()) + "): it comes back only with a new code made with"
                            + " --replace");
        }
        ApplianceCertificates.Stored newest =
                ApplianceCertificates.newest(transaction.connection(), serial).orElse(stored);
        if (!newest.fingerprint().equals(fingerprint) && !newest.fingerprint().equals(stored.replacedBy())) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.NOT_CURRENT,
                    "certificate " + fingerprint + " of appliance " + serial + " was replaced by a renewal since"
                            + " (the newest is " + newest.fingerprint() + "): renew with the newest one");
        }
        CertificateSigningRequest request = Enrolments.applianceRequest(csrPem, serial);
        if (request.publicKey().equals(current.getPublicKey())) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.BAD_REQUEST,
                    "the certificate request reuses the key of the current certificate: a renewal needs a new key"
                            + " pair");
        }
        X509Certificate renewed = enrolmentCa.issue(
                CertificateIdentity.appliance(serial),
                request.publicKey(),
                Enrolments.validityFrom(enrolmentCa, validity, now));
        String renewedFingerprint = CertificateFingerprint.of(renewed).colonHex();
        ApplianceCertificates.record(
                transaction.connection(), serial, renewed, ApplianceCertificates.Issuance.RENEWAL, now, fingerprint);
        transaction.append(ServerAuditEvent.builder(EventType.CERTIFICATE_RENEWED)
                .appliance(serial)
                .source(source)
                .detail("oldFingerprint", fingerprint)
                .detail("fingerprint", renewedFingerprint)
                .detail("until", renewed.getNotAfter().toInstant().toString())
                .build());
        return new Enrolments.Enrolled(renewed, enrolmentCa.chain());
    }
}
