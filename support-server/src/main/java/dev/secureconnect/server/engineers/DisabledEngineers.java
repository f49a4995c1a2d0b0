package dev.secureconnect.server.engineers;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends what a disabled engineer still has open on this node. An engineer is disabled in the database, often by another
 * process ({@code sc-server engineers disable}), so the daemon does not hear of it otherwise: {@link #poll()} — run by
 * the daemon about twice a second — reads the disabled logins (one small query) and, for each, ends their login
 * sessions and resets their open streams (each stream's {@code stream.closed} says why). An engineer newly seen
 * disabled is audited {@code engineer.sessions-ended} with the counts, even when nothing was open; a later poll that
 * still finds something open (a login or a stream that was being opened as the engineer was disabled) ends it and
 * audits again. An engineer removed from the database who still has a login session or a stream here is ended the
 * same way (reason {@code engineer removed}). Independently of this, every API call and every stream open reads the
 * engineer's state itself.
 *
 * <p>Not thread-safe: run {@link #poll()} from one thread.
 */
public final class DisabledEngineers {

    private static final Logger LOG = LoggerFactory.getLogger(DisabledEngineers.class);

    private final EngineerStore engineers;
    private final ServerAuditLog audit;
    private final ToIntFunction<String> endLoginSessions;
    private final ToIntFunction<String> resetStreams;
    private final Supplier<Set<String>> present;
    private final Set<String> known = new HashSet<>();
    private boolean first = true;

    /**
     * @param endLoginSessions ends the login sessions of a login, returns how many
     * @param resetStreams resets the open streams of a login, returns how many
     */
    public DisabledEngineers(
            EngineerStore engineers,
            ServerAuditLog audit,
            ToIntFunction<String> endLoginSessions,
            ToIntFunction<String> resetStreams) {
        this.engineers = requireNonNull(engineers, "engineers");
        this.audit = requireNonNull(audit, "audit");
        this.endLoginSessions = requireNonNull(endLoginSessions, "endLoginSessions");
        this.resetStreams = requireNonNull(resetStreams, "resetStreams");
        this.present = Set::of;
    }

    /**
     * As above, and ends too what an engineer removed ({@code sc-server engineers remove}) still has open here.
     *
     * @param present the logins that have a login session or an open stream on this node
     */
    public DisabledEngineers(
            EngineerStore engineers,
            ServerAuditLog audit,
            ToIntFunction<String> endLoginSessions,
            ToIntFunction<String> resetStreams,
            Supplier<Set<String>> present) {
        this.engineers = requireNonNull(engineers, "engineers");
        this.audit = requireNonNull(audit, "audit");
        this.endLoginSessions = requireNonNull(endLoginSessions, "endLoginSessions");
        this.resetStreams = requireNonNull(resetStreams, "resetStreams");
        this.present = requireNonNull(present, "present");
    }

    /** One look at the database. */
    public void poll() {
        Set<String> disabled = engineers.disabledLogins();
        known.retainAll(disabled); // enabled again: a later disabling is news again
        for (String login : disabled) {
            // those disabled before the daemon started have nothing open here: not news
            boolean fresh = !known.contains(login) && !first;
            int sessions = endLoginSessions.applyAsInt(login);
            int streams = resetStreams.applyAsInt(login);
            if (fresh || sessions > 0 || streams > 0) {
                end(login, sessions, streams, "engineer disabled");
            }
            known.add(login);
        }
        first = false;
        Set<String> here = present.get();
        if (!here.isEmpty()) {
            Set<String> enrolled = engineers.enrolledLogins();
            for (String login : here) {
                if (!enrolled.contains(login)) {
                    end(login, endLoginSessions.applyAsInt(login), resetStreams.applyAsInt(login), "engineer removed");
                }
            }
        }
    }

    private void end(String login, int sessions, int streams, String reason) {
        LOG.info("{}: ended {} login session(s) and {} open stream(s) of {}", reason, sessions, streams, login);
        // the sessions have ended: their record is held in the spill if the log cannot take it now
        audit.appendOrHold(
                List.of(ServerAuditEvent.builder(EventType.ENGINEER_SESSIONS_ENDED)
                        .actor("sc-server")
                        .detail("engineer", login)
                        .detail("loginSessions", sessions)
                        .detail("streams", streams)
                        .detail("reason", reason)
                        .build()),
                ServerAuditLog.Hold.ALWAYS);
    }
}
