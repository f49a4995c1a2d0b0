package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.link.TicketNumber;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the appliance's one link while SecureConnect is enabled and at least one connected ticket is not refused, and
 * keeps everything the admin sees: the on/off switch, the tickets with the server's verdicts, the link's state.
 *
 * <ul>
 *   <li>A link that fails or drops is dialled again after a jittered exponential back-off; an admin action (connect)
 *       dials at once.</li>
 *   <li>The server asks for the hello on {@code GET /v1/hello}; the answer stays open and a new hello line is sent
 *       whenever the tickets or services change. {@code POST /v1/admission} carries the server's verdicts: a refused
 *       ticket is shown with the server's reason and not offered again until the admin connects it again; when no
 *       ticket is left to offer the link is closed and not dialled again.</li>
 *   <li>{@link #disable} is the kill switch: every stream and the link close at once, the tickets are dropped, and the
 *       switch is persisted.</li>
 * </ul>
 *
 * <p>All state lives on one event loop (the link's): public methods hop onto it and wait for the answer; the
 * package-private ones are called on it (asserted). The concerns live in their own classes: the tickets and the
 * server's verdicts ({@link Tickets}), one attempt and its hello stream ({@link LinkAttempt}), the back-off
 * ({@link Redial}), what the admin sees ({@link LinkStatus}), the dialling ({@link LinkConnector}) and the session
 * requests ({@link SessionRequests}); this class is the state machine that ties them.
 */
public final class LinkSupervisor {

    private static final Logger log = LoggerFactory.getLogger(LinkSupervisor.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** How long an admin's command waits for its audit records to be durable before it answers anyway. */
    private static final Duration AUDIT_WAIT = Duration.ofSeconds(5);
    /** A link closed on purpose that has not closed after this long is cut at the socket. */
    private static final Duration FORCE_CLOSE_AFTER = Duration.ofMillis(500);

    private static final String SERVER = Sessions.SERVER_ACTOR;
    private static final String APPLIANCE = "appliance";

    /** The most tickets connected at once. */
    public static final int MAX_TICKETS = Tickets.MAX;

    /** Persists the switch and the tickets whenever the admin acts. */
    @FunctionalInterface
    public interface StateStore {
        void save(ApplianceState state);
    }

    private final EventLoop loop;
    private final LinkConnector connector;
    private final AuditSink audit;
    private final StateStore store;
    private final Clock clock;
    private final String serial;
    private final String softwareVersion;
    private final Duration admissionTimeout;
    private final Sessions sessions;
    private final SessionRequests sessionRequests;
    private final Redial redial;
    private final LinkStatus status;
    private ApplianceConfig config;

    private boolean enabled;
    private Tickets tickets = new Tickets();
    private @Nullable LinkAttempt link;
    /** The latest audit checkpoint's JWS, empty while there is none (loop only). */
    private String auditCheckpoint = "";

    private @Nullable String lastAuditedProblem;
    private boolean closed;
    /** The last record handed to the audit log (written on the loop, read by the admin's thread after its call). */
    private volatile CompletableFuture<?> lastAudit = CompletableFuture.completedFuture(null);

    LinkSupervisor(
            EventLoop loop,
            LinkConnector connector,
            ApplianceConfig config,
            String serial,
            String softwareVersion,
            AuditSink audit,
            StateStore store,
            Clock clock,
            ApplianceDirectory directory,
            TrustMaterial trust) {
        this.loop = requireNonNull(loop, "loop");
        this.connector = requireNonNull(connector, "connector");
        this.config = requireNonNull(config, "config");
        this.serial = requireNonNull(serial, "serial");
        this.softwareVersion = requireNonNull(softwareVersion, "softwareVersion");
        this.audit = requireNonNull(audit, "audit");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.admissionTimeout = config.timeouts().admission();
        this.redial = new Redial(
                loop,
                clock,
                new Backoff(config.backoff().min(), config.backoff().max()));
        this.sessions = new Sessions(audit, clock, config.timeouts().service(), serial);
        Revocations revocations = Revocations.load(directory, clock);
        this.sessionRequests = new SessionRequests(
                directory, new SessionAuthorizer(directory, serial, trust, revocations, clock), revocations, sessions);
        this.status = new LinkStatus(clock);
    }

    /**
     * A supervisor for the appliance described by {@code material} and {@code config}, on {@code loop} (which carries
     * the link, its streams and their local sockets). Call {@link #start} to begin.
     *
     * @param store where the switch and tickets are persisted on every admin action
     * @param directory where the pinned token keys, the revocations, the command catalogue and the allowed folders are
     * @throws dev.secureconnect.appliance.ApplianceException if the persisted revocations cannot be read
     */
    public static LinkSupervisor create(
            EventLoop loop,
            Enrolment.Material material,
            ApplianceConfig config,
            String softwareVersion,
            AuditSink audit,
            StateStore store,
            Clock clock,
            ApplianceDirectory directory) {
        LinkConnector connector = new TlsLinkConnector(
                loop,
                material,
                config.server(),
                config.timeouts(),
                config.linkSettings(),
                config.tls().tlsProvider());
        return new LinkSupervisor(
                loop,
                connector,
                config,
                material.serial(),
                softwareVersion,
                audit,
                store,
                clock,
                directory,
                material.trust());
    }

    // ---- the admin's actions (any thread) ------------------------------------------------------------------------

    /** Takes the persisted switch and tickets and starts dialling if they ask for a link. */
    public void start(ApplianceState state) {
        onLoop(() -> {
            enabled = state.enabled();
            tickets = Tickets.restore(state);
            log.info(
                    "appliance {}: SecureConnect is {}, {} ticket(s) connected, server {}",
                    serial,
                    enabled ? "enabled" : "disabled",
                    tickets.size(),
                    connector.server());
            reconcile();
            return null;
        });
    }

    /** Turns SecureConnect on (persisted); a connected ticket then brings the link up. */
    public String enable(String actor) {
        return onLoopAudited(() -> {
            if (enabled) {
                return "SecureConnect is already enabled";
            }
            enabled = true;
            persist();
            audit(ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, actor));
            log.info("appliance {}: SecureConnect enabled by {}", serial, actor);
            reconcile();
            return "SecureConnect enabled: connect a ticket with 'sc-appliance connect --ticket NUMBER'";
        });
    }

    /**
     * The kill switch: closes every stream and the link at once, drops the tickets and stays off (persisted) until
     * {@link #enable}.
     */
    public String disable(String actor) {
        return onLoopAudited(() -> {
            if (!enabled) {
                return "SecureConnect is already disabled";
            }
            enabled = false;
            String why = "SecureConnect disabled by " + actor;
            sessions.closeAll(why);
            if (link != null) {
                closeLink(why);
            }
            redial.cancel();
            audit(ApplianceAuditEvent.of(EventType.SECURECONNECT_DISABLED, actor));
            for (Tickets.Ticket ticket : tickets.all()) {
                audit(ApplianceAuditEvent.of(EventType.TICKET_DISCONNECTED, actor)
                        .ticket(ticket.number)
                        .reason(why));
                ticket.settle();
            }
            int dropped = tickets.size();
            tickets.clear();
            persist();
            log.warn("appliance {}: {}: link and streams closed, {} ticket(s) dropped", serial, why, dropped);
            reconcile();
            return "SecureConnect disabled: the link and every stream are closed"
                    + (dropped == 0 ? "" : ", " + dropped + " ticket(s) disconnected");
        });
    }

    /**
     * Connects a ticket: offered to the server in the next hello, dialling now if needed. Connecting a refused ticket
     * again offers it again.
     */
    public String connect(TicketNumber number, String actor) {
        return onLoopAudited(() -> {
            if (!enabled) {
                throw new ApplianceException("SecureConnect is disabled: turn it on first with 'sc-appliance enable'");
            }
            Tickets.Ticket known = tickets.get(number.value());
            if (known != null && known.status != Tickets.Status.REFUSED) {
                return "ticket " + number + " is already connected (" + known.status.label + ")";
            }
            if (known == null && tickets.size() >= MAX_TICKETS) {
                throw new ApplianceException("already " + MAX_TICKETS + " tickets connected: disconnect one first");
            }
            Tickets.Ticket ticket = tickets.connect(number.value(), clock.instant());
            persist();
            audit(ApplianceAuditEvent.of(EventType.TICKET_CONNECTED, actor)
                    .ticket(ticket.number)
                    .reason(known != null ? "connected again after the server refused it" : null));
            log.info("appliance {} ticket {}: connected by {}", serial, ticket.number, actor);
            // the admin acted: no waiting out a back-off
            redial.cancel();
            redial.resetFailures();
            reconcile();
            return "ticket " + number + " connected; " + describeLinkForAdmin();
        });
    }

    /** Disconnects one ticket (null: all of them), closing its sessions. */
    public String disconnect(@Nullable TicketNumber number, String actor) {
        return onLoopAudited(() -> {
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
                return "no ticket was connected";
            }
            for (Tickets.Ticket ticket : leaving) {
                tickets.remove(ticket);
                sessions.close(
                        session -> session.ticket.equals(ticket.number),
                        "ticket " + ticket.number + " disconnected by " + actor);
                audit(ApplianceAuditEvent.of(EventType.TICKET_DISCONNECTED, actor)
                        .ticket(ticket.number));
                log.info("appliance {} ticket {}: disconnected by {}", serial, ticket.number, actor);
                ticket.settle();
            }
            persist();
            reconcile();
            return leaving.size() == 1
                    ? "ticket " + leaving.get(0).number + " disconnected"
                    : leaving.size() + " tickets disconnected";
        });
    }

    /** Takes a changed {@code appliance.json} (the services): streams to a service no longer allowed are closed. */
    public void reload(ApplianceConfig changed) {
        onLoop(() -> {
            config = changed;
            sessions.close(
                    session -> session.isConnect() && changed.serviceOnPort(session.port) == null,
                    "its service is no longer allow-listed");
            reconcile();
            return null;
        });
    }

    /** Waits until the server gave its verdict on a ticket (or it left), at most {@code wait}; returns its row. */
    public ApplianceStatus.@Nullable Connection awaitVerdict(TicketNumber number, Duration wait) {
        Promise<Void> settled = onLoop(() -> {
            Promise<Void> promise = loop.newPromise();
            Tickets.Ticket ticket = tickets.get(number.value());
            if (ticket == null || ticket.status != Tickets.Status.PENDING) {
                promise.trySuccess(null);
            } else {
                ticket.waiters.add(promise);
            }
            return promise;
        });
        settled.awaitUninterruptibly(wait.toMillis());
        return status().connections().stream()
                .filter(c -> c.ticket().equals(number.value()))
                .findFirst()
                .orElse(null);
    }

    public ApplianceStatus status() {
        return onLoop(() -> status.snapshot(
                enabled,
                serial,
                connector.server().toString(),
                tickets,
                link,
                redial,
                config.serviceLabels(),
                sessions::count));
    }

    /** Stops: streams and link closed (audited), nothing dialled again. Waits a little for the link to close. */
    public void close() {
        Channel closing = onLoop(() -> {
            closed = true;
            redial.cancel();
            sessions.closeAll("the appliance daemon is stopping");
            Channel channel = link == null ? null : link.channel;
            if (link != null) {
                closeLink("the appliance daemon is stopping");
            }
            return channel;
        });
        sessionRequests.close();
        if (closing != null) {
            closing.closeFuture().awaitUninterruptibly(2_000);
        }
    }

    // ---- the link's life (event loop) ----------------------------------------------------------------------------

    /** Dials when a link is wanted and none is up or coming; closes the link when none is wanted. */
    private void reconcile() {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        if (!linkWanted()) {
            redial.cancel();
            redial.resetFailures();
            if (link != null && !link.intentional) {
                closeLink(notWantedReason());
            }
        } else if (link == null && !redial.pending()) {
            dial();
        } else if (link != null && link.up) {
            sendHello(link);
        }
        updateShownState();
    }

    private boolean linkWanted() {
        return enabled && tickets.anyOffered();
    }

    private String notWantedReason() {
        if (!enabled) {
            return "SecureConnect disabled";
        }
        if (tickets.isEmpty()) {
            return "no ticket connected";
        }
        return "the server refused every ticket";
    }

    private void dial() {
        LinkAttempt attempt = new LinkAttempt(this);
        link = attempt;
        log.info("appliance {}: connecting to {}", serial, connector.server());
        attempt.channel = connector.connect(attempt, () -> streamInitializer(attempt));
        attempt.channel.closeFuture().addListener(done -> linkClosed(attempt));
    }

    private ChannelHandler streamInitializer(LinkAttempt attempt) {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new ApplianceStreamHandler(LinkSupervisor.this, attempt));
            }
        };
    }

    /** The connector reports {@code attempt} up ({@link LinkAttempt#up}). */
    void linkUp(LinkAttempt attempt, String identity) {
        assert loop.inEventLoop();
        if (attempt != link || attempt.intentional) {
            requireNonNull(attempt.channel, "dialled").close();
            return;
        }
        attempt.up = true;
        attempt.serverIdentity = identity;
        log.info("appliance {}: link to {} ({}) is up", serial, connector.server(), identity);
        audit(ApplianceAuditEvent.of(EventType.LINK_UP, SERVER)
                .target(connector.server().toString())
                .reason(identity));
        lastAuditedProblem = null;
        attempt.admissionTimer = loop.schedule(
                () -> {
                    if (attempt == link && !attempt.intentional && !tickets.anyAccepted()) {
                        attempt.problem("the server gave no verdict on the tickets within "
                                + Durations.format(admissionTimeout));
                        requireNonNull(attempt.channel, "dialled").close();
                    }
                },
                admissionTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        updateShownState();
    }

    /** The connector reports that this appliance refused the server's certificate ({@link LinkAttempt#serverRefused}). */
    void serverRefused(String reason) {
        assert loop.inEventLoop();
        if (!reason.equals(lastAuditedProblem)) {
            audit(ApplianceAuditEvent.of(EventType.HANDSHAKE_REFUSED, APPLIANCE)
                    .target(connector.server().toString())
                    .refused(reason));
        }
    }

    private void linkClosed(LinkAttempt attempt) {
        assert loop.inEventLoop();
        if (attempt.admissionTimer != null) {
            attempt.admissionTimer.cancel(false);
        }
        if (attempt != link) {
            return;
        }
        link = null;
        tickets.acceptedToPending(); // admitted again on the next link
        String deadLink = requireNonNull(attempt.channel, "dialled")
                .attr(LinkCodecs.CLOSE_REASON)
                .get();
        if (deadLink != null) {
            attempt.problem(deadLink);
        }
        if (attempt.intentional) {
            if (attempt.up) {
                audit(ApplianceAuditEvent.of(EventType.LINK_DOWN, APPLIANCE)
                        .target(connector.server().toString())
                        .reason(attempt.closeReason));
            }
            log.info("appliance {}: link to {} closed: {}", serial, connector.server(), attempt.closeReason);
            reconcile();
            return;
        }
        String problem = attempt.problem != null
                ? attempt.problem
                : attempt.up ? "the server closed the link" : "the connection closed before the link was up";
        redial.failed(problem);
        if (attempt.up || !problem.equals(lastAuditedProblem)) {
            audit(ApplianceAuditEvent.of(EventType.LINK_DOWN, SERVER)
                    .target(connector.server().toString())
                    .failed(problem));
            lastAuditedProblem = problem;
        }
        if (closed) {
            return;
        }
        Duration delay = redial.schedule(this::reconcile);
        log.warn(
                "appliance {}: link to {} {}: {}; trying again in {} ms",
                serial,
                connector.server(),
                attempt.up ? "lost" : "failed",
                problem,
                delay.toMillis());
        reconcile();
    }

    /** Closes the current link on purpose: not dialled again unless wanted. */
    private void closeLink(String reason) {
        requireNonNull(link, "a link to close").closeOnPurpose(reason, loop, FORCE_CLOSE_AFTER);
        updateShownState();
    }

    // ---- the server's requests (event loop) --------------------------------------------------------------------

    /** {@code GET /v1/hello}: answer 200, send the hello, keep the stream for later hellos. */
    void helloRequested(LinkAttempt attempt, Http2StreamChannel stream) {
        assert loop.inEventLoop();
        if (!attempt.serving(link)) {
            StreamRequestHandler.respond(stream, 503, "this link is closing");
            return;
        }
        attempt.watchHello(stream);
        sendHello(attempt);
    }

    /**
     * A new checkpoint of the appliance's audit log (from any thread): sent to the server in the hello, now if the
     * link is up, else in the next link's first hello.
     */
    public void auditCheckpoint(String jws) {
        java.util.Objects.requireNonNull(jws, "jws");
        loop.execute(() -> {
            auditCheckpoint = jws;
            if (link != null) {
                sendHello(link);
            }
        });
    }

    private void sendHello(LinkAttempt attempt) {
        Hello hello = new Hello(
                serial, LinkProtocol.VERSION, softwareVersion, tickets.offered(), config.services(), auditCheckpoint);
        if (attempt.sendHello(hello)) {
            log.info(
                    "appliance {}: hello to {}: tickets {}, services {}",
                    serial,
                    connector.server(),
                    hello.tickets(),
                    config.serviceLabels());
        }
    }

    /**
     * {@code POST /v1/admission}: the server's verdict on each ticket.
     *
     * @param answer answers the request with its status (200, or 503 when this link is closing), after the verdicts
     *     are taken and before the link is closed for want of an accepted ticket
     */
    void admission(LinkAttempt attempt, Admission admission, IntConsumer answer) {
        assert loop.inEventLoop();
        if (!attempt.serving(link)) {
            answer.accept(503);
            return;
        }
        Tickets.Admitted admitted = tickets.admit(admission);
        for (Tickets.Ticket ticket : admitted.accepted()) {
            log.info("appliance {} ticket {}: accepted by {}", serial, ticket.number, connector.server());
        }
        for (Tickets.Ticket ticket : admitted.refused()) {
            sessions.close(session -> session.ticket.equals(ticket.number), "ticket " + ticket.number + " refused");
            audit(ApplianceAuditEvent.of(EventType.TICKET_REFUSED, SERVER)
                    .ticket(ticket.number)
                    .target(connector.server().toString())
                    .refused(ticket.refusal));
            log.warn(
                    "appliance {} ticket {}: refused by {}: {}",
                    serial,
                    ticket.number,
                    connector.server(),
                    ticket.refusal);
        }
        answer.accept(200);
        if (!admitted.refused().isEmpty()) {
            persist();
        }
        if (tickets.anyAccepted()) {
            redial.succeeded();
            if (attempt.admissionTimer != null) {
                attempt.admissionTimer.cancel(false);
            }
        } else if (!tickets.anyPending() && !tickets.isEmpty()) {
            String why = tickets.refusals();
            audit(ApplianceAuditEvent.of(EventType.LINK_REFUSED, SERVER)
                    .target(connector.server().toString())
                    .refused(why));
            closeLink("the server refused every ticket: " + why);
        }
        reconcile();
    }

    /** A session request on this link: CONNECT, exec, get or put ({@link SessionRequests}). */
    void sessionRequested(LinkAttempt attempt, Http2StreamChannel stream, SessionRequest request) {
        assert loop.inEventLoop();
        sessionRequests.handle(
                stream,
                request,
                () -> gate(attempt),
                number -> attempt == link && tickets.accepted(number),
                () -> policy(attempt));
    }

    /** The first step of the session authorisation: no session while disabled or on a link that is closing. */
    private AccessVerdict<Void> gate(LinkAttempt attempt) {
        if (!enabled) {
            return AccessVerdict.deny(403, "disabled", "SecureConnect is disabled");
        }
        if (!attempt.serving(link)) {
            return AccessVerdict.deny(403, "link-closing", "this link is closing");
        }
        return AccessVerdict.allow(null);
    }

    /** {@code POST /v1/revocations} on this link. */
    void revocationsReceived(LinkAttempt attempt, Http2StreamChannel stream, byte[] body) {
        assert loop.inEventLoop();
        sessionRequests.revocations(stream, body);
    }

    private StreamPolicy policy(LinkAttempt attempt) {
        AccessVerdict<Void> gate = gate(attempt);
        if (!gate.allowed()) {
            return request -> gate.refusal();
        }
        return new AllowListPolicy(config.services(), tickets::accepted);
    }

    // ---- what the admin sees -------------------------------------------------------------------------------------

    private ApplianceStatus.State state() {
        return LinkStatus.of(enabled, tickets, link, redial);
    }

    private void updateShownState() {
        status.update(state());
    }

    private String describeLinkForAdmin() {
        ApplianceStatus.State state = state();
        return switch (state) {
            case CONNECTED -> "sent to the server at " + connector.server() + " over the open link";
            case BACKING_OFF -> "the link is backing off until " + redial.at() + " (" + redial.lastProblem() + ")";
            default -> "the link to " + connector.server() + " is " + state.label();
        };
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private void persist() {
        store.save(new ApplianceState(enabled, tickets.saved()));
    }

    private void audit(ApplianceAuditEvent.Builder event) {
        audit(event.build());
    }

    /**
     * Hands an event to the audit log's writer: retried until durable, never dropped, and the loop does not wait for
     * the disk. An admin's action answers once its records are durable ({@link #onLoopAudited}).
     */
    private void audit(ApplianceAuditEvent event) {
        assert loop.inEventLoop();
        lastAudit = audit.submitRetried(event).whenComplete((written, failure) -> {
            if (failure != null) {
                log.error(
                        "appliance {}: cannot write the audit event {}: {}",
                        serial,
                        event.type().eventName(),
                        failure.getMessage());
            }
        });
    }

    /**
     * Runs an admin's action (enable, disable, connect, disconnect) on the loop, then waits (off the loop, at most {@link #AUDIT_WAIT}) until what it audited
     * is durable, so the admin's command returns with its record in the log. The writer keeps order, so the last record
     * is enough. The action itself never waits for the audit log: the kill switch works while the log cannot be written.
     */
    private <T> T onLoopAudited(Callable<T> work) {
        T result = onLoop(work);
        try {
            lastAudit.get(AUDIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("appliance {}: the audit log has not yet written the last record: {}", serial, e.getMessage());
        }
        return result;
    }

    private <T> T onLoop(Callable<T> work) {
        return LoopCall.call(loop, work, CALL_TIMEOUT);
    }

    /**
     * Closes every session (from any thread): the audit log could not be written for too long, and a session must not
     * run without its records.
     */
    public void closeSessions(String reason) {
        loop.execute(() -> sessions.closeAll(reason));
    }
}
