package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.events.EventType;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the link and the admin's actions record in the audit log. Each event is handed to the log's writer, retried
 * until durable and never dropped, and the loop does not wait for the disk; an admin's call waits for the last one
 * ({@link #awaitLast}). A link problem that repeats attempt after attempt is recorded once until the link comes up.
 *
 * <p>Used on the link's event loop only (asserted), except {@link #awaitLast}.
 */
final class LinkAudit {

    private static final Logger log = LoggerFactory.getLogger(LinkAudit.class);

    static final String SERVER = Sessions.SERVER_ACTOR;
    static final String APPLIANCE = "appliance";

    private final EventLoop loop;
    private final AuditSink sink;
    private final String serial;
    private final String server;
    /** The last link problem recorded, until the link is up again (loop only). */
    private @Nullable String lastProblem;
    /** The last record handed to the audit log (written on the loop, read by the admin's thread after its call). */
    private volatile CompletableFuture<?> last = CompletableFuture.completedFuture(null);

    /** @param server the server dialled, as the records name it */
    LinkAudit(EventLoop loop, AuditSink sink, String serial, String server) {
        this.loop = requireNonNull(loop, "loop");
        this.sink = requireNonNull(sink, "sink");
        this.serial = requireNonNull(serial, "serial");
        this.server = requireNonNull(server, "server");
    }

    /** The link is up with {@code identity}, the server's certificate. */
    void up(String identity) {
        record(ApplianceAuditEvent.of(EventType.LINK_UP, SERVER).target(server).reason(identity));
        lastProblem = null;
    }

    /** This appliance refused the server's certificate; the same refusal as the last problem is not recorded again. */
    void handshakeRefused(String reason) {
        if (!reason.equals(lastProblem)) {
            record(ApplianceAuditEvent.of(EventType.HANDSHAKE_REFUSED, APPLIANCE)
                    .target(server)
                    .refused(reason));
        }
    }

    /** A link that was up closed on purpose. */
    void closedOnPurpose(@Nullable String reason) {
        record(ApplianceAuditEvent.of(EventType.LINK_DOWN, APPLIANCE)
                .target(server)
                .reason(reason));
    }

    /** A link failed ({@code wasUp} false) or was lost; a failure with the last problem again is not recorded. */
    void lost(String problem, boolean wasUp) {
        if (wasUp || !problem.equals(lastProblem)) {
            record(ApplianceAuditEvent.of(EventType.LINK_DOWN, SERVER)
                    .target(server)
                    .failed(problem));
            lastProblem = problem;
        }
    }

    void ticketRefused(Tickets.Ticket ticket) {
        record(ApplianceAuditEvent.of(EventType.TICKET_REFUSED, SERVER)
                .ticket(ticket.number)
                .target(server)
                .refused(ticket.refusal));
    }

    /** The server refused every ticket: the link closes. */
    void everyTicketRefused(String refusals) {
        record(ApplianceAuditEvent.of(EventType.LINK_REFUSED, SERVER)
                .target(server)
                .refused(refusals));
    }

    /** Hands {@code event} to the audit log: retried until durable, never dropped; a failure is logged. */
    void record(ApplianceAuditEvent.Builder event) {
        assert loop.inEventLoop();
        ApplianceAuditEvent built = event.build();
        last = sink.submitRetried(built).whenComplete((written, failure) -> {
            if (failure != null) {
                log.error(
                        "appliance {}: cannot write the audit event {}: {}",
                        serial,
                        built.type().eventName(),
                        failure.getMessage());
            }
        });
    }

    /**
     * Waits (off the loop, at most {@code wait}) until the last record is durable; the writer keeps order, so every
     * earlier one is too. Returns anyway after {@code wait}: the action it records is done and its record stays queued.
     */
    void awaitLast(Duration wait) {
        try {
            last.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("appliance {}: the audit log has not yet written the last record: {}", serial, e.getMessage());
        }
    }
}
