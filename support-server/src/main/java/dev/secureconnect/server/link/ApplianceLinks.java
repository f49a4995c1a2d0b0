package dev.secureconnect.server.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.TokenKeyChain;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.appliances.ApplianceCheckpoints;
import dev.secureconnect.server.appliances.ApplianceStore;
import dev.secureconnect.server.audit.BatchedRecords;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cluster.LinkLeases;
import dev.secureconnect.server.enrolment.Renewals;
import dev.secureconnect.server.tickets.Ticket;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.server.tokens.StoredToken;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.AuditHash;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.InvalidTicketNumberException;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.TicketNumber;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance links this server node holds, by serial: what engineers may reach, and where session streams are
 * opened (by {@code sessions.SessionGate}, which runs the checks first).
 *
 * <p>Per link: ask for the hello, admit its tickets against the ticket store, answer with the admission, record
 * the link in the appliance table, and audit it. One link per appliance certificate: a second link for a serial
 * that is already connected is treated as a possible clone — audited, every ticket refused with that reason, and
 * closed; the link that was up first stays (see docs/server.md).
 *
 * <p>Database work runs on {@code blocking}, never on a Netty event loop. What links do to the appliance table and the
 * audit log is written in batches ({@link BatchedRecords}): a link's admission is sent once its records are committed.
 */
public final class ApplianceLinks {

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceLinks.class);
    static final String CLONE_REASON = "another link with this appliance's certificate is already up (possible clone);"
            + " it is refused until that link ends";

    private final Map<String, LinkSession> links = new ConcurrentHashMap<>();
    private final TicketStore tickets;
    private final ApplianceStore appliances;
    private final ServerAuditLog audit;
    private final ExecutorService blocking;
    private final LinkSettings settings;
    private final Duration streamOpenTimeout;
    private final Clock clock;
    private final Supplier<List<StoredToken.Revocation>> revocations;
    private final BatchedRecords records;
    private volatile Optional<ApplianceCheckpoints> checkpoints = Optional.empty();
    private volatile Supplier<TokenKeyChain> tokenKeys = TokenKeyChain::empty;
    private final TokenKeyPush tokenKeyPush;
    private volatile @Nullable CertificateRenewal renewal;
    private volatile Optional<CasePush> casePush = Optional.empty();
    private volatile Optional<LinkLeases> leases = Optional.empty();

    /**
     * @param revocations the revoked, unexpired access tokens (read from the database on a blocking thread), sent to
     *     each appliance after every admission and by {@link #pushRevocations()}
     */
    public ApplianceLinks(
            TicketStore tickets,
            ApplianceStore appliances,
            ServerAuditLog audit,
            ExecutorService blocking,
            LinkSettings settings,
            Duration streamOpenTimeout,
            Clock clock,
            Supplier<List<StoredToken.Revocation>> revocations) {
        this.revocations = revocations;
        this.tickets = tickets;
        this.appliances = appliances;
        this.audit = audit;
        this.blocking = blocking;
        this.settings = settings;
        this.streamOpenTimeout = streamOpenTimeout;
        this.clock = clock;
        this.records = new BatchedRecords(audit, blocking);
        this.tokenKeyPush = new TokenKeyPush(audit, blocking, streamOpenTimeout);
    }

    /**
     * Sends the chain of rotated token key sets to each appliance after its link's first admission, and to every
     * linked appliance on {@link #pushTokenKeys()}.
     */
    public ApplianceLinks sendingTokenKeys(Supplier<TokenKeyChain> chain) {
        this.tokenKeys = requireNonNull(chain, "chain");
        return this;
    }

    /**
     * Keeps each appliance's support cases current over its link ({@link CasePush}): the admin's decisions of every
     * hello recorded and the cases sent after each admission, and on {@link #pushCases}.
     */
    public ApplianceLinks tellingCases(CaseStore cases) {
        this.casePush = Optional.of(new CasePush(cases, streamOpenTimeout));
        return this;
    }

    /** Sends {@code serial} its cases if it is linked (a case opened); blocking. */
    public void pushCases(String serial) {
        LinkSession session = links.get(serial);
        if (session != null && session.lastAdmission() != null) {
            casePush.ifPresent(push -> push.send(session));
        }
    }

    /**
     * Takes each admitted appliance's link lease with the records of its admission, and gives it up with those of its
     * link going down (several nodes on one database; see {@link LinkLeases}).
     */
    public ApplianceLinks leasingThrough(LinkLeases linkLeases) {
        this.leases = Optional.of(linkLeases);
        return this;
    }

    /**
     * Drops the link of {@code serial}: node {@code holder} took its lease (the appliance's newer connection reached
     * that node). Audited {@code cluster.link-lease-lost}, then the link closes (audited as it goes down).
     */
    public void leaseLost(String serial, String holder, String node) {
        LinkSession session = links.get(serial);
        if (session == null) {
            return;
        }
        String reason = "node " + holder + " took the appliance's link lease (its newer connection reached that node)";
        LOG.warn("dropping the link of appliance {} from {}: {}", serial, session.remoteAddress(), reason);
        audit.appendOrHold(
                List.of(ServerAuditEvent.builder(EventType.CLUSTER_LINK_LEASE_LOST)
                        .appliance(serial)
                        .source(session.remoteAddress())
                        .detail("node", node)
                        .detail("holder", holder)
                        .detail("reason", reason)
                        .build()),
                ServerAuditLog.Hold.ALWAYS); // the link is dropped whether or not the database takes the record now
        LinkCodecs.close(session.channel(), "link lease lost to node " + holder);
    }

    /** Takes the audit checkpoints appliances send in their hellos (verified, kept, audited) from now on. */
    public ApplianceLinks keepingCheckpoints(ApplianceCheckpoints checkpoints) {
        this.checkpoints = Optional.of(checkpoints);
        return this;
    }

    /**
     * Renews the certificates of appliances that offer a certificate request in their hello, with {@code renewals}
     * (the server holds an enrolment CA); without it such requests are ignored.
     */
    public ApplianceLinks renewingWith(Renewals renewals) {
        this.renewal = new CertificateRenewal(renewals, blocking, audit, streamOpenTimeout);
        return this;
    }

    LinkSettings settings() {
        return settings;
    }

    /**
     * A link whose TLS handshake and HTTP/2 set-up completed: ask for its hello.
     *
     * @param certificate the link's certificate: its key checks the appliance's audit checkpoints, renewal checks it
     */
    void linkUp(CertificateIdentity appliance, X509Certificate certificate, Channel channel, String remoteAddress) {
        LinkSession session = new LinkSession(appliance, certificate, channel, remoteAddress, clock.instant());
        LOG.debug("appliance {} link from {} is up; asking for its hello", appliance.id(), remoteAddress);
        channel.closeFuture().addListener(closed -> blocking.execute(() -> linkDown(session)));
        StreamOpener.watch(channel, LinkProtocol.PATH_HELLO, bytes -> onHello(session, bytes), streamOpenTimeout)
                .addListener(watch -> {
                    if (!watch.isSuccess()) {
                        LinkCodecs.close(channel, "no hello: " + watch.cause().getMessage());
                    }
                });
    }

    private void onHello(LinkSession session, byte[] bytes) {
        Hello hello;
        try {
            hello = LinkJson.decode(bytes, Hello.class);
        } catch (LinkException e) {
            LinkCodecs.close(session.channel(), "bad hello: " + e.getMessage());
            return;
        }
        if (!hello.serial().equals(session.serial())) {
            LinkCodecs.close(
                    session.channel(),
                    "hello names serial " + hello.serial() + " but the certificate is for " + session.serial());
            return;
        }
        session.hello(hello);
        blocking.execute(() -> admit(session));
        if (session.newAuditCheckpoint(hello.auditCheckpoint())) {
            blocking.execute(() -> receiveCheckpoint(session, hello.auditCheckpoint()));
        }
        CertificateRenewal renewal = this.renewal;
        if (renewal != null && session.newRenewalCsr(hello.renewalCsr())) {
            blocking.execute(() -> renewal.renew(session, hello.renewalCsr()));
        }
    }

    /** Verifies and keeps the appliance's audit checkpoint (blocking executor). */
    private void receiveCheckpoint(LinkSession session, String jws) {
        if (checkpoints.isEmpty()) {
            return;
        }
        try {
            checkpoints
                    .get()
                    .receive(
                            session.serial(),
                            session.key(),
                            jws,
                            session.remoteAddress(),
                            seq -> recordHash(session, seq));
        } catch (RuntimeException e) {
            LOG.warn("appliance {}: cannot record its audit checkpoint: {}", session.serial(), e.getMessage(), e);
        }
    }

    /**
     * Asks the appliance for the hash of the record at {@code seq} of its audit log ({@code GET /v1/audit/hash}) and
     * waits for its answer, at most the stream open time-out (blocking executor).
     *
     * @throws LinkException with a one-line reason when it does not tell
     */
    private String recordHash(LinkSession session, long seq) {
        Future<StreamOpener.Response> asked = StreamOpener.request(
                session.channel(),
                "GET",
                LinkProtocol.PATH_AUDIT_HASH + "?" + LinkProtocol.QUERY_SEQ + "=" + seq,
                new byte[0],
                streamOpenTimeout);
        if (!asked.awaitUninterruptibly(streamOpenTimeout.toMillis() + 1_000)) {
            throw new LinkException("the appliance did not answer within " + streamOpenTimeout.toSeconds() + " s");
        }
        if (!asked.isSuccess()) {
            throw new LinkException("the appliance did not answer: "
                    + OneLine.of(String.valueOf(asked.cause().getMessage())));
        }
        StreamOpener.Response response = asked.getNow();
        if (response.status() != 200) {
            throw new LinkException("the appliance answered " + response.status() + ": "
                    + OneLine.of(response.reason().isEmpty() ? "(no reason)" : response.reason()));
        }
        AuditHash answer = LinkJson.decode(response.body(), AuditHash.class);
        if (answer.seq() != seq) {
            throw new LinkException("the appliance answered the hash of seq " + answer.seq() + " for seq " + seq);
        }
        return answer.hash();
    }

    /**
     * Decides on every ticket of the latest hello and tells the appliance once the link's records are committed. Runs
     * on the blocking executor; one session's admissions one at a time, different sessions' side by side (the ticket
     * look-ups are reads; the writes are batched by {@link BatchedRecords}).
     */
    private void admit(LinkSession session) {
        synchronized (session) {
            Hello hello = session.hello();
            if (hello == null || !session.channel().isActive()) {
                return;
            }
            LinkSession holder;
            synchronized (this) {
                holder = links.get(session.serial());
                if (holder != null && holder != session && !holder.channel().isActive()) {
                    linkDown(holder); // the old link closed but its clean-up has not run yet: not a clone, a reconnect
                }
                holder = links.putIfAbsent(session.serial(), session);
            }
            boolean clone = holder != null && holder != session;
            List<Admission.Verdict> verdicts = new ArrayList<>();
            for (String ticket : hello.tickets()) {
                verdicts.add(clone ? Admission.Verdict.refuse(ticket, CLONE_REASON) : verdict(session, ticket));
            }
            Admission admission = new Admission(verdicts);
            Admission previous = session.lastAdmission();
            session.admitted(admission);
            if (clone) {
                audit.appendOrHold( // a refusal: the clone is turned away whether or not it can be recorded
                        List.of(ServerAuditEvent.builder(EventType.APPLIANCE_CLONE_SUSPECTED)
                                .appliance(session.serial())
                                .source(session.remoteAddress())
                                .outcome(ServerAuditEvent.Outcome.FAILURE)
                                .detail("existingLink", holder.remoteAddress())
                                .detail("reason", CLONE_REASON)
                                .build()),
                        ServerAuditLog.Hold.WHILE_ROOM);
                sendAdmission(session, admission, true);
                return;
            }
            List<ServerAuditEvent> events = new ArrayList<>(verdictChanges(session, previous, admission));
            List<String> services = hello.services().stream()
                    .map(s -> s.name() + ":" + s.port())
                    .toList();
            List<TicketNumber> accepted = session.acceptedTicketNumbers();
            if (!session.registered()) {
                session.markRegistered();
                events.add(ServerAuditEvent.builder(EventType.APPLIANCE_CONNECTED)
                        .appliance(session.serial())
                        .source(session.remoteAddress())
                        .detail("tickets", String.join(",", session.acceptedTickets()))
                        .detail("services", String.join(",", services))
                        .detail("version", hello.softwareVersion())
                        .build());
                LOG.info(
                        "appliance {} link from {} admitted with tickets {}",
                        session.serial(),
                        session.remoteAddress(),
                        accepted);
            }
            Optional<LinkLeases> leasing = leases;
            records.submit(new BatchedRecords.Change(
                    connection -> {
                        appliances.linkUp(connection, session.serial(), session.remoteAddress(), accepted, services);
                        if (leasing.isPresent()) {
                            leasing.get().take(connection, session.serial());
                        }
                    },
                    events,
                    () -> {
                        leasing.ifPresent(lease -> lease.held(session.serial()));
                        sendAdmission(session, admission, false);
                    },
                    failure -> LinkCodecs.close(session.channel(), "cannot record the link: " + failure.getMessage()),
                    null)); // its records come first: the link is admitted only once they are committed
        }
    }

    private void sendAdmission(LinkSession session, Admission admission, boolean clone) {
        StreamOpener.request(
                        session.channel(),
                        "POST",
                        LinkProtocol.PATH_ADMISSION,
                        LinkJson.encode(admission),
                        streamOpenTimeout)
                .addListener(sent -> {
                    if (clone) {
                        LinkCodecs.close(session.channel(), CLONE_REASON);
                    } else if (!sent.isSuccess()) {
                        LinkCodecs.close(
                                session.channel(),
                                "admission not delivered: " + sent.cause().getMessage());
                    } else {
                        blocking.execute(() -> pushRevocations(session)); // after every admission
                        casePush.ifPresent(push -> blocking.execute(() -> push.afterAdmission(session)));
                        if (session.firstTokenKeys()) {
                            tokenKeyPush.send(session, tokenKeys.get());
                        }
                    }
                });
    }

    private Admission.Verdict verdict(LinkSession session, String ticket) {
        return verdict(session, ticket, null);
    }

    /** @param read tickets already read in this round, by number (null: read this one now) */
    private Admission.Verdict verdict(
            LinkSession session, String ticket, @Nullable Map<TicketNumber, Optional<Ticket>> read) {
        try {
            TicketNumber number = TicketNumber.parse(ticket);
            dev.secureconnect.server.tickets.Admission admission = read == null
                    ? tickets.admit(number, session.serial())
                    : TicketStore.admit(number, read.computeIfAbsent(number, tickets::find), session.serial());
            return admission.accepted()
                    ? Admission.Verdict.accept(ticket)
                    : Admission.Verdict.refuse(ticket, admission.reason());
        } catch (InvalidTicketNumberException e) {
            return Admission.Verdict.refuse(ticket, String.valueOf(e.getMessage()));
        }
    }

    private static List<ServerAuditEvent> verdictChanges(
            LinkSession session, @Nullable Admission previous, Admission current) {
        List<ServerAuditEvent> events = new ArrayList<>();
        for (Admission.Verdict verdict : current.verdicts()) {
            Optional<Admission.Verdict> before = previous == null
                    ? Optional.empty()
                    : previous.verdicts().stream()
                            .filter(v -> v.ticket().equals(verdict.ticket()))
                            .findFirst();
            if (before.isPresent() && before.get().equals(verdict)) {
                continue;
            }
            if (!verdict.accepted()) {
                events.add(ServerAuditEvent.builder(EventType.TICKET_REFUSED)
                        .appliance(session.serial())
                        .ticket(verdict.ticket())
                        .source(session.remoteAddress())
                        .outcome(ServerAuditEvent.Outcome.FAILURE)
                        .detail("reason", verdict.reason())
                        .build());
            }
        }
        return events;
    }

    /**
     * Re-checks the tickets of every link (a ticket closed from the CLI ends its admission). Each ticket is read once
     * per round, however many links quote it.
     */
    public void recheckTickets() {
        Map<TicketNumber, Optional<Ticket>> read = new HashMap<>();
        for (LinkSession session : links.values()) {
            Hello hello = session.hello();
            Admission last = session.lastAdmission();
            if (hello == null || last == null) {
                continue;
            }
            List<Admission.Verdict> fresh =
                    hello.tickets().stream().map(t -> verdict(session, t, read)).toList();
            if (!fresh.equals(last.verdicts())) {
                admit(session);
            }
        }
    }

    /** A link ended: forgotten at once, its row and audit record written with the next batch. */
    private synchronized void linkDown(LinkSession session) {
        String reason = session.channel().attr(LinkCodecs.CLOSE_REASON).get();
        if (reason == null) {
            reason = "connection closed by the appliance or the network";
        }
        boolean held = links.remove(session.serial(), session);
        if (!held) {
            return; // a refused clone, or a link that never sent a hello
        }
        Optional<LinkLeases> leasing = leases;
        leasing.ifPresent(lease -> lease.dropped(session.serial()));
        if (session.registered()) {
            String why = reason;
            records.submit(new BatchedRecords.Change(
                    connection -> {
                        appliances.linkDown(connection, session.serial(), why);
                        if (leasing.isPresent()) {
                            leasing.get().release(connection, session.serial());
                        }
                    },
                    List.of(ServerAuditEvent.builder(EventType.APPLIANCE_DISCONNECTED)
                            .appliance(session.serial())
                            .source(session.remoteAddress())
                            .detail("reason", why)
                            .build()),
                    () -> {},
                    failure -> {}, // the link is gone anyway; its row says online until it links again or a restart
                    ServerAuditLog.Hold.ALWAYS)); // the link has closed: its record is held, never lost
        }
        LOG.info("appliance {} link from {} is down: {}", session.serial(), session.remoteAddress(), reason);
    }

    /** How many appliance links this node holds (no lock, no copy: for the metrics). */
    public int count() {
        return links.size();
    }

    /** Serials of the appliances whose links this node holds. */
    public List<String> connected() {
        return links.keySet().stream().sorted().toList();
    }

    /** The tickets accepted on an appliance's link, if it is connected. */
    public Optional<List<String>> acceptedTickets(String serial) {
        LinkSession session = links.get(serial);
        return session == null
                ? Optional.empty()
                : Optional.of(session.acceptedTickets().stream().sorted().toList());
    }

    /** The appliances whose links this node holds, by serial, with what their hello and admission said. */
    public List<ConnectedAppliance> connectedAppliances() {
        return links.values().stream()
                .filter(session -> session.hello() != null && session.channel().isActive())
                .map(session -> new ConnectedAppliance(
                        session.serial(),
                        session.acceptedTickets().stream().sorted().toList(),
                        requireNonNull(session.hello(), "filtered on its hello (never unset)")
                                .services(),
                        session.since(),
                        session.remoteAddress()))
                .sorted(java.util.Comparator.comparing(ConnectedAppliance::serial))
                .toList();
    }

    /** The link of a connected appliance, for opening session streams on it. */
    public Optional<Channel> linkChannel(String serial) {
        LinkSession session = links.get(serial);
        return session == null || !session.channel().isActive() ? Optional.empty() : Optional.of(session.channel());
    }

    /** The address a connected appliance's link comes from. */
    public Optional<String> remoteAddress(String serial) {
        LinkSession session = links.get(serial);
        return session == null ? Optional.empty() : Optional.of(session.remoteAddress());
    }

    /** How long an appliance has to answer a new stream. */
    public Duration streamOpenTimeout() {
        return streamOpenTimeout;
    }

    /**
     * Sends the current list of revoked, unexpired access tokens ({@code POST /v1/revocations}) to every connected
     * appliance. Reads the database: call it on a blocking thread.
     */
    public void pushRevocations() {
        byte[] body = revocationsBody();
        for (LinkSession session : links.values()) {
            if (session.lastAdmission() != null) {
                send(session, body);
            }
        }
    }

    /** Sends the chain of rotated token key sets to every linked appliance (after a rotation). */
    public void pushTokenKeys() {
        TokenKeyChain chain = tokenKeys.get();
        for (LinkSession session : links.values()) {
            if (session.lastAdmission() != null) {
                session.firstTokenKeys(); // sent now: not again at its next admission
                tokenKeyPush.send(session, chain);
            }
        }
    }

    private void pushRevocations(LinkSession session) {
        send(session, revocationsBody());
    }

    private byte[] revocationsBody() {
        List<Map<String, String>> revoked = revocations.get().stream()
                .map(r -> Map.of(
                        "id", r.id().toString(), "expiresAt", r.expiresAt().toString()))
                .toList();
        return LinkJson.encode(Map.of("revoked", revoked));
    }

    private void send(LinkSession session, byte[] body) {
        if (!session.channel().isActive()) {
            return;
        }
        StreamOpener.request(session.channel(), "POST", LinkProtocol.PATH_REVOCATIONS, body, streamOpenTimeout)
                .addListener(sent -> {
                    if (!sent.isSuccess()) {
                        LOG.warn(
                                "revocations not delivered to appliance {}: {}",
                                session.serial(),
                                sent.cause().getMessage());
                    } else if (((StreamOpener.Response) sent.getNow()).status() != 200) {
                        StreamOpener.Response response = (StreamOpener.Response) sent.getNow();
                        LOG.warn(
                                "appliance {} answered {} to the revocations: {}",
                                session.serial(),
                                response.status(),
                                response.reason());
                    }
                });
    }

    /** Closes the link of appliance {@code serial} if this node holds it (its certificates were revoked). */
    public boolean close(String serial, String reason) {
        LinkSession session = links.get(serial);
        if (session == null) {
            return false;
        }
        LinkCodecs.close(session.channel(), reason);
        return true;
    }

    /** Closes every link (server shutdown). */
    public void closeAll(String reason) {
        for (LinkSession session : links.values()) {
            LinkCodecs.close(session.channel(), reason);
        }
    }
}
