package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.tunnel.enrolment.EnrolmentCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one-time enrolment codes (table {@code enrolment_invites}): single use, bound to one appliance serial,
 * expiring, stored only as the SHA-256 of their secret. Making and revoking a code append {@code enrolment.invited} /
 * {@code enrolment.invite-revoked} in the same transaction as the change. Thread-safe.
 */
public final class InviteStore {

    /** The longest a code may stay usable. */
    public static final Duration MAX_TTL = Duration.ofDays(30);

    /** The condition on a row of {@code enrolment_invites} for {@code serial = ?} whose code is open at {@code ?}. */
    static final String OPEN_FOR_SERIAL = "serial = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?";

    private static final String COLUMNS =
            "code_hash, serial, created_by, created_at, expires_at, replace_certificate, used_at, revoked_at";

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;

    public InviteStore(Database database, ServerAuditLog audit, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A new code and what was recorded of it. The code is shown once, to the operator, and never stored. */
    public record Issued(EnrolmentCode code, Invite invite) {
        @Override
        public String toString() {
            return "Issued[" + invite + "]";
        }
    }

    /**
     * Makes a code for {@code serial}, valid for {@code ttl}, pinning {@code root}.
     *
     * @throws EnrolmentException when the serial is not a valid appliance serial, the ttl is out of range, or the
     *     serial has an unused code already (revoke it first)
     */
    public Issued invite(String serial, Duration ttl, boolean replace, String actor, CertificateFingerprint root) {
        requireSerial(serial);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new EnrolmentException("an enrolment code's ttl must be more than 0 and at most " + MAX_TTL.toDays()
                    + " days, not " + ttl.toHours() + " hours");
        }
        Instant now = clock.instant();
        EnrolmentCode code = EnrolmentCode.generate(root);
        Invite invite = new Invite(code.id(), serial, actor, now, now.plus(ttl), replace, null, null);
        audit.inTransaction(transaction -> {
            Optional<Invite> open = open(transaction.connection(), serial, now);
            if (open.isPresent()) {
                throw new EnrolmentException("appliance " + serial + " has an unused enrolment code already (id "
                        + open.get().codeId() + ", until " + open.get().expiresAt() + "): revoke it first with"
                        + " 'sc-server appliances invite --serial " + serial + " --revoke'");
            }
            try (PreparedStatement insert = transaction
                    .connection()
                    .prepareStatement(
                            "INSERT INTO enrolment_invites (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, code.secretHash());
                insert.setString(2, serial);
                insert.setString(3, actor);
                insert.setLong(4, now.toEpochMilli());
                insert.setLong(5, invite.expiresAt().toEpochMilli());
                insert.setBoolean(6, replace);
                insert.setNull(7, java.sql.Types.BIGINT);
                insert.setNull(8, java.sql.Types.BIGINT);
                insert.executeUpdate();
            }
            return transaction.append(ServerAuditEvent.builder(EventType.ENROLMENT_INVITED)
                    .actor(actor)
                    .appliance(serial)
                    .detail("codeId", code.id())
                    .detail("expiresAt", invite.expiresAt().toString())
                    .detail("replace", Boolean.toString(replace))
                    .build());
        });
        return new Issued(code, invite);
    }

    /**
     * Revokes the unused code of {@code serial}.
     *
     * @return the code revoked
     * @throws EnrolmentException when the serial has no unused code
     */
    public Invite revoke(String serial, String actor) {
        requireSerial(serial);
        Instant now = clock.instant();
        return audit.inTransaction(transaction -> {
            Invite open = open(transaction.connection(), serial, now)
                    .orElseThrow(() -> new EnrolmentException("appliance " + serial + " has no unused enrolment code"
                            + " to revoke (see 'sc-server appliances invites --dir DIR')"));
            try (PreparedStatement update = transaction
                    .connection()
                    .prepareStatement("UPDATE enrolment_invites SET revoked_at = ? WHERE " + OPEN_FOR_SERIAL)) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, serial);
                update.setLong(3, now.toEpochMilli());
                update.executeUpdate();
            }
            transaction.append(ServerAuditEvent.builder(EventType.ENROLMENT_INVITE_REVOKED)
                    .actor(actor)
                    .appliance(serial)
                    .detail("codeId", open.codeId())
                    .build());
            return new Invite(
                    open.codeId(),
                    open.serial(),
                    open.createdBy(),
                    open.createdAt(),
                    open.expiresAt(),
                    open.replace(),
                    null,
                    now);
        });
    }

    /** Every code recorded, newest first. */
    public List<Invite> list() {
        return database.withConnection(connection -> select(connection, "1 = 1 ORDER BY created_at DESC"));
    }

    private Optional<Invite> open(Connection connection, String serial, Instant now) throws SQLException {
        return select(connection, OPEN_FOR_SERIAL, serial, now.toEpochMilli()).stream()
                .findFirst();
    }

    private static List<Invite> select(Connection connection, String condition, Object... parameters)
            throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM enrolment_invites WHERE " + condition)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            List<Invite> invites = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    invites.add(new Invite(
                            EnrolmentCode.idOf(rs.getString(1)),
                            rs.getString(2),
                            rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)),
                            Instant.ofEpochMilli(rs.getLong(5)),
                            rs.getBoolean(6),
                            instant(rs, 7),
                            instant(rs, 8)));
                }
            }
            return invites;
        }
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void requireSerial(String serial) {
        try {
            CertificateIdentity.appliance(serial);
        } catch (RuntimeException e) {
            throw new EnrolmentException(String.valueOf(e.getMessage()), e);
        }
    }
}
