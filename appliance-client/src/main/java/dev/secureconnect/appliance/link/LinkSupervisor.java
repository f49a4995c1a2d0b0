package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.audit.AuditEvent;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.tunnel.audit.EventType;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.link.TicketNumber;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
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
 * <p>All state lives on one event loop (the link's): public methods hop onto it and wait for the answer.
 */
public final class LinkSupervisor {

    private static final Logger log = LoggerFactory.getLogger(LinkSupervisor.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** A link closed on purpose that has not closed after this long is cut at the socket. */
    private static final Duration FORCE_CLOSE_AFTER = Duration.ofMillis(500);
    private static final String SERVER = Sessions.SERVER_ACTOR;
    private static final String APPLIANCE = "appliance";

    /** The most tickets connected at once. */
    public static final int MAX_TICKETS = 16;

    /** Persists the switch and the tickets whenever the admin acts. */
    @FunctionalInterface
    public interface StateStore {
        void save(ApplianceState state);
    }

    private enum TicketStatus {
        PENDING("pending"),
        ACCEPTED("accepted"),
        REFUSED("refused");

        final String label;

        TicketStatus(String label) {
            this.label = label;
        }
    }

    private static final class Ticket {
        final String number;
        Instant connectedAt;
        TicketStatus status = TicketStatus.PENDING;
        String refusal;
        final List<Promise<Void>> waiters = new ArrayList<>();

        Ticket(String number, Instant connectedAt) {
            this.number = number;
            this.connectedAt = connectedAt;
        }

        void settle() {
            waiters.forEach(waiter -> waiter.trySuccess(null));
            waiters.clear();
        }
    }

    /** One attempt at a link, from dialling to closed. */
    final class Link implements LinkConnector.Events {
        Channel channel;
        boolean up;
        boolean intentional;
        String closeReason;
        String problem;
        String serverIdentity;
        Http2StreamChannel helloStream;
        Hello lastHello;
        ScheduledFuture<?> admissionTimer;

        @Override
        public void up(Channel linkChannel, String identity) {
            linkUp(this, identity);
        }

        @Override
        public void problem(String reason) {
            if (problem == null) {
                problem = reason;
            }
        }

        @Override
        public void serverRefused(String reason) {
            problem(reason);
            if (!reason.equals(lastAuditedProblem)) {
                audit(AuditEvent.of(EventType.HANDSHAKE_REFUSED, APPLIANCE).target(connector.server().toString())
                        .refused(reason));
            }
        }
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
    private final ReconnectDelay delays;
    private ApplianceConfig config;

    private boolean enabled;
    private final Map<String, Ticket> tickets = new LinkedHashMap<>();
    private Link link;
    private ScheduledFuture<?> retry;
    private Instant retryAt;
    private String lastProblem;
    private String lastAuditedProblem;
    private int failures;
    private ApplianceStatus.State shownState;
    private Instant stateSince;
    private boolean closed;

    LinkSupervisor(EventLoop loop, LinkConnector connector, ApplianceConfig config, String serial, String softwareVersion,
            AuditSink audit, StateStore store, Clock clock, ApplianceDirectory directory, TrustMaterial trust) {
        this.loop = requireNonNull(loop, "loop");
        this.connector = requireNonNull(connector, "connector");
        this.config = requireNonNull(config, "config");
        this.serial = requireNonNull(serial, "serial");
        this.softwareVersion = requireNonNull(softwareVersion, "softwareVersion");
        this.audit = requireNonNull(audit, "audit");
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        this.admissionTimeout = config.timeouts().admission();
        this.delays = new ReconnectDelay(config.backoff().min(), config.backoff().max());
        this.sessions = new Sessions(audit, clock, config.timeouts().service(), serial);
        Revocations revocations = Revocations.load(directory, clock);
        this.sessionRequests = new SessionRequests(directory,
                new SessionAuthorizer(directory, serial, trust, revocations, clock), revocations, sessions);
        this.stateSince = clock.instant();
    }

    /**
     * A supervisor for the appliance described by {@code material} and {@code config}, on {@code loop} (which carries
     * the link, its streams and their local sockets). Call {@link #start} to begin.
     *
     * @param store where the switch and tickets are persisted on every admin action
     * @param directory where the pinned token keys, the revocations, the command catalogue and the allowed folders are
     * @throws dev.secureconnect.appliance.ApplianceException if the persisted revocations cannot be read
     */
    public static LinkSupervisor create(EventLoop loop, Enrolment.Material material, ApplianceConfig config,
            String softwareVersion, AuditSink audit, StateStore store, Clock clock, ApplianceDirectory directory) {
        LinkConnector connector = new LinkConnector(loop, material, config.server(), config.timeouts(), config.linkSettings(),
                config.tls().tlsProvider());
        return new LinkSupervisor(loop, connector, config, material.serial(), softwareVersion, audit, store, clock,
                directory, material.trust());
    }

    // ---- the admin's actions (any thread) ------------------------------------------------------------------------

    /** Takes the persisted switch and tickets and starts dialling if they ask for a link. */
    public void start(ApplianceState state) {
        onLoop(() -> {
            enabled = state.enabled();
            for (ApplianceState.Ticket saved : state.tickets()) {
                Ticket ticket = new Ticket(saved.number(), parseInstant(saved.connectedAt()));
                if (saved.refusal() != null) {
                    ticket.status = TicketStatus.REFUSED;
                    ticket.refusal = saved.refusal();
                }
                tickets.put(ticket.number, ticket);
            }
            log.info("appliance {}: SecureConnect is {}, {} ticket(s) connected, server {}", serial,
                    enabled ? "enabled" : "disabled", tickets.size(), connector.server());
            reconcile();
            return null;
        });
    }

    /** Turns SecureConnect on (persisted); a connected ticket then brings the link up. */
    public String enable(String actor) {
        return onLoop(() -> {
            if (enabled) {
                return "SecureConnect is already enabled";
            }
            enabled = true;
            persist();
            audit(AuditEvent.of(EventType.SECURECONNECT_ENABLED, actor));
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
        return onLoop(() -> {
            if (!enabled) {
                return "SecureConnect is already disabled";
            }
            enabled = false;
            String why = "SecureConnect disabled by " + actor;
            sessions.closeAll(why);
            if (link != null) {
                closeLink(why);
            }
            cancelRetry();
            audit(AuditEvent.of(EventType.SECURECONNECT_DISABLED, actor));
            for (Ticket ticket : tickets.values()) {
                audit(AuditEvent.of(EventType.TICKET_DISCONNECTED, actor).ticket(ticket.number).reason(why));
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
        return onLoop(() -> {
            if (!enabled) {
                throw new ApplianceException("SecureConnect is disabled: turn it on first with 'sc-appliance enable'");
            }
            Ticket ticket = tickets.get(number.value());
            if (ticket != null && ticket.status != TicketStatus.REFUSED) {
                return "ticket " + number + " is already connected (" + ticket.status.label + ")";
            }
            if (ticket == null && tickets.size() >= MAX_TICKETS) {
                throw new ApplianceException("already " + MAX_TICKETS + " tickets connected: disconnect one first");
            }
            boolean again = ticket != null;
            if (ticket == null) {
                ticket = new Ticket(number.value(), clock.instant());
                tickets.put(ticket.number, ticket);
            } else {
                ticket.status = TicketStatus.PENDING;
                ticket.refusal = null;
                ticket.connectedAt = clock.instant();
            }
            persist();
            audit(AuditEvent.of(EventType.TICKET_CONNECTED, actor).ticket(ticket.number)
                    .reason(again ? "connected again after the server refused it" : null));
            log.info("appliance {} ticket {}: connected by {}", serial, ticket.number, actor);
            // the admin acted: no waiting out a back-off
            cancelRetry();
            failures = 0;
            reconcile();
            return "ticket " + number + " connected; " + describeLinkForAdmin();
        });
    }

    /** Disconnects one ticket (null: all of them), closing its sessions. */
    public String disconnect(TicketNumber number, String actor) {
        return onLoop(() -> {
            List<Ticket> leaving = new ArrayList<>();
            if (number == null) {
                leaving.addAll(tickets.values());
            } else {
                Ticket ticket = tickets.get(number.value());
                if (ticket == null) {
                    throw new ApplianceException("ticket " + number + " is not connected");
                }
                leaving.add(ticket);
            }
            if (leaving.isEmpty()) {
                return "no ticket was connected";
            }
            for (Ticket ticket : leaving) {
                tickets.remove(ticket.number);
                sessions.close(session -> session.ticket.equals(ticket.number), "ticket " + ticket.number
                        + " disconnected by " + actor);
                audit(AuditEvent.of(EventType.TICKET_DISCONNECTED, actor).ticket(ticket.number));
                log.info("appliance {} ticket {}: disconnected by {}", serial, ticket.number, actor);
                ticket.settle();
            }
            persist();
            reconcile();
            return leaving.size() == 1 ? "ticket " + leaving.get(0).number + " disconnected"
                    : leaving.size() + " tickets disconnected";
        });
    }

    /** Takes a changed {@code appliance.json} (the services): streams to a service no longer allowed are closed. */
    public void reload(ApplianceConfig changed) {
        onLoop(() -> {
            config = changed;
            sessions.close(session -> session.isConnect() && changed.serviceOnPort(session.port) == null,
                    "its service is no longer allow-listed");
            reconcile();
            return null;
        });
    }

    /** Waits until the server gave its verdict on a ticket (or it left), at most {@code wait}; returns its row. */
    public ApplianceStatus.Connection awaitVerdict(TicketNumber number, Duration wait) {
        Promise<Void> settled = onLoop(() -> {
            Promise<Void> promise = loop.newPromise();
            Ticket ticket = tickets.get(number.value());
            if (ticket == null || ticket.status != TicketStatus.PENDING) {
                promise.trySuccess(null);
            } else {
                ticket.waiters.add(promise);
            }
            return promise;
        });
        settled.awaitUninterruptibly(wait.toMillis());
        return status().connections().stream().filter(c -> c.ticket().equals(number.value())).findFirst().orElse(null);
    }

    public ApplianceStatus status() {
        return onLoop(this::snapshot);
    }

    /** Stops: streams and link closed (audited), nothing dialled again. Waits a little for the link to close. */
    public void close() {
        Channel closing = onLoop(() -> {
            closed = true;
            cancelRetry();
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
        if (closed) {
            return;
        }
        if (!linkWanted()) {
            cancelRetry();
            failures = 0;
            if (link != null && !link.intentional) {
                closeLink(notWantedReason());
            }
        } else if (link == null && retry == null) {
            dial();
        } else if (link != null && link.up) {
            sendHello(link);
        }
        updateShownState();
    }

    private boolean linkWanted() {
        return enabled && tickets.values().stream().anyMatch(t -> t.status != TicketStatus.REFUSED);
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
        Link attempt = new Link();
        link = attempt;
        log.info("appliance {}: connecting to {}", serial, connector.server());
        attempt.channel = connector.connect(attempt, () -> streamInitializer(attempt));
        attempt.channel.closeFuture().addListener(done -> linkClosed(attempt));
    }

    private ChannelHandler streamInitializer(Link attempt) {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new ApplianceStreamHandler(LinkSupervisor.this, attempt));
            }
        };
    }

    private void linkUp(Link attempt, String identity) {
        if (attempt != link || attempt.intentional) {
            attempt.channel.close();
            return;
        }
        attempt.up = true;
        attempt.serverIdentity = identity;
        log.info("appliance {}: link to {} ({}) is up", serial, connector.server(), identity);
        audit(AuditEvent.of(EventType.LINK_UP, SERVER).target(connector.server().toString()).reason(identity));
        lastAuditedProblem = null;
        attempt.admissionTimer = loop.schedule(() -> {
            if (attempt == link && !attempt.intentional && tickets.values().stream().noneMatch(t -> t.status == TicketStatus.ACCEPTED)) {
                attempt.problem("the server gave no verdict on the tickets within " + Durations.format(admissionTimeout));
                attempt.channel.close();
            }
        }, admissionTimeout.toMillis(), TimeUnit.MILLISECONDS);
        updateShownState();
    }

    private void linkClosed(Link attempt) {
        if (attempt.admissionTimer != null) {
            attempt.admissionTimer.cancel(false);
        }
        if (attempt != link) {
            return;
        }
        link = null;
        for (Ticket ticket : tickets.values()) {
            if (ticket.status == TicketStatus.ACCEPTED) {
                ticket.status = TicketStatus.PENDING; // admitted again on the next link
            }
        }
        String deadLink = attempt.channel.attr(LinkCodecs.CLOSE_REASON).get();
        if (deadLink != null) {
            attempt.problem(deadLink);
        }
        if (attempt.intentional) {
            if (attempt.up) {
                audit(AuditEvent.of(EventType.LINK_DOWN, APPLIANCE).target(connector.server().toString())
                        .reason(attempt.closeReason));
            }
            log.info("appliance {}: link to {} closed: {}", serial, connector.server(), attempt.closeReason);
            reconcile();
            return;
        }
        String problem = attempt.problem != null ? attempt.problem
                : attempt.up ? "the server closed the link" : "the connection closed before the link was up";
        failures++;
        lastProblem = problem;
        if (attempt.up || !problem.equals(lastAuditedProblem)) {
            audit(AuditEvent.of(EventType.LINK_DOWN, SERVER).target(connector.server().toString()).failed(problem));
            lastAuditedProblem = problem;
        }
        if (closed) {
            return;
        }
        Duration delay = delays.next(failures);
        retryAt = clock.instant().plus(delay);
        log.warn("appliance {}: link to {} {}: {}; trying again in {} ms", serial, connector.server(),
                attempt.up ? "lost" : "failed", problem, delay.toMillis());
        retry = loop.schedule(() -> {
            retry = null;
            retryAt = null;
            reconcile();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        reconcile();
    }

    /** Closes the current link on purpose: not dialled again unless wanted. */
    private void closeLink(String reason) {
        Link closing = link;
        closing.intentional = true;
        closing.closeReason = reason;
        Channel channel = closing.channel;
        if (closing.helloStream != null) {
            closing.helloStream.close();
        }
        LinkCodecs.close(channel, reason); // GOAWAY tells the server why
        loop.schedule(() -> {
            if (channel.isOpen()) {
                ChannelHandlerContext first = channel.pipeline().firstContext();
                if (first != null) {
                    first.close(); // below HTTP/2 and TLS: skips their graceful shutdown
                } else {
                    channel.close();
                }
            }
        }, FORCE_CLOSE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        updateShownState();
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
            retryAt = null;
        }
    }

    // ---- the server's requests (event loop) --------------------------------------------------------------------

    /** {@code GET /v1/hello}: answer 200, send the hello, keep the stream for later hellos. */
    void helloRequested(Link attempt, Http2StreamChannel stream) {
        if (attempt != link || !attempt.up || attempt.intentional) {
            StreamRequestHandler.respond(stream, 503, "this link is closing");
            return;
        }
        if (attempt.helloStream != null && attempt.helloStream != stream) {
            attempt.helloStream.close();
        }
        attempt.helloStream = stream;
        attempt.lastHello = null;
        stream.closeFuture().addListener(done -> {
            if (attempt.helloStream == stream) {
                attempt.helloStream = null;
            }
        });
        StreamRequestHandler.respondWith(stream, new byte[0], false);
        sendHello(attempt);
    }

    private void sendHello(Link attempt) {
        if (attempt.helloStream == null || !attempt.helloStream.isActive()) {
            return;
        }
        Hello hello = new Hello(serial, LinkProtocol.VERSION, softwareVersion,
                tickets.values().stream().filter(t -> t.status != TicketStatus.REFUSED).map(t -> t.number).toList(),
                config.services());
        if (hello.equals(attempt.lastHello)) {
            return;
        }
        attempt.lastHello = hello;
        log.info("appliance {}: hello to {}: tickets {}, services {}", serial, connector.server(), hello.tickets(),
                config.serviceLabels());
        StreamRequestHandler.send(attempt.helloStream, LinkJson.encode(hello));
    }

    /** {@code POST /v1/admission}: the server's verdict on each ticket. */
    void admission(Link attempt, Http2StreamChannel stream, Admission admission) {
        if (attempt != link || !attempt.up || attempt.intentional) {
            StreamRequestHandler.respond(stream, 503, "this link is closing");
            return;
        }
        boolean changed = false;
        for (Admission.Verdict verdict : admission.verdicts()) {
            Ticket ticket = tickets.get(verdict.ticket());
            if (ticket == null || ticket.status == TicketStatus.REFUSED) {
                continue;
            }
            if (verdict.accepted()) {
                if (ticket.status != TicketStatus.ACCEPTED) {
                    ticket.status = TicketStatus.ACCEPTED;
                    log.info("appliance {} ticket {}: accepted by {}", serial, ticket.number, connector.server());
                }
            } else {
                String reason = verdict.reason().isBlank() ? "refused by the server" : OneLine.of(verdict.reason());
                ticket.status = TicketStatus.REFUSED;
                ticket.refusal = reason;
                changed = true;
                sessions.close(session -> session.ticket.equals(ticket.number), "ticket " + ticket.number + " refused");
                audit(AuditEvent.of(EventType.TICKET_REFUSED, SERVER).ticket(ticket.number)
                        .target(connector.server().toString()).refused(reason));
                log.warn("appliance {} ticket {}: refused by {}: {}", serial, ticket.number, connector.server(), reason);
            }
            ticket.settle();
        }
        StreamRequestHandler.respond(stream, 200, null);
        if (changed) {
            persist();
        }
        boolean anyAccepted = tickets.values().stream().anyMatch(t -> t.status == TicketStatus.ACCEPTED);
        boolean anyPending = tickets.values().stream().anyMatch(t -> t.status == TicketStatus.PENDING);
        if (anyAccepted) {
            failures = 0;
            lastProblem = null;
            if (attempt.admissionTimer != null) {
                attempt.admissionTimer.cancel(false);
            }
        } else if (!anyPending && !tickets.isEmpty()) {
            String why = refusals();
            audit(AuditEvent.of(EventType.LINK_REFUSED, SERVER).target(connector.server().toString()).refused(why));
            closeLink("the server refused every ticket: " + why);
        }
        reconcile();
    }

    /** A session request on this link: CONNECT, exec, get or put ({@link SessionRequests}). */
    void sessionRequested(Link attempt, Http2StreamChannel stream, SessionRequest request) {
        String closedReason = null;
        if (!enabled) {
            closedReason = "SecureConnect is disabled";
        } else if (attempt != link || attempt.intentional || !attempt.up) {
            closedReason = "this link is closing";
        }
        sessionRequests.handle(stream, request, closedReason, number -> {
            Ticket ticket = tickets.get(number);
            return attempt == link && ticket != null && ticket.status == TicketStatus.ACCEPTED;
        }, () -> policy(attempt));
    }

    /** {@code POST /v1/revocations} on this link. */
    void revocationsReceived(Link attempt, Http2StreamChannel stream, byte[] body) {
        sessionRequests.revocations(stream, body);
    }

    private StreamPolicy policy(Link attempt) {
        if (!enabled || attempt != link || attempt.intentional || !attempt.up) {
            return request -> StreamPolicy.Decision.deny(enabled ? "this link is closing" : "SecureConnect is disabled");
        }
        return new AllowListPolicy(config.services(), number -> {
            Ticket ticket = tickets.get(number);
            return ticket != null && ticket.status == TicketStatus.ACCEPTED;
        });
    }

    // ---- what the admin sees -------------------------------------------------------------------------------------

    private ApplianceStatus.State state() {
        if (!enabled) {
            return ApplianceStatus.State.DISABLED;
        }
        if (tickets.isEmpty()) {
            return ApplianceStatus.State.IDLE;
        }
        if (tickets.values().stream().allMatch(t -> t.status == TicketStatus.REFUSED)) {
            return ApplianceStatus.State.REFUSED;
        }
        if (link != null && link.up && !link.intentional) {
            return ApplianceStatus.State.CONNECTED;
        }
        if (link == null && retry != null) {
            return ApplianceStatus.State.BACKING_OFF;
        }
        return ApplianceStatus.State.CONNECTING;
    }

    private void updateShownState() {
        ApplianceStatus.State now = state();
        if (now != shownState) {
            shownState = now;
            stateSince = clock.instant();
        }
    }

    private ApplianceStatus snapshot() {
        updateShownState();
        ApplianceStatus.State state = state();
        String reason = switch (state) {
            case REFUSED -> refusals();
            case BACKING_OFF -> lastProblem;
            case DISABLED -> "SecureConnect is off";
            case IDLE -> "no ticket connected";
            default -> null;
        };
        String server = connector.server().toString();
        ApplianceStatus.Link linkView = new ApplianceStatus.Link(state.label(), reason, stateSince.toString(),
                state == ApplianceStatus.State.BACKING_OFF && retryAt != null ? retryAt.toString() : null,
                state == ApplianceStatus.State.CONNECTED ? link.serverIdentity : null);
        List<String> services = config.serviceLabels();
        List<ApplianceStatus.Connection> rows = tickets.values().stream()
                .map(t -> new ApplianceStatus.Connection(t.number, t.status.label, t.refusal, server, t.connectedAt.toString(),
                        services, sessions.count(t.number)))
                .toList();
        return new ApplianceStatus(enabled, serial, server, linkView, rows, services);
    }

    private String describeLinkForAdmin() {
        ApplianceStatus.State state = state();
        return switch (state) {
            case CONNECTED -> "sent to the server at " + connector.server() + " over the open link";
            case BACKING_OFF -> "the link is backing off until " + retryAt + " (" + lastProblem + ")";
            default -> "the link to " + connector.server() + " is " + state.label();
        };
    }

    private String refusals() {
        return tickets.values().stream().filter(t -> t.status == TicketStatus.REFUSED)
                .map(t -> "ticket " + t.number + ": " + t.refusal).collect(Collectors.joining("; "));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private void persist() {
        List<ApplianceState.Ticket> saved = tickets.values().stream()
                .map(t -> new ApplianceState.Ticket(t.number, t.connectedAt.toString(),
                        t.status == TicketStatus.REFUSED ? t.refusal : null))
                .toList();
        store.save(new ApplianceState(enabled, saved));
    }

    private void audit(AuditEvent.Builder event) {
        audit(event.build());
    }

    private void audit(AuditEvent event) {
        try {
            audit.record(event);
        } catch (RuntimeException e) {
            log.error("appliance {}: cannot write the audit event {}: {}", serial, event.type().eventName(), e.getMessage());
        }
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private <T> T onLoop(Callable<T> work) {
        if (loop.inEventLoop()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        io.netty.util.concurrent.Future<T> result = loop.submit(work);
        try {
            return result.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ApplianceException("the daemon's link did not answer within " + CALL_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while waiting for the daemon's link");
        }
    }
}
