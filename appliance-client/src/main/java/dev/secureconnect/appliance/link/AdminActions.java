package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.CaseScope;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.TicketNumber;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's commands from the control socket: enable, disable (the kill switch), connect and disconnect a ticket,
 * and the wait for the server's verdict on one.
 * Each runs on the link's event loop — changes the switch or the tickets, hands the new state to be saved, audits, asks
 * the link to follow — and never waits there for the disk. The admin's thread then waits off the loop: for the saved
 * state (a state that cannot be written answers the command with the error, as it always has) and for the audit
 * records (at most {@link #AUDIT_WAIT}: the kill switch works while the audit log cannot be written).
 */
final class AdminActions {

    private static final Logger log = LoggerFactory.getLogger(AdminActions.class);

    /** How long an admin's command waits for its audit records to be durable before it answers anyway. */
    static final Duration AUDIT_WAIT = Duration.ofSeconds(5);
    /** How long an admin's command waits for the switch and the tickets to be written before it answers an error. */
    static final Duration STATE_WAIT = LoopCall.ADMIN_TIMEOUT;

    /** What the admin's commands ask of the link (the supervisor's state machine); all calls on the loop. */
    interface Link {
        /** The kill switch: closes the link now, on purpose, with {@code why}, and drops any back-off. */
        void cut(String why);

        /** The admin acted: no waiting out a back-off. */
        void dialAtOnce();

        /** Dials or closes the link as the switch and the tickets now ask. */
        void follow();

        /** The link, as the answer to a connected ticket describes it. */
        String describe();
    }

    /** What a command did on the loop: its answer, and the save it made (completed when it made none). */
    private record Done(String message, CompletableFuture<?> saved) {
        static Done unchanged(String message) {
            return new Done(message, CompletableFuture.completedFuture(null));
        }
    }

    private final EventLoop loop;
    private final String serial;
    private final Clock clock;
    private final AdminState state;
    private final Sessions sessions;
    private final LinkAudit audit;
    private final Link link;

    AdminActions(
            EventLoop loop,
            String serial,
            Clock clock,
            AdminState state,
            Sessions sessions,
            LinkAudit audit,
            Link link) {
        this.loop = requireNonNull(loop, "loop");
        this.serial = requireNonNull(serial, "serial");
        this.clock = requireNonNull(clock, "clock");
        this.state = requireNonNull(state, "state");
        this.sessions = requireNonNull(sessions, "sessions");
        this.audit = requireNonNull(audit, "audit");
        this.link = requireNonNull(link, "link");
    }

    /** Turns SecureConnect on (persisted); a connected ticket then brings the link up. */
    String enable(String actor) {
        return answer(() -> {
            if (state.enabled()) {
                return Done.unchanged("SecureConnect is already enabled");
            }
            state.enabled(true);
            CompletableFuture<?> saved = state.save();
            audit.record(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, actor));
            log.info("appliance {}: SecureConnect enabled by {}", serial, actor);
            link.follow();
            return new Done(
                    "SecureConnect enabled: connect a ticket with 'sc-appliance connect --ticket NUMBER'", saved);
        });
    }

    /** The kill switch: every stream and the link close at once, the tickets are dropped, and it stays off (persisted). */
    String disable(String actor) {
        return answer(() -> {
            if (!state.enabled()) {
                return Done.unchanged("SecureConnect is already disabled");
            }
            state.enabled(false);
            String why = "SecureConnect disabled by " + actor;
            sessions.closeAll(why);
            link.cut(why);
            audit.record(ApplianceAuditEvent.of(EventType.SECURECONNECT_DISABLED, actor));
            Tickets tickets = state.tickets();
            for (Tickets.Ticket ticket : tickets.all()) {
                audit.record(ApplianceAuditEvent.of(EventType.TICKET_DISCONNECTED, actor)
                        .ticket(ticket.number)
                        .reason(why));
                ticket.settle();
            }
            int dropped = tickets.size();
            tickets.clear();
            CompletableFuture<?> saved = state.save();
            log.warn("appliance {}: {}: link and streams closed, {} ticket(s) dropped", serial, why, dropped);
            link.follow();
            return new Done(
                    "SecureConnect disabled: the link and every stream are closed"
                            + (dropped == 0 ? "" : ", " + dropped + " ticket(s) disconnected"),
                    saved);
        });
    }

    /** Connects a ticket (offered in the next hello, dialling at once if needed); a refused one is offered again. */
    String connect(TicketNumber number, String actor) {
        return answer(() -> {
            if (!state.enabled()) {
                throw new ApplianceException("SecureConnect is disabled: turn it on first with 'sc-appliance enable'");
            }
            Tickets tickets = state.tickets();
            Tickets.Ticket known = tickets.get(number.value());
            if (known != null && known.status != Tickets.Status.REFUSED) {
                return Done.unchanged("ticket " + number + " is already connected (" + known.status.label + ")");
            }
            if (known == null && tickets.size() >= Tickets.MAX) {
                throw new ApplianceException("already " + Tickets.MAX + " tickets connected: disconnect one first");
            }
            Tickets.Ticket ticket = tickets.connect(number.value(), clock.instant());
            CompletableFuture<?> saved = state.save();
            audit.record(ApplianceAuditEvent.of(EventType.TICKET_CONNECTED, actor)
                    .ticket(ticket.number)
                    .reason(known != null ? "connected again after the server refused it" : null));
            log.info("appliance {} ticket {}: connected by {}", serial, ticket.number, actor);
            link.dialAtOnce();
            link.follow();
            return new Done("ticket " + number + " connected; " + link.describe(), saved);
        });
    }

    /**
     * Approves a support case: connects its ticket limited to exactly the case's scope until now plus the case's
     * duration, or {@code duration} when shorter (never longer); the server learns of it from the hello.
     */
    String approve(String caseId, @Nullable Duration duration, String actor) {
        return answer(() -> {
            CaseNotice notice = openCase(caseId);
            if (!state.enabled()) {
                throw new ApplianceException("SecureConnect is disabled: turn it on first with 'sc-appliance enable'");
            }
            CaseNotice.Scope scope = notice.scope();
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new ApplianceException("--for " + Durations.format(duration) + " is not a positive duration");
            }
            if (duration != null && duration.compareTo(scope.duration()) > 0) {
                throw new ApplianceException("--for " + Durations.format(duration) + " is longer than case "
                        + notice.id() + " asks for (" + Durations.format(scope.duration())
                        + "): it may shorten the approval, never extend it");
            }
            Tickets tickets = state.tickets();
            Tickets.Ticket known = tickets.get(notice.ticket());
            if (known == null && tickets.size() >= Tickets.MAX) {
                throw new ApplianceException("already " + Tickets.MAX + " tickets connected: disconnect one first");
            }
            Instant until = clock.instant().plus(duration == null ? scope.duration() : duration);
            CaseScope approved =
                    new CaseScope(notice.id(), scope.services(), scope.commands(), scope.folders(), until.toString());
            tickets.connect(notice.ticket(), clock.instant(), approved);
            state.decide(new CaseNotice.Decision(notice.id(), "approved", "", until.toString()));
            CompletableFuture<?> saved = state.save();
            audit.record(ApplianceAuditEvent.of(EventType.CASE_ADMIN_APPROVED, actor)
                    .ticket(notice.ticket())
                    .detail("caseId", notice.id())
                    .detail("scope", scope.describe())
                    .detail("until", until.toString()));
            log.info("appliance {} case {}: approved by {} until {}", serial, notice.id(), actor, until);
            link.dialAtOnce();
            link.follow();
            return new Done(
                    "case " + notice.id() + " approved until " + until + " (" + scope.describe() + "): ticket "
                            + notice.ticket() + " connected; " + link.describe(),
                    saved);
        });
    }

    /** Declines a support case: the server learns of it from the next hello or Call Home. */
    String decline(String caseId, String reason, String actor) {
        return answer(() -> {
            CaseNotice notice = openCase(caseId);
            String why = OneLine.clipped(reason, 300);
            state.decide(new CaseNotice.Decision(notice.id(), "declined", why, ""));
            CompletableFuture<?> saved = state.save();
            audit.record(ApplianceAuditEvent.of(EventType.CASE_ADMIN_DECLINED, actor)
                    .ticket(notice.ticket())
                    .detail("caseId", notice.id())
                    .reason(why.isEmpty() ? null : why));
            log.info("appliance {} case {}: declined by {}", serial, notice.id(), actor);
            link.follow();
            return new Done(
                    "case " + notice.id() + " declined; the server is told over the link, or by the next Call Home",
                    saved);
        });
    }

    /** The case {@code caseId} as this appliance knows it, if it is still open (no decision yet). */
    private CaseNotice openCase(String caseId) {
        CaseNotice notice = state.cases().stream()
                .filter(c -> c.id().equals(caseId))
                .findFirst()
                .orElseThrow(() -> new ApplianceException("no case '" + OneLine.quoted(caseId)
                        + "' is known to this appliance (see 'sc-appliance cases')"));
        String current = state.stateOf(notice);
        if (!current.equals("open")) {
            throw new ApplianceException("case " + notice.id() + " is already " + current);
        }
        return notice;
    }

    /** Disconnects one ticket (null: all of them), closing its sessions. */
    String disconnect(@Nullable TicketNumber number, String actor) {
        return answer(() -> {
            Tickets tickets = state.tickets();
            List<Tickets.Ticket> leaving = new ArrayList<>();
            if (number == null) {
                leaving.addAll(tickets.all());
            } else {
                Tickets.Ticket ticket = tickets.get(number.value());
                if (ticket == null) {
                    throw new ApplianceException("ticket " + number + " is not connected");
                }
                leaving.add(ticket);
            }
            if (leaving.isEmpty()) {
                return Done.unchanged("no ticket was connected");
            }
            for (Tickets.Ticket ticket : leaving) {
                tickets.remove(ticket);
                sessions.close(
                        session -> session.ticket.equals(ticket.number),
                        "ticket " + ticket.number + " disconnected by " + actor);
                audit.record(ApplianceAuditEvent.of(EventType.TICKET_DISCONNECTED, actor)
                        .ticket(ticket.number));
                log.info("appliance {} ticket {}: disconnected by {}", serial, ticket.number, actor);
                ticket.settle();
            }
            CompletableFuture<?> saved = state.save();
            link.follow();
            return new Done(
                    leaving.size() == 1
                            ? "ticket " + leaving.get(0).number + " disconnected"
                            : leaving.size() + " tickets disconnected",
                    saved);
        });
    }

    /**
     * Disconnects one open session (the admin's Disconnect on a row): its stream and local socket close at once.
     */
    String closeSession(String id, String actor) {
        return answer(() -> {
            Sessions.Session session = sessions.find(id);
            if (session == null) {
                throw new ApplianceException("session " + OneLine.quoted(id) + " is not open (it may have ended)");
            }
            String why = "disconnected by " + actor;
            audit.record(ApplianceAuditEvent.of(EventType.SESSION_DISCONNECTED, actor)
                    .ticket(session.ticket)
                    .session(session.id)
                    .target(session.target));
            sessions.close(s -> s == session, why);
            log.info("appliance {} ticket {} session {}: {}", serial, session.ticket, session.id, why);
            return Done.unchanged("session " + session.id + " disconnected");
        });
    }

    /** Waits (at most {@code wait}) until the server gave its verdict on a ticket, or the ticket left. */
    void awaitVerdict(TicketNumber number, Duration wait) {
        Promise<Void> settled = LoopCall.call(
                loop,
                () -> {
                    Promise<Void> promise = loop.newPromise();
                    Tickets.Ticket ticket = state.tickets().get(number.value());
                    if (ticket == null || ticket.status != Tickets.Status.PENDING) {
                        promise.trySuccess(null);
                    } else {
                        ticket.waiters.add(promise);
                    }
                    return promise;
                },
                LoopCall.ADMIN_TIMEOUT);
        settled.awaitUninterruptibly(wait.toMillis());
    }

    /**
     * Runs a command on the loop, then waits off the loop until what it audited is durable (at most
     * {@link #AUDIT_WAIT}) and until what it saved is written.
     *
     * @throws ApplianceException the command's refusal, or the state that could not be written
     */
    private String answer(Callable<Done> command) {
        Done done = LoopCall.call(
                loop,
                () -> {
                    assert loop.inEventLoop();
                    return command.call();
                },
                LoopCall.ADMIN_TIMEOUT);
        audit.awaitLast(AUDIT_WAIT);
        awaitSaved(done.saved());
        return done.message();
    }

    private static void awaitSaved(CompletableFuture<?> saved) {
        try {
            saved.get(STATE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = Sessions.unwrap(e.getCause() == null ? e : e.getCause());
            throw new ApplianceException(
                    cause instanceof ApplianceException
                            ? cause.getMessage()
                            : "cannot save the switch and the tickets: "
                                    + OneLine.of(String.valueOf(cause.getMessage())),
                    cause);
        } catch (TimeoutException e) {
            throw new ApplianceException(
                    "the switch and the tickets were not saved within " + STATE_WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while the daemon saved the switch and the tickets");
        }
    }
}
