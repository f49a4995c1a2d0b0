package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.tunnel.enrolment.EnrolmentCode;
import dev.secureconnect.tunnel.enrolment.InvalidEnrolmentCodeException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Enrolment by one-time code, the server's half: checks the code (known, for this serial, unused, unexpired,
 * unrevoked), the certificate request (signed, RSA of at least 2048 bits, for this serial) and that the serial holds no
 * valid enrolled certificate unless the code allows replacing it; then signs with the enrolment CA, marks the code used
 * and audits {@code appliance.enrolled} in one transaction, so a certificate leaves only once it is on the record.
 *
 * <p>Every refusal is audited {@code enrolment.refused} with its reason, counts as a failure of the source address
 * ({@link SourceGuard}: enough of them block it) and against the serial's open code: after {@value
 * #MAX_FAILED_ATTEMPTS} refused attempts for a serial its code is revoked, so a code cannot be guessed by trying one
 * serial from many addresses either. Runs on a blocking executor (database, signing), never on an event loop.
 */
public final class Enrolments {

    /** Refused attempts for one serial after which its open code is revoked. */
    public static final int MAX_FAILED_ATTEMPTS = 5;

    private final ServerAuditLog audit;
    private final CertificateAuthority enrolmentCa;
    private final Duration validity;
    private final SourceGuard sources;
    private final Clock clock;

    /** What an enrolled appliance receives: its certificate and the chain above it (enrolment CA, root). */
    public record Enrolled(X509Certificate certificate, List<X509Certificate> chain) {
        public Enrolled {
            requireNonNull(certificate, "certificate");
            chain = List.copyOf(chain);
        }
    }

    public Enrolments(
            ServerAuditLog audit,
            CertificateAuthority enrolmentCa,
            Duration validity,
            SourceGuard sources,
            Clock clock) {
        this.audit = requireNonNull(audit, "audit");
        this.enrolmentCa = requireNonNull(enrolmentCa, "enrolmentCa");
        this.validity = requireNonNull(validity, "validity");
        this.sources = requireNonNull(sources, "sources");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Enrols {@code serial} with {@code codeText} and the PEM certificate request {@code csrPem}.
     *
     * @throws EnrolmentException with the reason and a one-line message safe to show the appliance (it was audited)
     */
    public Enrolled enrol(String codeText, String serial, String csrPem, InetAddress source) {
        String claimedSerial = OneLine.clipped(serial, 64);
        EnrolmentCode code;
        try {
            code = EnrolmentCode.parse(codeText);
        } catch (InvalidEnrolmentCodeException e) {
            throw refused(claimedSerial, null, source, EnrolmentException.Reason.MALFORMED_CODE, e.getMessage());
        }
        try {
            return audit.inTransaction(transaction -> sign(transaction, code, serial, csrPem));
        } catch (EnrolmentException e) {
            if (e.reason() == EnrolmentException.Reason.OPERATOR) {
                throw e;
            }
            throw refused(claimedSerial, code.id(), source, e.reason(), e.getMessage());
        }
    }

    /**
     * Refuses a request body that is not an enrolment request at all (not JSON, fields missing): audited and counted
     * against the source as any refusal.
     *
     * @return the exception to throw, its message {@code message} on one line
     */
    public EnrolmentException refuseMalformed(String message, InetAddress source) {
        return refused("", null, source, EnrolmentException.Reason.MALFORMED_REQUEST, message);
    }

    private Enrolled sign(AuditTransaction transaction, EnrolmentCode code, String serial, String csrPem)
            throws SQLException {
        Instant now = clock.instant();
        Invite invite = find(transaction, code.secretHash());
        if (invite == null) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.UNKNOWN_CODE,
                    "enrolment code " + code.id() + " is not one this server made: ask the operator for a code"
                            + " ('sc-server appliances invite --serial " + OneLine.clipped(serial, 64) + "')");
        }
        if (!invite.serial().equals(serial)) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.OTHER_SERIAL,
                    "enrolment code " + code.id() + " is for another appliance, not '" + OneLine.quoted(serial)
                            + "': use the code made for this serial");
        }
        switch (invite.stateAt(now)) {
            case "used" ->
                throw new EnrolmentException(
                        EnrolmentException.Reason.USED,
                        "enrolment code " + code.id() + " was used already (a code enrols once): ask the operator for"
                                + " a new one");
            case "revoked" ->
                throw new EnrolmentException(
                        EnrolmentException.Reason.REVOKED,
                        "enrolment code " + code.id() + " was revoked: ask the operator for a new one");
            case "expired" ->
                throw new EnrolmentException(
                        EnrolmentException.Reason.EXPIRED,
                        "enrolment code " + code.id() + " expired at " + invite.expiresAt()
                                + ": ask the operator for a new one");
            default -> {
                // open
            }
        }
        CertificateSigningRequest request = applianceRequest(csrPem, serial);
        Instant held = validCertificateUntil(transaction, serial, now);
        if (held != null && !invite.replace()) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.HAS_CERTIFICATE,
                    "appliance " + serial + " already holds a valid certificate (until " + held + "): the operator"
                            + " must make a code with --replace to enrol it again");
        }
        X509Certificate certificate = enrolmentCa.issue(
                CertificateIdentity.appliance(serial), request.publicKey(), validityFrom(enrolmentCa, validity, now));
        String fingerprint = CertificateFingerprint.of(certificate).colonHex();
        Instant notAfter = certificate.getNotAfter().toInstant();
        try (PreparedStatement update = transaction
                .connection()
                .prepareStatement("UPDATE enrolment_invites SET used_at = ?, certificate_fingerprint = ?,"
                        + " certificate_not_after = ? WHERE code_hash = ? AND used_at IS NULL")) {
            update.setLong(1, now.toEpochMilli());
            update.setString(2, fingerprint);
            update.setLong(3, notAfter.toEpochMilli());
            update.setString(4, code.secretHash());
            if (update.executeUpdate() != 1) {
                throw new EnrolmentException(
                        EnrolmentException.Reason.USED,
                        "enrolment code " + code.id() + " was used already (a code enrols once)");
            }
        }
        ApplianceCertificates.record(
                transaction.connection(), serial, certificate, ApplianceCertificates.Issuance.ENROLMENT, now, null);
        transaction.append(ServerAuditEvent.builder(EventType.APPLIANCE_ENROLLED)
                .appliance(serial)
                .detail("codeId", code.id())
                .detail("fingerprint", fingerprint)
                .detail("until", notAfter.toString())
                .build());
        return new Enrolled(certificate, enrolmentCa.chain());
    }

    /**
     * The PEM certificate request {@code csrPem} if it is one for appliance {@code serial} with an acceptable key (RSA
     * of at least 2048 bits, signed by that key): at enrolment and at renewal.
     *
     * @throws EnrolmentException {@link EnrolmentException.Reason#BAD_REQUEST} with a one-line reason
     */
    static CertificateSigningRequest applianceRequest(String csrPem, String serial) {
        CertificateSigningRequest request;
        CertificateIdentity identity;
        try {
            request = new CertificateSigningRequest(Pem.parse(csrPem, "the certificate request").stream()
                    .filter(org.bouncycastle.pkcs.PKCS10CertificationRequest.class::isInstance)
                    .map(org.bouncycastle.pkcs.PKCS10CertificationRequest.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new CryptoException(
                            "no PEM certificate request (expected -----BEGIN" + " CERTIFICATE REQUEST-----)")));
            identity = request.identityFor(CertificateRole.APPLIANCE);
        } catch (CryptoException e) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.BAD_REQUEST,
                    "the certificate request is refused: " + OneLine.of(e.getMessage()));
        }
        if (!identity.id().equals(serial)) {
            throw new EnrolmentException(
                    EnrolmentException.Reason.BAD_REQUEST,
                    "the certificate request names appliance '" + OneLine.quoted(identity.id()) + "', not '"
                            + OneLine.quoted(serial) + "'");
        }
        return request;
    }

    /**
     * The configured validity, cut to end a minute before the enrolment CA's own expiry: a certificate never outlives
     * the CA that signed it (an enrolment CA near its end signs shorter certificates until it is replaced).
     */
    static Duration validityFrom(CertificateAuthority enrolmentCa, Duration validity, Instant now) {
        Duration left = Duration.between(
                        now, enrolmentCa.certificate().getNotAfter().toInstant())
                .minusMinutes(1);
        if (left.compareTo(Duration.ofHours(1)) < 0) {
            throw new EnrolmentException("the enrolment CA expires at "
                    + enrolmentCa.certificate().getNotAfter().toInstant()
                    + ": the operator must import a new one ('sc-server enrolment-ca import --replace')");
        }
        return validity.compareTo(left) > 0 ? left : validity;
    }

    /** Audits the refusal, counts it against the source and the serial's open code, and returns it to throw. */
    private EnrolmentException refused(
            String serial,
            @Nullable String codeId,
            InetAddress source,
            EnrolmentException.Reason reason,
            @Nullable String message) {
        String text = OneLine.of(message);
        audit.inTransaction(transaction -> {
            long now = clock.millis();
            try (PreparedStatement count = transaction
                    .connection()
                    .prepareStatement("UPDATE enrolment_invites SET failed_attempts = failed_attempts + 1 WHERE "
                            + InviteStore.OPEN_FOR_SERIAL)) {
                count.setString(1, serial);
                count.setLong(2, now);
                count.executeUpdate();
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENROLMENT_REFUSED)
                    .appliance(serial.isEmpty() ? null : serial)
                    .source(source.getHostAddress())
                    .outcome(ServerAuditEvent.Outcome.FAILURE)
                    .detail("codeId", codeId)
                    .detail("reason", reason.code())
                    .build());
            try (PreparedStatement exhausted = transaction
                    .connection()
                    .prepareStatement("SELECT code_hash FROM enrolment_invites WHERE " + InviteStore.OPEN_FOR_SERIAL
                            + " AND failed_attempts >= ?")) {
                exhausted.setString(1, serial);
                exhausted.setLong(2, now);
                exhausted.setInt(3, MAX_FAILED_ATTEMPTS);
                try (ResultSet rs = exhausted.executeQuery()) {
                    while (rs.next()) {
                        String hash = rs.getString(1);
                        try (PreparedStatement revoke = transaction
                                .connection()
                                .prepareStatement("UPDATE enrolment_invites SET revoked_at = ? WHERE code_hash = ?")) {
                            revoke.setLong(1, now);
                            revoke.setString(2, hash);
                            revoke.executeUpdate();
                        }
                        transaction.append(ServerAuditEvent.builder(EventType.ENROLMENT_INVITE_REVOKED)
                                .appliance(serial)
                                .detail("codeId", EnrolmentCode.idOf(hash))
                                .detail("reason", MAX_FAILED_ATTEMPTS + " refused attempts")
                                .build());
                    }
                }
            }
            return Boolean.TRUE;
        });
        sources.failed(source, SourceFailure.ENROLMENT);
        return new EnrolmentException(reason, text);
    }

    private static @Nullable Invite find(AuditTransaction transaction, String hash) throws SQLException {
        try (PreparedStatement select = transaction
                .connection()
                .prepareStatement("SELECT serial, created_by, created_at, expires_at, replace_certificate, used_at,"
                        + " revoked_at FROM enrolment_invites WHERE code_hash = ?")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Invite(
                        EnrolmentCode.idOf(hash),
                        rs.getString(1),
                        rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        rs.getBoolean(5),
                        instant(rs, 6),
                        instant(rs, 7));
            }
        }
    }

    /**
     * The expiry of the latest unexpired certificate signed for {@code serial} (enrolled, renewed; revoked or not: a
     * revoked appliance comes back only with a code made with --replace), or null.
     */
    private static @Nullable Instant validCertificateUntil(AuditTransaction transaction, String serial, Instant now)
            throws SQLException {
        try (PreparedStatement select = transaction
                .connection()
                .prepareStatement("SELECT MAX(certificate_not_after) FROM enrolment_invites WHERE serial = ? AND"
                        + " used_at IS NOT NULL AND certificate_not_after > ?")) {
            select.setString(1, serial);
            select.setLong(2, now.toEpochMilli());
            try (ResultSet rs = select.executeQuery()) {
                Instant enrolled = rs.next() ? instant(rs, 1) : null;
                Instant any = ApplianceCertificates.unexpiredUntil(transaction.connection(), serial, now);
                return enrolled == null || (any != null && any.isAfter(enrolled)) ? any : enrolled;
            }
        }
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
