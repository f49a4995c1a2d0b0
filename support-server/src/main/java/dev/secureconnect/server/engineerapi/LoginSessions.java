package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.server.storage.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The engineers' login sessions, in the database's {@code login_sessions} table, so that a server restart does not log
 * anyone out and every node of a cluster accepts a session any node made. A session value is 256 random bits in
 * base64url; only its SHA-256 is stored, and a value is found by that hash (so a lookup compares hashes, never the
 * value, and the comparison that decides is constant-time). Sessions end at their expiry, at logout, and when their
 * engineer is disabled; an ended session's row is kept a day (with when and why it ended), then deleted.
 *
 * <p>Every method reads or writes the database: call them on a blocking thread, never on an event loop. They throw
 * {@link dev.secureconnect.server.storage.StorageException} when the database fails.
 *
 * <p>Thread-safe.
 */
public final class LoginSessions {

    /** How long a session lasts unless configured otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(8);

    /** How long the row of an ended or expired session is kept before it is deleted. */
    static final Duration KEPT_AFTER_END = Duration.ofDays(1);

    private static final int SESSION_BYTES = 32;
    private static final int MAX_SESSION_CHARS = 128;
    private static final HexFormat HEX = HexFormat.of();

    private final Database database;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public LoginSessions(Database database, Clock clock, Duration ttl) {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        this.ttl = ttl;
    }

    public LoginSessions(Database database, Clock clock) {
        this(database, clock, DEFAULT_TTL);
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new session, returned with its value: the only time the value exists on the server. */
    public Created create(String login, CertificateFingerprint certificate) {
        requireNonNull(login, "login");
        requireNonNull(certificate, "certificate");
        byte[] bytes = new byte[SESSION_BYTES];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        LoginSession session = new LoginSession(login, certificate, now.plus(ttl));
        database.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO login_sessions"
                            + " (value_hash, login, certificate, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
                    PreparedStatement prune = connection.prepareStatement(
                            "DELETE FROM login_sessions WHERE expires_at < ? OR ended_at < ?")) {
                insert.setString(1, HEX.formatHex(sha256(value)));
                insert.setString(2, login);
                insert.setString(3, HEX.formatHex(certificate.sha256()));
                insert.setLong(4, now.toEpochMilli());
                insert.setLong(5, session.expiresAt().toEpochMilli());
                insert.executeUpdate();
                long kept = now.minus(KEPT_AFTER_END).toEpochMilli();
                prune.setLong(1, kept);
                prune.setLong(2, kept);
                return prune.executeUpdate();
            }
        });
        return new Created(value, session);
    }

    /** The live session whose value is {@code value}. */
    public Optional<LoginSession> find(@Nullable String value) {
        Optional<byte[]> hash = hash(value);
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT value_hash, login, certificate,"
                    + " expires_at FROM login_sessions WHERE value_hash = ? AND ended_at IS NULL")) {
                select.setString(1, HEX.formatHex(hash.get()));
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next() || !MessageDigest.isEqual(HEX.parseHex(rs.getString(1)), hash.get())) {
                        return Optional.empty();
                    }
                    Instant expiresAt = Instant.ofEpochMilli(rs.getLong(4));
                    if (!clock.instant().isBefore(expiresAt)) {
                        return Optional.empty();
                    }
                    return Optional.of(new LoginSession(
                            rs.getString(2), new CertificateFingerprint(HEX.parseHex(rs.getString(3))), expiresAt));
                }
            }
        });
    }

    /** Ends the session whose value is {@code value} (a logout); whether there was one. */
    public boolean end(@Nullable String value) {
        Optional<byte[]> hash = hash(value);
        if (hash.isEmpty()) {
            return false;
        }
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE login_sessions SET ended_at = ?,"
                    + " end_reason = 'logout' WHERE value_hash = ? AND ended_at IS NULL")) {
                update.setLong(1, clock.instant().toEpochMilli());
                update.setString(2, HEX.formatHex(hash.get()));
                return update.executeUpdate() > 0;
            }
        });
    }

    /** Ends every session of engineer {@code login} (the engineer was disabled); returns how many were live. */
    public int endAll(String login) {
        requireNonNull(login, "login");
        long now = clock.instant().toEpochMilli();
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE login_sessions SET ended_at = ?,"
                    + " end_reason = 'engineer disabled' WHERE login = ? AND ended_at IS NULL AND expires_at > ?")) {
                update.setLong(1, now);
                update.setString(2, login);
                update.setLong(3, now);
                return update.executeUpdate();
            }
        });
    }

    /** The logins that hold a live session. */
    public Set<String> logins() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT DISTINCT login FROM login_sessions WHERE ended_at IS NULL AND expires_at > ?")) {
                select.setLong(1, clock.instant().toEpochMilli());
                Set<String> logins = new TreeSet<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        logins.add(rs.getString(1));
                    }
                }
                return Set.copyOf(logins);
            }
        });
    }

    /** How many sessions are live. */
    public int size() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT COUNT(*) FROM login_sessions WHERE ended_at IS NULL AND expires_at > ?")) {
                select.setLong(1, clock.instant().toEpochMilli());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The SHA-256 of a plausible session value; empty for none, an empty one or one far too long. */
    private static Optional<byte[]> hash(@Nullable String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_SESSION_CHARS) {
            return Optional.empty();
        }
        return Optional.of(sha256(value));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * A session just created.
     *
     * @param value the session value to hand to the engineer (secret: not printed by {@link #toString()})
     */
    public record Created(String value, LoginSession session) {
        @Override
        public String toString() {
            return "Created[value=(hidden), session=" + session + "]";
        }
    }
}
