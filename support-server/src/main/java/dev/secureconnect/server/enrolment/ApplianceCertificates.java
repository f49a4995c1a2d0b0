package dev.secureconnect.server.enrolment;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The appliance certificates the enrolment CA signed (table {@code appliance_certificates}), at enrolment and at
 * renewal: each one's fingerprint, serial number, validity, which renewal replaced it and whether the operator revoked
 * it. The rows are written in the transaction that audits the signing ({@link #record}), so a certificate leaves the
 * server only once it is on the record. Thread-safe.
 */
public final class ApplianceCertificates {

    /** How a certificate came to be signed, as {@code issued_by} records it. */
    public enum Issuance {
        ENROLMENT("enrolment"),
        RENEWAL("renewal");

        private final String code;

        Issuance(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** One row. */
    public record Stored(
            String fingerprint,
            String serial,
            String serialNumber,
            Instant notBefore,
            Instant notAfter,
            Instant issuedAt,
            String issuedBy,
            X509Certificate certificate,
            @Nullable String replacedBy,
            @Nullable Instant revokedAt,
            @Nullable String revokedReason) {
        public Stored {
            requireNonNull(fingerprint, "fingerprint");
            requireNonNull(serial, "serial");
            requireNonNull(certificate, "certificate");
        }

        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private static final String COLUMNS = "fingerprint, serial, serial_number, not_before, not_after, issued_at,"
            + " issued_by, certificate, replaced_by, revoked_at, revoked_reason";

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;

    public ApplianceCertificates(Database database, ServerAuditLog audit, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Records {@code certificate}, just signed for {@code serial}, in the caller's transaction; with {@code replaces},
     * marks that certificate as replaced by this one.
     */
    static void record(
            Connection connection,
            String serial,
            X509Certificate certificate,
            Issuance issuance,
            Instant now,
            @Nullable String replaces)
            throws SQLException {
        String fingerprint = CertificateFingerprint.of(certificate).colonHex();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO appliance_certificates (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)")) {
            insert.setString(1, fingerprint);
            insert.setString(2, serial);
            insert.setString(3, certificate.getSerialNumber().toString(16));
            insert.setLong(4, certificate.getNotBefore().getTime());
            insert.setLong(5, certificate.getNotAfter().getTime());
            insert.setLong(6, now.toEpochMilli());
            insert.setString(7, issuance.code());
            insert.setString(8, Pem.certificates(List.of(certificate)));
            insert.executeUpdate();
        }
        if (replaces != null) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE appliance_certificates SET replaced_by = ? WHERE fingerprint = ?")) {
                update.setString(1, fingerprint);
                update.setString(2, replaces);
                update.executeUpdate();
            }
        }
    }

    /** The row of the certificate with {@code fingerprint} (colon hex), if the enrolment CA signed it. */
    static Optional<Stored> find(Connection connection, String fingerprint) throws SQLException {
        return select(connection, "fingerprint = ?", fingerprint).stream().findFirst();
    }

    /** The certificate signed last for {@code serial}, revoked or not. */
    static Optional<Stored> newest(Connection connection, String serial) throws SQLException {
        return select(connection, "serial = ? ORDER BY issued_at DESC, not_after DESC", serial).stream()
                .findFirst();
    }

    /** The latest expiry of a certificate of {@code serial} still unexpired at {@code now}, revoked or not; or null. */
    static @Nullable Instant unexpiredUntil(Connection connection, String serial, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MAX(not_after) FROM appliance_certificates WHERE serial = ? AND not_after > ?")) {
            select.setString(1, serial);
            select.setLong(2, now.toEpochMilli());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long millis = rs.getLong(1);
                return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
            }
        }
    }

    /** Every certificate recorded for {@code serial}, newest first. */
    public List<Stored> of(String serial) {
        return database.withConnection(
                connection -> select(connection, "serial = ? ORDER BY issued_at DESC, not_after DESC", serial));
    }

    /**
     * Revokes every unexpired, unrevoked certificate of {@code serial}: adds each to the enrolment CA's revocation
     * list, marks it revoked and audits {@code appliance.revoked}, in one transaction (the list is written before the
     * commit: a failed commit leaves entries the next run finds there already, never a row marked without its entry).
     *
     * @return the certificates revoked
     * @throws EnrolmentException when the enrolment CA signed no certificate for {@code serial}, or none is left to
     *     revoke
     */
    public List<Stored> revoke(String serial, String reason, String actor, EnrolmentCrl crl) {
        String why = OneLine.clipped(reason, 200);
        Instant now = clock.instant();
        return audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            List<Stored> all = select(connection, "serial = ?", serial);
            if (all.isEmpty()) {
                throw new EnrolmentException("appliance '" + OneLine.quoted(serial) + "' holds no certificate signed"
                        + " by this server's enrolment CA (check the serial with 'sc-server appliances'; a certificate"
                        + " made with 'sc-pki issue' is revoked with 'sc-pki revoke')");
            }
            List<Stored> revoked = all.stream()
                    .filter(stored -> !stored.revoked() && stored.notAfter().isAfter(now))
                    .toList();
            if (revoked.isEmpty()) {
                throw new EnrolmentException(
                        "appliance " + serial + " holds no unexpired, unrevoked certificate:" + " nothing to revoke");
            }
            for (Stored stored : revoked) {
                crl.revoke(stored.certificate(), RevocationReason.UNSPECIFIED);
                try (PreparedStatement update = connection.prepareStatement("UPDATE appliance_certificates SET"
                        + " revoked_at = ?, revoked_reason = ? WHERE fingerprint = ?")) {
                    update.setLong(1, now.toEpochMilli());
                    update.setString(2, why);
                    update.setString(3, stored.fingerprint());
                    update.executeUpdate();
                }
            }
            transaction.append(ServerAuditEvent.builder(EventType.APPLIANCE_REVOKED)
                    .actor(actor)
                    .appliance(serial)
                    .detail(
                            "fingerprints",
                            String.join(
                                    ",",
                                    revoked.stream().map(Stored::fingerprint).toList()))
                    .detail("reason", why)
                    .build());
            return revoked;
        });
    }

    /** The serials with a certificate revoked after {@code after} (the daemon closes their links), and when. */
    public List<Revoked> revokedAfter(Instant after) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT serial, MAX(revoked_at) FROM"
                    + " appliance_certificates WHERE revoked_at > ? GROUP BY serial")) {
                select.setLong(1, after.toEpochMilli());
                List<Revoked> found = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Revoked(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
                    }
                }
                return found;
            }
        });
    }

    /** An appliance serial whose certificates were revoked at {@code at}. */
    public record Revoked(String serial, Instant at) {}

    private static List<Stored> select(Connection connection, String condition, Object... parameters)
            throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM appliance_certificates WHERE " + condition)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            List<Stored> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Stored(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)),
                            Instant.ofEpochMilli(rs.getLong(5)),
                            Instant.ofEpochMilli(rs.getLong(6)),
                            rs.getString(7),
                            certificate(rs.getString(8)),
                            rs.getString(9),
                            instant(rs, 10),
                            rs.getString(11)));
                }
            }
            return rows;
        }
    }

    private static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new EnrolmentException("a stored appliance certificate cannot be read: " + e.getMessage(), e);
        }
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
