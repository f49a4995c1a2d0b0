package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.access.Revocations;
import dev.secureconnect.appliance.access.SessionAuthorizer;
import dev.secureconnect.appliance.audit.AuditSink;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.ApplianceState;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.appliance.renewal.ApplianceCertificate;
import dev.secureconnect.appliance.renewal.RenewalSchedule;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.link.TicketNumber;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * package-private ones are called on it (asserted). Nothing there waits for the disk. This class is the link's state
 * machine; its concerns live in their own classes: the admin's commands ({@link AdminActions}), the switch and the
 * tickets and their saving ({@link AdminState}, written by {@link StateWriter}), the tickets and the server's verdicts
 * ({@link Tickets}), the hello and the server's verdicts ({@link TicketOffer}), the audit records ({@link LinkAudit}), one attempt and its
 * hello stream ({@link LinkAttempt}), the back-off ({@link Redial}), what the admin sees ({@link LinkStatus}), the
 * dialling ({@link LinkConnector}) and the session requests ({@link SessionRequests}).
 */
public final class LinkSupervisor {

    private static final Logger log = LoggerFactory.getLogger(LinkSupervisor.class);
    /** A link closed on purpose that has not closed after this long is cut at the socket. */
    private static final Duration FORCE_CLOSE_AFTER = Duration.ofMillis(500);
    /** How long a stopping supervisor waits for the last save of the switch and the tickets. */
    private static final Duration LAST_SAVE_WAIT = Duration.ofSeconds(5);
    /** How often a renewed certificate waiting for an idle link looks again. */
    private static final Duration SWITCH_CHECK = Duration.ofSeconds(1);

    static final String SWITCH_REASON = "switching to the renewed certificate";

    /** The most tickets connected at once. */
    public static final int MAX_TICKETS = Tickets.MAX;

    private final EventLoop loop;
    private final LinkConnector connector;
    private final String serial;
    private final Duration admissionTimeout;
    private final AdminState state;
    private final AdminActions admin;
    private final LinkAudit audit;
    private final TicketOffer offer;
    private final LinkGate gate;
    private final Sessions sessions;
    private final SessionRequests sessionRequests;
    private final TokenKeyUpdates tokenKeys;
    private final AuditHashRequests auditHashes;
    private final CaseUpdates caseUpdates;
    /** The certificate's renewal over the link; null in tests that dial no real server. */
    private final @Nullable CertificateUpdates certificates;

    private final Redial redial;
    private final LinkStatus status;
    private ApplianceConfig config;
    private @Nullable LinkAttempt link;
    private boolean closed;
    /** A renewed certificate waits for the link to be idle to be dialled with. */
    private boolean switchWanted;

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
        this(loop, connector, config, serial, softwareVersion, audit, store, clock, directory, trust, null);
    }

    /**
     * @param renewal the appliance's certificate files, the certificate {@code appliance.json} names and a renewed one
     *     installed but not proven (or null): the certificate is renewed over the link; null: it is not
     */
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
            TrustMaterial trust,
            @Nullable Renewal renewal) {
        this.loop = requireNonNull(loop, "loop");
        this.connector = requireNonNull(connector, "connector");
        this.config = requireNonNull(config, "config");
        this.serial = requireNonNull(serial, "serial");
        this.admissionTimeout = config.timeouts().admission();
        String server = connector.server().toString();
        this.state = new AdminState(loop, store, serial);
        this.audit = new LinkAudit(loop, audit, serial, server);
        this.redial = new Redial(
                loop,
                clock,
                new Backoff(config.backoff().min(), config.backoff().max()));
        this.sessions = new Sessions(audit, clock, config.timeouts().service(), serial);
        Revocations revocations = Revocations.load(directory, clock);
        this.sessionRequests = new SessionRequests(
                directory,
                new SessionAuthorizer(directory, serial, trust, revocations, clock),
                revocations,
                sessions,
                clock);
        this.caseUpdates = new CaseUpdates(state, serial);
        this.tokenKeys = new TokenKeyUpdates(directory, sessionRequests.policyReader(), sessions, clock);
        this.certificates = renewal == null
                ? null
                : new CertificateUpdates(
                        loop,
                        renewal.files(),
                        new RenewalSchedule(config.renewal().when()),
                        sessionRequests.policyReader(),
                        sessions,
                        clock,
                        CertificateUpdates.RETRY,
                        renewal.configured(),
                        renewal.renewed(),
                        server,
                        new CertificateUpdates.Link() {
                            @Override
                            public void renewalCsr(String csr) {
                                offer.renewalCsr(csr);
                                if (link != null && link.up) {
                                    offer.sendHello(link, LinkSupervisor.this.config);
                                }
                            }

                            @Override
                            public void switchWhenIdle() {
                                switchWanted = true;
                                switchIfIdle();
                            }
                        });
        this.auditHashes = new AuditHashRequests(directory, sessionRequests.policyReader());
        this.status = new LinkStatus(clock);
        this.offer = new TicketOffer(loop, serial, softwareVersion, server, state, sessions, this.audit);
        this.gate = new LinkGate(state, attempt -> attempt.serving(link), attempt -> attempt == link);
        this.admin = new AdminActions(loop, serial, clock, state, sessions, this.audit, new AdminActions.Link() {
            @Override
            public void cut(String why) {
                if (link != null) {
                    closeLink(why);
                }
                redial.cancel();
            }

            @Override
            public void dialAtOnce() {
                redial.cancel();
                redial.resetFailures();
            }

            @Override
            public void follow() {
                reconcile();
            }

            @Override
            public String describe() {
                return LinkStatus.describe(state(), connector.server().toString(), redial);
            }
        });
    }

    /**
     * A supervisor for the appliance described by {@code material} and {@code config}, on {@code loop} (which carries
     * the link, its streams and their local sockets). Call {@link #start} to begin.
     *
     * @param store where the switch and tickets are persisted on every admin action (written off the loop, in order)
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
        ApplianceCertificate files = new ApplianceCertificate(directory, clock);
        Renewal renewal = new Renewal(files, material, files.renewed().orElse(null));
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
                new StateWriter(store),
                clock,
                directory,
                material.trust(),
                renewal);
    }

    /**
     * What the renewal starts from.
     *
     * @param configured the certificate {@code appliance.json} names
     * @param renewed a renewed certificate installed but not proven on a link yet (the next link tries it), or null
     */
    record Renewal(ApplianceCertificate files, Enrolment.Material configured, Enrolment.@Nullable Material renewed) {}

    // ---- the admin's actions (any thread) ------------------------------------------------------------------------

    /** Takes the persisted switch and tickets and starts dialling if they ask for a link. */
    public void start(ApplianceState saved) {
        onLoop(() -> {
            state.restore(saved);
            log.info(
                    "appliance {}: SecureConnect is {}, {} ticket(s) connected, server {}",
                    serial,
                    state.enabled() ? "enabled" : "disabled",
                    state.tickets().size(),
                    connector.server());
            reconcile();
            if (certificates != null) {
                certificates.start();
            }
            return null;
        });
    }

    /** Turns SecureConnect on (persisted); a connected ticket then brings the link up ({@link AdminActions}). */
    public String enable(String actor) {
        return admin.enable(actor);
    }

    /** The kill switch: every stream and the link close at once, the tickets are dropped, it stays off (persisted). */
    public String disable(String actor) {
        return admin.disable(actor);
    }

    /** Connects a ticket: offered in the next hello, dialling now if needed; a refused ticket is offered again. */
    public String connect(TicketNumber number, String actor) {
        return admin.connect(number, actor);
    }

    /** Disconnects one ticket (null: all of them), closing its sessions. */
    public String disconnect(@Nullable TicketNumber number, String actor) {
        return admin.disconnect(number, actor);
    }

    /** Disconnects one open session by the server's session id ({@link AdminActions}). */
    public String closeSession(String id, String actor) {
        return admin.closeSession(id, actor);
    }

    /**
     * The private key of the certificate the link dials with (any thread): the audit checkpoints are signed with it, so
     * the server checks them against the link's certificate, renewed or not.
     */
    public java.security.PrivateKey linkKey() {
        return requireNonNull(certificates, "a supervisor made by create()").currentKey();
    }

    /** The open sessions, oldest first. */
    public List<OpenSession> sessions() {
        return onLoop(sessions::snapshot);
    }

    /**
     * Takes a changed {@code appliance.json} (the services and {@code renewal.when}): streams to a service no longer
     * allowed are closed; the certificate is looked at again.
     */
    public void reload(ApplianceConfig changed) {
        onLoop(() -> {
            config = changed;
            if (certificates != null) {
                certificates.reschedule(new RenewalSchedule(changed.renewal().when()));
            }
            sessions.close(
                    session -> session.isConnect() && changed.serviceOnPort(session.port) == null,
                    "its service is no longer allow-listed");
            reconcile();
            return null;
        });
    }

    /** Waits until the server gave its verdict on a ticket (or it left), at most {@code wait}; returns its row. */
    public ApplianceStatus.@Nullable Connection awaitVerdict(TicketNumber number, Duration wait) {
        admin.awaitVerdict(number, wait);
        return status().connections().stream()
                .filter(c -> c.ticket().equals(number.value()))
                .findFirst()
                .orElse(null);
    }

    public ApplianceStatus status() {
        return onLoop(() -> status.snapshot(
                state.enabled(),
                serial,
                connector.server().toString(),
                state.tickets(),
                link,
                redial,
                config.serviceLabels(),
                sessions::count));
    }

    /**
     * A new checkpoint of the appliance's audit log (from any thread): sent to the server in the hello, now if the
     * link is up, else in the next link's first hello.
     */
    public void auditCheckpoint(String jws) {
        requireNonNull(jws, "jws");
        loop.execute(() -> {
            offer.checkpoint(jws);
            if (link != null) {
                offer.sendHello(link, config);
            }
        });
    }

    /**
     * Closes every session (from any thread): the audit log could not be written for too long, and a session must not
     * run without its records.
     */
    public void closeSessions(String reason) {
        loop.execute(() -> sessions.closeAll(reason));
    }

    /**
     * Stops: streams and link closed (audited), nothing dialled again. Waits a little for the link to close and for
     * the last save of the switch and the tickets.
     */
    public void close() {
        Channel closing = onLoop(() -> {
            closed = true;
            redial.cancel();
            if (certificates != null) {
                certificates.close();
            }
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
        state.awaitLastSave(LAST_SAVE_WAIT);
    }

    // ---- the link's life (event loop) ----------------------------------------------------------------------------

    /** Dials when a link is wanted and none is up or coming; closes the link when none is wanted. */
    private void reconcile() {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        if (!state.linkWanted()) {
            redial.cancel();
            redial.resetFailures();
            if (link != null && !link.intentional) {
                closeLink(
                        !state.enabled()
                                ? "SecureConnect disabled"
                                : state.tickets().isEmpty()
                                        ? "no ticket connected"
                                        : "the server refused every ticket");
            }
        } else if (link == null && !redial.pending()) {
            dial();
        } else if (link != null && link.up) {
            offer.sendHello(link, config);
        }
        status.update(state());
    }

    private void dial() {
        LinkAttempt attempt = new LinkAttempt(this);
        link = attempt;
        if (certificates != null) {
            attempt.material = certificates.current();
            switchWanted = false; // this link dials with the newest certificate
        }
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
        audit.up(identity);
        attempt.admissionTimer = loop.schedule(
                () -> {
                    if (attempt == link
                            && !attempt.intentional
                            && !state.tickets().anyAccepted()) {
                        attempt.problem("the server gave no verdict on the tickets within "
                                + Durations.format(admissionTimeout));
                        requireNonNull(attempt.channel, "dialled").close();
                    }
                },
                admissionTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
        status.update(state());
    }

    /** The connector reports that this appliance refused the server's certificate ({@link LinkAttempt#serverRefused}). */
    void serverRefused(String reason) {
        assert loop.inEventLoop();
        audit.handshakeRefused(reason);
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
        state.tickets().acceptedToPending(); // admitted again on the next link
        String deadLink = requireNonNull(attempt.channel, "dialled")
                .attr(LinkCodecs.CLOSE_REASON)
                .get();
        if (deadLink != null) {
            attempt.problem(deadLink);
        }
        if (attempt.intentional) {
            if (attempt.up) {
                audit.closedOnPurpose(attempt.closeReason);
            }
            log.info("appliance {}: link to {} closed: {}", serial, connector.server(), attempt.closeReason);
            reconcile();
            return;
        }
        String problem = attempt.problem != null
                ? attempt.problem
                : attempt.up ? "the server closed the link" : "the connection closed before the link was up";
        if (certificates != null
                && attempt.material != null
                && attempt.connected
                && !attempt.admitted
                && !attempt.serverBusy) {
            certificates.failedBeforeAdmission(attempt.material, problem);
        }
        if (attempt.serverBusy && !attempt.up) {
            redial.busy(problem);
        } else {
            redial.failed(problem);
        }
        audit.lost(problem, attempt.up);
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

    /**
     * A renewed certificate was installed: once the current link carries no session it is closed on purpose and dialled
     * again at once with the renewed certificate (the tickets are offered again; docs/pki.md); asked again every
     * second until then. No link: the next one dials with it anyway.
     */
    private void switchIfIdle() {
        assert loop.inEventLoop();
        if (!switchWanted || closed) {
            return;
        }
        LinkAttempt current = link;
        if (current == null || current.intentional) {
            return; // the next link dials with the renewed certificate
        }
        if (current.up && current.admitted && sessions.snapshot().isEmpty()) {
            switchWanted = false;
            log.info("appliance {}: link idle: dialling again with the renewed certificate", serial);
            closeLink(SWITCH_REASON);
            return;
        }
        loop.schedule(this::switchIfIdle, SWITCH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the current link on purpose: not dialled again unless wanted. */
    private void closeLink(String reason) {
        requireNonNull(link, "a link to close").closeOnPurpose(reason, loop, FORCE_CLOSE_AFTER);
        status.update(state());
    }

    private ApplianceStatus.State state() {
        return LinkStatus.of(state.enabled(), state.tickets(), link, redial);
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
        offer.sendHello(attempt, config);
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
        offer.admit(admission);
        answer.accept(200);
        if (!attempt.admitted) {
            attempt.admitted = true;
            if (certificates != null && attempt.material != null) {
                certificates.admitted(attempt.material);
            }
        }
        Tickets tickets = state.tickets();
        if (tickets.anyAccepted()) {
            redial.succeeded();
            if (attempt.admissionTimer != null) {
                attempt.admissionTimer.cancel(false);
            }
        } else if (!tickets.anyPending() && !tickets.isEmpty()) {
            String why = tickets.refusals();
            audit.everyTicketRefused(why);
            closeLink("the server refused every ticket: " + why);
        }
        reconcile();
    }

    /** A session request on this link: CONNECT, exec, get or put ({@link SessionRequests}), behind the link's gate. */
    void sessionRequested(LinkAttempt attempt, Http2StreamChannel stream, SessionRequest request) {
        assert loop.inEventLoop();
        sessionRequests.handle(
                stream,
                request,
                () -> gate.check(attempt),
                number -> gate.ticketAccepted(attempt, number),
                number -> state.tickets().scope(number),
                () -> gate.connectPolicy(attempt, config.services()));
    }

    /** {@code POST /v1/revocations} on this link. */
    void revocationsReceived(LinkAttempt attempt, Http2StreamChannel stream, byte[] body) {
        assert loop.inEventLoop();
        sessionRequests.revocations(stream, body);
    }

    void tokenKeysReceived(LinkAttempt attempt, Http2StreamChannel stream, byte[] body) {
        assert loop.inEventLoop();
        tokenKeys.received(stream, body);
    }

    void auditHashRequested(LinkAttempt attempt, Http2StreamChannel stream, CharSequence path) {
        assert loop.inEventLoop();
        auditHashes.received(stream, path);
    }

    /** {@code POST /v1/certificate} on this link: the answer to a renewal ({@link CertificateUpdates}). */
    void certificateReceived(LinkAttempt attempt, Http2StreamChannel stream, byte[] body) {
        assert loop.inEventLoop();
        if (certificates == null) {
            StreamRequestHandler.respond(stream, 404, "this appliance does not renew its certificate over the link");
            return;
        }
        certificates.received(stream, body);
    }

    /** {@code POST /v1/cases} on this link ({@link CaseUpdates}). */
    void casesReceived(LinkAttempt attempt, Http2StreamChannel stream, byte[] body) {
        assert loop.inEventLoop();
        caseUpdates.received(stream, body);
    }

    /** The support cases the server told of in a Call Home answer (from any thread); waits until they are saved. */
    public void casesLearned(CaseNotice.Cases cases) {
        CompletableFuture<?> saved = onLoop(() -> caseUpdates.learned(cases));
        saved.join();
    }

    /** The known support cases, each with its state as this appliance knows it (a pending decision shows). */
    public List<CaseNotice> cases() {
        return onLoop(() -> state.cases().stream()
                .map(c -> new CaseNotice(
                        c.id(), c.ticket(), c.title(), c.severity(), c.scope(), c.openedAt(), state.stateOf(c)))
                .toList());
    }

    /** The admin's case decisions the server has not confirmed yet (for Call Home, from any thread). */
    public List<CaseNotice.Decision> decisions() {
        return onLoop(state::decisions);
    }

    /** Approves a support case ({@link AdminActions#approve}). */
    public String approve(String caseId, @Nullable Duration duration, String actor) {
        return admin.approve(caseId, duration, actor);
    }

    /** Declines a support case ({@link AdminActions#decline}). */
    public String decline(String caseId, String reason, String actor) {
        return admin.decline(caseId, reason, actor);
    }

    private <T> T onLoop(Callable<T> work) {
        return LoopCall.call(loop, work, LoopCall.ADMIN_TIMEOUT);
    }
}
