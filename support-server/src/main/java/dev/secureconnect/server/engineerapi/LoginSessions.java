package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The engineers' login sessions, in memory. A session value is 256 random bits in base64url; only its SHA-256 is
 * kept, and a value is found by that hash (so a lookup compares hashes, never the value, and the comparison that
 * decides is constant-time). Sessions end at their expiry, at logout, when their engineer is disabled, or when the
 * server stops.
 *
 * <p>Thread-safe.
 */
public final class LoginSessions {

    /** How long a session lasts unless configured otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(8);

    private static final int SESSION_BYTES = 32;
    private static final int MAX_SESSION_CHARS = 128;

    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

    public LoginSessions(Clock clock, Duration ttl) {
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        this.ttl = ttl;
    }

    public LoginSessions(Clock clock) {
        this(clock, DEFAULT_TTL);
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new session, returned with its value: the only time the value exists on the server. */
    public Created create(String login, CertificateFingerprint certificate) {
        purgeExpired();
        byte[] bytes = new byte[SESSION_BYTES];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        LoginSession session =
                new LoginSession(login, certificate, clock.instant().plus(ttl));
        byte[] hash = sha256(value);
        byHash.put(key(hash), new Entry(hash, session));
        return new Created(value, session);
    }

    /** The live session whose value is {@code value}. */
    public Optional<LoginSession> find(String value) {
        Optional<Entry> entry = entry(value);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.get().session().expiresAt())) {
            byHash.remove(key(entry.get().hash()), entry.get());
            return Optional.empty();
        }
        return Optional.of(entry.get().session());
    }

    /** Ends the session whose value is {@code value}; whether there was one. */
    public boolean end(@Nullable String value) {
        Optional<Entry> entry = entry(value);
        return entry.isPresent() && byHash.remove(key(entry.get().hash()), entry.get());
    }

    /** Ends every session of engineer {@code login} (the engineer was disabled); returns how many were live. */
    public int endAll(String login) {
        requireNonNull(login, "login");
        purgeExpired();
        int[] ended = {0};
        byHash.values().removeIf(entry -> {
            boolean theirs = entry.session().login().equals(login);
            if (theirs) {
                ended[0]++;
            }
            return theirs;
        });
        return ended[0];
    }

    /** The logins that hold a live session. */
    public java.util.Set<String> logins() {
        purgeExpired();
        return byHash.values().stream()
                .map(entry -> entry.session().login())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** How many sessions are live. */
    public int size() {
        purgeExpired();
        return byHash.size();
    }

    private Optional<Entry> entry(@Nullable String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_SESSION_CHARS) {
            return Optional.empty();
        }
        byte[] hash = sha256(value);
        Entry entry = byHash.get(key(hash));
        return entry != null && MessageDigest.isEqual(entry.hash(), hash) ? Optional.of(entry) : Optional.empty();
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        byHash.values().removeIf(entry -> !now.isBefore(entry.session().expiresAt()));
    }

    private static String key(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private record Entry(byte[] hash, LoginSession session) {}

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
