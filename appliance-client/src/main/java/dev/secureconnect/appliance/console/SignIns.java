package dev.secureconnect.appliance.console;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Who is signed in to the console (a random session id in a cookie, with its CSRF token, signed out after
 * {@code idleTimeout} without a request) and which names are locked after too many failed sign-ins in a row. Held in
 * memory: a restarted daemon signs everyone out. Thread-safe.
 */
final class SignIns {

    /** The most sessions at once; the least recently used one is signed out to make room. */
    static final int MAX_SESSIONS = 64;
    /** The most names whose failures are counted at once. */
    static final int MAX_TRACKED_NAMES = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A signed-in admin. {@code toString} leaves the secrets out. */
    static final class Session {
        final String id;
        final String user;
        final String csrf;
        final String source;
        volatile Instant lastSeen;

        private Session(String id, String user, String csrf, String source, Instant lastSeen) {
            this.id = id;
            this.user = user;
            this.csrf = csrf;
            this.source = source;
            this.lastSeen = lastSeen;
        }

        @Override
        public String toString() {
            return "Session[user=" + user + ", source=" + source + "]";
        }
    }

    private record Failures(int count, @Nullable Instant lockedUntil) {}

    private final Clock clock;
    private final Duration idleTimeout;
    private final int lockoutAfter;
    private final Duration lockoutFor;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    SignIns(Clock clock, Duration idleTimeout, int lockoutAfter, Duration lockoutFor) {
        this.clock = requireNonNull(clock, "clock");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
        this.lockoutAfter = lockoutAfter;
        this.lockoutFor = requireNonNull(lockoutFor, "lockoutFor");
    }

    /** Signs {@code user} in from {@code source}. */
    Session open(String user, String source) {
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream()
                    .min(Comparator.comparing(s -> s.lastSeen))
                    .ifPresent(oldest -> sessions.remove(oldest.id));
        }
        Session session = new Session(random(), user, random(), source, clock.instant());
        sessions.put(session.id, session);
        return session;
    }

    /**
     * The session of the cookie value {@code id}, its idle time restarted; null when there is none. {@code expired}
     * is told about a session that was idle too long (it is signed out).
     */
    @Nullable
    Session find(@Nullable String id, java.util.function.Consumer<Session> expired) {
        if (id == null) {
            return null;
        }
        Session session = sessions.get(id);
        if (session == null) {
            return null;
        }
        Instant now = clock.instant();
        if (session.lastSeen.plus(idleTimeout).isBefore(now)) {
            if (sessions.remove(id, session)) {
                expired.accept(session);
            }
            return null;
        }
        session.lastSeen = now;
        return session;
    }

    /** Whether {@code session} is still signed in (without restarting its idle time). */
    boolean active(Session session) {
        return sessions.get(session.id) == session
                && !session.lastSeen.plus(idleTimeout).isBefore(clock.instant());
    }

    void close(Session session) {
        sessions.remove(session.id, session);
    }

    /** Until when {@code name} is locked, or null. */
    @Nullable
    Instant lockedUntil(String name) {
        Failures counted = failures.get(name);
        if (counted == null || counted.lockedUntil() == null) {
            return null;
        }
        if (!counted.lockedUntil().isAfter(clock.instant())) {
            failures.remove(name, counted);
            return null;
        }
        return counted.lockedUntil();
    }

    /** Counts a failed sign-in of {@code name}; returns until when the name is now locked, or null. */
    @Nullable
    Instant failed(String name) {
        if (failures.size() >= MAX_TRACKED_NAMES && !failures.containsKey(name)) {
            failures.clear(); // a flood of made-up names: start counting again rather than grow without bound
        }
        Failures counted = failures.merge(
                name, new Failures(1, null), (before, one) -> new Failures(before.count() + 1, before.lockedUntil()));
        if (counted.count() >= lockoutAfter) {
            Instant until = clock.instant().plus(lockoutFor);
            failures.put(name, new Failures(0, until));
            return until;
        }
        return null;
    }

    void succeeded(String name) {
        failures.remove(name);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
