package dev.secureconnect.server.sessions;

import dev.secureconnect.server.metrics.StreamMetrics;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The session streams this node relays now, by session id. Thread-safe. */
public final class ActiveSessions {

    private final Map<String, ActiveSession> sessions = new ConcurrentHashMap<>();
    private final StreamMetrics metrics;

    public ActiveSessions() {
        this(StreamMetrics.none());
    }

    /** @param metrics counts the streams open and, when each ends, the bytes it moved */
    public ActiveSessions(StreamMetrics metrics) {
        this.metrics = metrics;
    }

    void add(ActiveSession session) {
        sessions.put(session.id(), session);
        metrics.opened(kind(session));
    }

    void remove(ActiveSession session) {
        if (sessions.remove(session.id(), session)) {
            metrics.ended(kind(session), session.bytesToAppliance(), session.bytesFromAppliance());
        }
    }

    private static StreamMetrics.Kind kind(ActiveSession session) {
        return switch (session.request().kind()) {
            case CONNECT -> StreamMetrics.Kind.PROXY;
            case EXEC -> StreamMetrics.Kind.EXEC;
            case GET, PUT -> StreamMetrics.Kind.FILE;
        };
    }

    /** The engineer's active streams, oldest first. */
    public List<ActiveSession> ofEngineer(String login) {
        return sessions.values().stream()
                .filter(session -> session.engineer().equals(login))
                .sorted(Comparator.comparing(ActiveSession::startedAt).thenComparing(ActiveSession::id))
                .toList();
    }

    /** Every active stream, oldest first. */
    public List<ActiveSession> all() {
        return sessions.values().stream()
                .sorted(Comparator.comparing(ActiveSession::startedAt).thenComparing(ActiveSession::id))
                .toList();
    }

    /** Resets every stream of engineer {@code login} (the engineer was disabled); returns how many. */
    public int resetEngineer(String login, String reason) {
        int count = 0;
        for (ActiveSession session : sessions.values()) {
            if (session.engineer().equals(login) && session.endReason() == null) { // not reset already
                session.reset(reason);
                count++;
            }
        }
        return count;
    }

    /** Resets every stream (the audit spill is full); returns how many. */
    public int resetAll(String reason) {
        int count = 0;
        for (ActiveSession session : sessions.values()) {
            session.reset(reason);
            count++;
        }
        return count;
    }

    /** Resets every stream opened with the token {@code tokenId}; returns how many. */
    public int resetToken(UUID tokenId, String reason) {
        int count = 0;
        for (ActiveSession session : sessions.values()) {
            if (session.tokenId().equals(tokenId)) {
                session.reset(reason);
                count++;
            }
        }
        return count;
    }
}
