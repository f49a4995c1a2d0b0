package dev.secureconnect.server;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.appliances.ApplianceCheckpoints;
import dev.secureconnect.server.appliances.ApplianceContacts;
import dev.secureconnect.server.appliances.ApplianceStore;
import dev.secureconnect.server.audit.AuditAnchor;
import dev.secureconnect.server.audit.AuditKey;
import dev.secureconnect.server.audit.AuditSpill;
import dev.secureconnect.server.audit.AuditUnavailableException;
import dev.secureconnect.server.audit.Checkpoints;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.blocks.BlockStore;
import dev.secureconnect.server.blocks.SourceBlocks;
import dev.secureconnect.server.callhome.BundleStore;
import dev.secureconnect.server.callhome.CallHomeIntake;
import dev.secureconnect.server.cases.AlertRules;
import dev.secureconnect.server.cases.CaseOpener;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cluster.ClusterNode;
import dev.secureconnect.server.cluster.ClusterNodes;
import dev.secureconnect.server.cluster.LinkLeases;
import dev.secureconnect.server.cluster.NodeNameTakenException;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.engineerapi.EngineerApi;
import dev.secureconnect.server.engineerapi.EngineerListener;
import dev.secureconnect.server.engineerapi.LoginSessions;
import dev.secureconnect.server.engineers.DisabledEngineers;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.enrolment.ApplianceCertificates;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.enrolment.EnrolmentCrl;
import dev.secureconnect.server.enrolment.EnrolmentEndpoint;
import dev.secureconnect.server.enrolment.EnrolmentListener;
import dev.secureconnect.server.enrolment.Enrolments;
import dev.secureconnect.server.enrolment.Renewals;
import dev.secureconnect.server.link.ApplianceLinks;
import dev.secureconnect.server.link.ApplianceListener;
import dev.secureconnect.server.listener.TicketKeyFile;
import dev.secureconnect.server.metrics.AuditMetrics;
import dev.secureconnect.server.metrics.HandshakeMetrics;
import dev.secureconnect.server.metrics.LinkMetrics;
import dev.secureconnect.server.metrics.LoginMetrics;
import dev.secureconnect.server.metrics.MetricsListener;
import dev.secureconnect.server.metrics.ServerMetrics;
import dev.secureconnect.server.metrics.SinkMetrics;
import dev.secureconnect.server.metrics.StreamMetrics;
import dev.secureconnect.server.metrics.TokenMetrics;
import dev.secureconnect.server.reports.SessionReports;
import dev.secureconnect.server.sessions.ActiveSessions;
import dev.secureconnect.server.sessions.SessionGate;
import dev.secureconnect.server.sinks.ConfigWatcher;
import dev.secureconnect.server.sinks.Destinations;
import dev.secureconnect.server.sinks.ExportSinks;
import dev.secureconnect.server.sinks.SinkCursors;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.server.tokens.RevocationWatcher;
import dev.secureconnect.server.tokens.TokenIssuance;
import dev.secureconnect.server.tokens.TokenKeyFile;
import dev.secureconnect.server.tokens.TokenKeyRing;
import dev.secureconnect.server.tokens.TokenStore;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running support server: database, audit log, tickets, appliance table, access tokens, and the appliance and
 * engineer listeners.
 * {@code run/listeners.json} in the server directory names the bound addresses while it runs.
 */
public final class ServerDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerDaemon.class);
    public static final String LISTENERS_FILE = "run/listeners.json";

    private final Path dir;
    private final Database database;
    private final ServerAuditLog audit;
    private final TicketStore tickets;
    private final ApplianceStore appliances;
    private final ApplianceLinks links;
    private final TokenStore tokens;
    private final SessionGate sessions;
    private final ExecutorService blocking;
    private final ScheduledExecutorService timers;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel applianceListener;
    private final Channel engineerListener;
    private final @Nullable Channel enrolmentListener;
    private final Checkpoints checkpoints;
    private final ExportSinks sinks;
    private final @Nullable CertificateAuthority enrolmentCa;
    private final ServerMetrics metrics;
    private @Nullable MetricsListener metricsListener;
    private final java.util.concurrent.atomic.AtomicBoolean appendingHeld =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final ClusterNodes nodes;
    private final ScheduledExecutorService heartbeats;
    private final java.util.concurrent.atomic.AtomicBoolean displaced = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * How often the daemon looks for tokens revoked by {@code sc-server tokens revoke}, for engineers disabled by
     * {@code sc-server engineers disable}, for blocks lifted by {@code sc-server blocks remove}, for token keys
     * rotated by {@code sc-server token-key rotate}, for appliances revoked by {@code sc-server appliances revoke} and
     * for cases closed by {@code sc-server cases close}.
     */
    static final long REVOCATION_POLL_MILLIS = 500;

    private ServerDaemon(Path dir, ServerConfig config, Clock clock) throws InterruptedException {
        this.dir = dir;
        TokenKeyFile.load(dir); // before anything starts: a server without its token key does not start
        this.database = Database.open(databaseSettings(dir, config.database()));
        this.metrics = new ServerMetrics();
        database.measuredBy(metrics.registry());
        boolean started = false;
        this.blocking = Executors.newFixedThreadPool(4, daemonThreads("sc-server-blocking"));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("sc-server-timer"));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemonThreads("sc-server-heartbeat"));
        this.nodes = new ClusterNodes(database, config.node(), config.cluster().leaseDuration());
        this.boss = Transports.group(1);
        this.workers = Transports.group(0);
        try {
            this.audit = new ServerAuditLog(database, clock, openSpill(dir, config.audit()));
            AuditMetrics auditMetrics = new AuditMetrics(metrics.registry());
            audit.measuredBy(auditMetrics);
            auditMetrics.headAt(audit.lastSeq());
            join(config.node()); // before anything is served: a second process with a live node's name stops here
            this.checkpoints = new Checkpoints(
                    database,
                    audit,
                    AuditKey.loadOrCreate(dir),
                    config.node(),
                    clock,
                    Optional.of(AuditAnchor.in(dir)));
            Destinations destinations = new Destinations(dir, config.node());
            this.sinks =
                    new ExportSinks(audit, new SinkCursors(database, clock), destinations::open, config.audit(), clock);
            sinks.measuredBy(new SinkMetrics(metrics.registry(), auditMetrics::head));
            sinks.apply(config.sinks());
            if (config.mail().enabled()) {
                sinks.notifyByMail(
                        destinations.mailer(config.mail()),
                        new ApplianceContacts(database, clock),
                        new SessionReports(audit, config.reports().folder(dir)),
                        config.callHome());
            }
            this.tickets = new TicketStore(database, audit, clock);
            this.appliances = new ApplianceStore(database, clock, config.node());
            int stale = appliances.markAllOffline();
            if (stale > 0) {
                LOG.info("marked {} appliance link(s) of node {} offline after a restart", stale, config.node());
            }
            ServerConfig.Tls tls = config.tls();
            KeyMaterial keys =
                    KeyMaterial.load(dir.resolve(tls.certificate()), dir.resolve(tls.key()), dir.resolve(tls.chain()));
            List<X509Certificate> roots = Pem.readCertificates(dir.resolve(tls.ca()));
            List<X509Certificate> intermediates = new ArrayList<>(Pem.readCertificates(dir.resolve(tls.chain())));
            List<Path> crls = new ArrayList<>(List.of(dir.resolve(tls.crl())));
            if (EnrolmentCa.presentIn(dir)) {
                // the certificates the enrolment CA signs link too, checked against its own CRL, kept current here
                this.enrolmentCa = EnrolmentCa.load(dir, roots.get(0), clock);
                EnrolmentCrl enrolmentCrl = new EnrolmentCrl(dir, enrolmentCa, clock);
                enrolmentCrl.refreshIfDue();
                intermediates.add(enrolmentCa.certificate());
                crls.add(enrolmentCrl.file());
                timers.scheduleWithFixedDelay(
                        () -> watch("the enrolment CA's revocation list to refresh", enrolmentCrl::refreshIfDue),
                        1,
                        1,
                        TimeUnit.HOURS);
            } else {
                this.enrolmentCa = null;
            }
            TrustMaterial trust = TrustMaterial.withCrls(roots, intermediates, crls);
            ServerConfig.Link link = config.link();
            LinkSettings settings = new LinkSettings(
                    link.streamWindowBytes(),
                    link.maxConcurrentStreams(),
                    link.keepAliveInterval(),
                    link.deadLinkTimeout());
            LinkLeases leases =
                    new LinkLeases(database, config.node(), config.cluster().leaseDuration());
            this.tokens = new TokenStore(database, audit, clock);
            // the database, at every stream open: a revocation counts at once
            TokenKeyRing tokenKeys = TokenKeyRing.load(dir, config.node(), tokens::isRevoked, clock);
            ServerConfig.Limits limits = config.limits();
            SourceBlocks blocks =
                    new SourceBlocks(new BlockStore(database, audit, clock), limits.blocking(), blocking, clock);
            watch("blocked sources", blocks::poll); // the blocks in force before the listeners accept anything
            this.links = new ApplianceLinks(
                            tickets,
                            appliances,
                            audit,
                            blocking,
                            settings,
                            link.streamOpenTimeout(),
                            clock,
                            tokens::revokedUnexpired)
                    .leasingThrough(leases)
                    .keepingCheckpoints(new ApplianceCheckpoints(database, audit, clock))
                    .sendingTokenKeys(tokenKeys::chain);
            LinkMetrics.register(metrics.registry(), links::count);
            if (enrolmentCa != null) {
                links.renewingWith(
                        new Renewals(audit, enrolmentCa, config.enrolment().validity(), clock));
                watchRevokedAppliances(new ApplianceCertificates(database, audit, clock), clock);
            }
            ApplianceListener appliancesIn = new ApplianceListener(
                    keys, trust, tls.handshakeTimeout(), tls.tlsProvider(), limits, blocks, links, audit, blocking);
            ServerConfig.CallHome callHome = config.callHome();
            BundleStore bundles = new BundleStore(dir, database, audit, clock);
            AlertRules alertRules = AlertRules.load(dir, audit);
            CaseStore caseStore = new CaseStore(database, audit, clock);
            CaseOpener caseOpener = new CaseOpener(alertRules, caseStore);
            links.tellingCases(caseStore);
            watchChangedCases(caseStore, clock);
            appliancesIn.acceptCallHome(
                    new CallHomeIntake(bundles, callHome.maxBundleBytes(), blocking, (appliance, bundleId, json) -> {
                                if (!caseOpener
                                        .bundleStored(appliance, bundleId, json)
                                        .isEmpty()) {
                                    links.pushCases(appliance);
                                }
                            })
                            .carryingCases((appliance, decisions) -> {
                                decisions.forEach(decision -> caseStore.decide(appliance, decision, "callhome"));
                                return caseStore.notices(appliance);
                            }));
            timers.scheduleWithFixedDelay(
                    () -> watch("the alert rules (rules.yaml)", alertRules::poll), 1, 1, TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(
                    () -> watch("Call Home heartbeats", () -> {
                        for (String missed : bundles.raiseMissed(callHome.missedAfter())) {
                            if (!caseOpener
                                    .heartbeatMissed(missed, "no bundle for " + callHome.missedAfter())
                                    .isEmpty()) {
                                links.pushCases(missed);
                            }
                        }
                        bundles.prune(callHome.retention());
                    }),
                    1,
                    Math.max(1, Math.min(60, callHome.heartbeatInterval().toSeconds() / 4)),
                    TimeUnit.SECONDS);
            TicketKeyFile ticketKeys = TicketKeyFile.in(dir, clock);
            appliancesIn.countingHandshakes(new HandshakeMetrics(metrics.registry(), "appliance"));
            appliancesIn.resumeSessionsWith(ticketKeys); // before it listens: sessions made before a restart resume
            timers.scheduleWithFixedDelay(
                    () -> watch("TLS session ticket keys to rotate", () -> appliancesIn.resumeSessionsWith(ticketKeys)),
                    1,
                    1,
                    TimeUnit.HOURS);
            this.applianceListener = appliancesIn.bind(
                    boss,
                    workers,
                    config.applianceListener().host(),
                    config.applianceListener().port());
            EngineerStore engineers =
                    new EngineerStore(database, audit, clock, TotpSecretKey.in(dir), EngineerSettings.defaults());
            ActiveSessions active = new ActiveSessions(new StreamMetrics(metrics.registry()));
            audit.onSpillFull(() -> LOG.error(
                    "closed {} session stream(s): the audit log is unavailable and its spill" + " file full",
                    active.resetAll(AuditUnavailableException.REASON + " (spill file full)")));
            this.sessions = new SessionGate(
                    tokenKeys::verifier, tickets, engineers, links, active, audit, blocking, clock, blocks);
            TokenIssuance issuance = new TokenIssuance(
                    tokenKeys::issuer,
                    tokens,
                    engineers,
                    tickets,
                    links,
                    audit,
                    caseStore,
                    clock,
                    new TokenMetrics(metrics.registry()));
            LoginSessions logins = new LoginSessions(database, clock);
            EngineerApi api = new EngineerApi(
                    engineers,
                    logins,
                    links,
                    issuance,
                    sessions,
                    audit,
                    destinations.origin(),
                    blocking,
                    blocks,
                    caseStore,
                    new LoginMetrics(metrics.registry()));
            this.engineerListener = new EngineerListener(
                            keys,
                            trust,
                            tls.handshakeTimeout(),
                            tls.engineerListenerProvider(),
                            limits,
                            blocks,
                            api,
                            audit,
                            blocking)
                    .countingHandshakes(new HandshakeMetrics(metrics.registry(), "engineer"))
                    .bind(
                            boss,
                            workers,
                            config.engineerListener().host(),
                            config.engineerListener().port());
            ServerConfig.Enrolment enrolment = config.enrolment();
            if (enrolmentCa != null && enrolment.enabled()) {
                EnrolmentEndpoint endpoint = new EnrolmentEndpoint(
                        new Enrolments(audit, enrolmentCa, enrolment.validity(), blocks, clock),
                        Pem.readCertificates(dir.resolve(tls.chain())),
                        () -> tokenKeys.set().toJson(),
                        () -> applianceAddress().getPort());
                this.enrolmentListener = new EnrolmentListener(
                                keys, roots, tls.handshakeTimeout(), enrolment.halfOpen(), blocks, endpoint, blocking)
                        .bind(
                                boss,
                                workers,
                                enrolment.listener().host(),
                                enrolment.listener().port());
            } else {
                this.enrolmentListener = null;
            }
            timers.scheduleWithFixedDelay(this::recheckTickets, 5, 5, TimeUnit.SECONDS);
            RevocationWatcher revocations = new RevocationWatcher(tokens, revoked -> {
                revoked.forEach(id -> active.resetToken(id, "access token " + id + " revoked"));
                links.pushRevocations();
            });
            timers.scheduleWithFixedDelay(() -> watch(revocations), 0, REVOCATION_POLL_MILLIS, TimeUnit.MILLISECONDS);
            DisabledEngineers disabled = new DisabledEngineers(
                    engineers,
                    audit,
                    logins::endAll,
                    login -> active.resetEngineer(login, "engineer " + login + " disabled"),
                    () -> {
                        java.util.Set<String> present = new java.util.HashSet<>(logins.logins());
                        active.all().forEach(session -> present.add(session.engineer()));
                        return present;
                    });
            timers.scheduleWithFixedDelay(
                    () -> watch("disabled engineers", disabled::poll),
                    0,
                    REVOCATION_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(
                    () -> watch("rotated token keys", () -> tokenKeys.poll().ifPresent(set -> links.pushTokenKeys())),
                    REVOCATION_POLL_MILLIS,
                    REVOCATION_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
            timers.scheduleWithFixedDelay(
                    () -> watch("blocked sources", blocks::poll),
                    REVOCATION_POLL_MILLIS,
                    REVOCATION_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
            ServerConfig.Audit auditSettings = config.audit();
            timers.scheduleWithFixedDelay(() -> checkpoint(auditSettings), 1, 1, TimeUnit.SECONDS);
            // records other processes (sc-server admin commands) append count in the sinks' lag too
            timers.scheduleWithFixedDelay(
                    () -> watch("the audit log's head", () -> auditMetrics.headAt(audit.lastSeq())),
                    5,
                    5,
                    TimeUnit.SECONDS);
            long retryMillis = auditSettings.spillRetry().toMillis();
            timers.scheduleWithFixedDelay(this::appendHeld, 0, retryMillis, TimeUnit.MILLISECONDS);
            ConfigWatcher configWatcher = new ConfigWatcher(dir, config, sinks);
            timers.scheduleWithFixedDelay(configWatcher::look, 1, 1, TimeUnit.SECONDS);
            ServerConfig.Metrics metricsSettings = config.metrics();
            if (metricsSettings.enabled()) {
                this.metricsListener = bindMetrics(metricsSettings.listener());
            }
            Map<String, Object> listeners = writeListeners();
            listeners.remove("pid");
            nodes.serving(Mappers.json().writeValueAsString(listeners));
            long beat = config.cluster().heartbeatInterval().toMillis();
            heartbeats.scheduleWithFixedDelay(
                    () -> watch("the cluster heartbeat", () -> heartbeat(leases, config.node())),
                    beat,
                    beat,
                    TimeUnit.MILLISECONDS);
            started = true;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the listeners' addresses: " + e.getMessage(), e);
        } finally {
            if (!started) {
                leave(); // a start that failed after the join gives the name back at once
                shutdownResources();
            }
        }
    }

    /**
     * The metrics listener, or null when its address cannot be bound (another server on this machine holds the
     * default port, say): metrics are an observer, so the server runs on without them, with a warning that names the
     * setting; the scraper sees the target down.
     */
    private @Nullable MetricsListener bindMetrics(ServerConfig.Listener listener) throws InterruptedException {
        try {
            return MetricsListener.bind(metrics, boss, workers, listener.host(), listener.port());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // the BindException, thrown undeclared
            LOG.warn(
                    "metrics listener not started: cannot bind {}:{} ({}); set metrics.listener in server.yaml"
                            + " (port 0 picks a free one) or metrics.enabled: false",
                    listener.host(),
                    listener.port(),
                    e.getMessage());
            return null;
        }
    }

    /** Starts the server described by {@code config} in {@code dir}. */
    public static ServerDaemon start(Path dir, ServerConfig config, Clock clock) throws InterruptedException {
        return new ServerDaemon(dir.toAbsolutePath().normalize(), config, clock);
    }

    /** The database of a server directory: SQLite in the directory unless the configuration names a URL. */
    public static DatabaseSettings databaseSettings(Path dir, ServerConfig.Database database) {
        DatabaseSettings settings =
                database.url().isEmpty() ? DatabaseSettings.sqlite(dir) : DatabaseSettings.of(database.url());
        if (database.user() != null) {
            settings = settings.withCredentials(database.user(), database.password());
        }
        return settings.withMaximumPoolSize(database.maximumPoolSize()).withLockTimeout(database.lockTimeout());
    }

    public InetSocketAddress applianceAddress() {
        return (InetSocketAddress) applianceListener.localAddress();
    }

    public InetSocketAddress engineerAddress() {
        return (InetSocketAddress) engineerListener.localAddress();
    }

    /** The enrolment listener's address, if it runs (the server holds an enrolment CA and it is enabled). */
    public Optional<InetSocketAddress> enrolmentAddress() {
        return Optional.ofNullable(enrolmentListener).map(channel -> (InetSocketAddress) channel.localAddress());
    }

    public ApplianceLinks links() {
        return links;
    }

    /** The metrics listener's address, if it runs ({@code metrics.enabled}, the default). */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsListener).map(MetricsListener::address);
    }

    /** The daemon's meters (what {@code GET /metrics} serves). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** The session streams' checks and the internal entry point {@link SessionGate#openConnect}. */
    public SessionGate sessions() {
        return sessions;
    }

    public TokenStore tokens() {
        return tokens;
    }

    public ServerAuditLog audit() {
        return audit;
    }

    public TicketStore tickets() {
        return tickets;
    }

    public ApplianceStore appliances() {
        return appliances;
    }

    /**
     * Closes the link of an appliance whose certificates {@code sc-server appliances revoke} revoked (another process:
     * the daemon looks about twice a second); its next handshake is refused by the enrolment CA's revocation list.
     */
    private void watchRevokedAppliances(ApplianceCertificates certificates, Clock clock) {
        watchChanges(
                "revoked appliances", clock, certificates::revokedAfter, ApplianceCertificates.Revoked::at, revoked -> {
                    if (links.close(revoked.serial(), "appliance " + revoked.serial() + " revoked")) {
                        LOG.info("closed the link of revoked appliance {}", revoked.serial());
                    }
                });
    }

    /**
     * Sends a linked appliance its cases again when they changed in the database, e.g. {@code sc-server cases close}
     * (another process): the daemon looks about twice a second, as for revoked appliances.
     */
    private void watchChangedCases(CaseStore cases, Clock clock) {
        watchChanges("changed cases", clock, cases::changedAfter, CaseStore.Changed::at, changed -> {
            LOG.debug("the cases of appliance {} changed: sending them", changed.appliance());
            links.pushCases(changed.appliance());
        });
    }

    /**
     * Acts on the rows another process changed since the last look, about twice a second on the timer thread: {@code
     * changedAfter} reads those changed after a time (starting now), {@code at} gives each one's time, and the next
     * look starts after the latest.
     */
    private <T> void watchChanges(
            String what,
            Clock clock,
            java.util.function.Function<java.time.Instant, List<T>> changedAfter,
            java.util.function.Function<T, java.time.Instant> at,
            java.util.function.Consumer<T> act) {
        java.time.Instant[] since = {clock.instant()}; // the timer thread's only
        timers.scheduleWithFixedDelay(
                () -> watch(what, () -> {
                    for (T changed : changedAfter.apply(since[0])) {
                        act.accept(changed);
                        if (at.apply(changed).isAfter(since[0])) {
                            since[0] = at.apply(changed);
                        }
                    }
                }),
                REVOCATION_POLL_MILLIS,
                REVOCATION_POLL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void recheckTickets() {
        try {
            links.recheckTickets();
        } catch (RuntimeException e) {
            LOG.warn("re-checking the tickets of connected appliances failed: {}", e.getMessage(), e);
        }
    }

    /** The audit spill file; its records (left by a crash) are appended with the first commit. */
    private static AuditSpill openSpill(Path dir, ServerConfig.Audit settings) {
        try {
            return AuditSpill.open(dir.resolve(AuditSpill.FILE), settings.spillMaxRecords(), settings.spillMaxBytes());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the audit spill file " + dir.resolve(AuditSpill.FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends the records held in the audit spill, if any, on the blocking executor (it may wait for the database's
     * busy timeout); one try at a time.
     */
    private void appendHeld() {
        if (!audit.state().degraded() || !appendingHeld.compareAndSet(false, true)) {
            return;
        }
        try {
            blocking.execute(() -> {
                try {
                    audit.appendHeld();
                } finally {
                    appendingHeld.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            appendingHeld.set(false);
            LOG.debug("not retrying the held audit records: the server is stopping");
        }
    }

    private void checkpoint(ServerConfig.Audit settings) {
        try {
            checkpoints.signIfDue(settings.checkpointEvery(), settings.checkpointInterval());
        } catch (RuntimeException e) {
            LOG.warn("signing an audit checkpoint failed: {}", e.getMessage(), e);
        }
    }

    private static void watch(RevocationWatcher revocations) {
        try {
            revocations.poll();
        } catch (RuntimeException e) {
            LOG.warn("looking for revoked access tokens failed: {}", e.getMessage(), e);
        }
    }

    /** One look at the database for changes made by another process ({@code what} names it in the log). */
    private static void watch(String what, Runnable poll) {
        try {
            poll.run();
        } catch (RuntimeException e) {
            LOG.warn("looking for {} failed: {}", what, e.getMessage(), e);
        }
    }

    /**
     * Takes this node's name in the node table, audited; a live node with the same name stops this one here, audited
     * (the exception's message names the other process).
     */
    private void join(String node) {
        try {
            Optional<ClusterNode> replaced = nodes.join(Destinations.PRODUCT_VERSION);
            audit.append(ServerAuditEvent.builder(EventType.CLUSTER_NODE_JOINED)
                    .detail("node", node)
                    .detail("host", nodes.host())
                    .detail("pid", nodes.pid())
                    .detail("version", Destinations.PRODUCT_VERSION)
                    .detail("replaced", replaced.map(ClusterNode::where).orElse(null))
                    .build());
        } catch (NodeNameTakenException e) {
            LOG.error("{}", e.getMessage());
            try {
                audit.append(ServerAuditEvent.builder(EventType.CLUSTER_NODE_REFUSED)
                        .outcome(ServerAuditEvent.Outcome.FAILURE)
                        .detail("node", node)
                        .detail("host", nodes.host())
                        .detail("pid", nodes.pid())
                        .detail("otherHost", e.other().host())
                        .detail("otherPid", e.other().pid())
                        .build());
            } catch (RuntimeException notAudited) {
                e.addSuppressed(notAudited);
            }
            throw e;
        }
    }

    /** Gives this node's name and link leases up (a clean stop); the links have been closed. */
    private void leave() {
        try {
            nodes.leave();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove node {} from the node table: {}", nodes.node(), e.getMessage());
        }
    }

    /**
     * One heartbeat: this node's row, then its link leases; the links whose lease another node took are dropped. A
     * node that finds its name taken (its heartbeat had stopped longer than its lease) says so once, audited.
     */
    private void heartbeat(LinkLeases leases, String node) {
        Optional<ClusterNode> other = nodes.heartbeat();
        if (other.isPresent()) {
            if (displaced.compareAndSet(false, true)) {
                LOG.error(
                        "node name {} was taken by {} while this node's heartbeat had stopped: two processes now share"
                                + " it; stop one of them",
                        node,
                        other.get().where());
                audit.appendOrHold(
                        List.of(ServerAuditEvent.builder(EventType.CLUSTER_NODE_DISPLACED)
                                .outcome(ServerAuditEvent.Outcome.FAILURE)
                                .detail("node", node)
                                .detail("otherHost", other.get().host())
                                .detail("otherPid", other.get().pid())
                                .build()),
                        ServerAuditLog.Hold.WHILE_ROOM);
            }
            return;
        }
        leases.renew().forEach((serial, holder) -> links.leaseLost(serial, holder, node));
    }

    private Map<String, Object> writeListeners() {
        Map<String, Object> listeners = new LinkedHashMap<>();
        InetSocketAddress appliance = applianceAddress();
        listeners.put("appliance", appliance.getHostString() + ":" + appliance.getPort());
        InetSocketAddress engineer = engineerAddress();
        listeners.put("engineer", engineer.getHostString() + ":" + engineer.getPort());
        enrolmentAddress()
                .ifPresent(
                        enrolment -> listeners.put("enrolment", enrolment.getHostString() + ":" + enrolment.getPort()));
        metricsAddress()
                .ifPresent(address -> listeners.put("metrics", address.getHostString() + ":" + address.getPort()));
        listeners.put("pid", ProcessHandle.current().pid());
        try {
            DurableFiles.write(
                    dir.resolve(LISTENERS_FILE),
                    Mappers.indentedJson().writeValueAsBytes(listeners),
                    DurableFiles.Access.READABLE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + dir.resolve(LISTENERS_FILE) + ": " + e.getMessage(), e);
        }
        return listeners;
    }

    @Override
    public void close() {
        LOG.info("support server stopping");
        links.closeAll("server shutting down");
        applianceListener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        engineerListener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (enrolmentListener != null) {
            enrolmentListener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        timers.shutdownNow();
        heartbeats.shutdownNow();
        leave();
        try {
            checkpoints.signIfDue(1, java.time.Duration.ZERO); // the last records are signed before the server stops
        } catch (RuntimeException e) {
            LOG.warn("signing the last audit checkpoint failed: {}", e.getMessage(), e);
        }
        shutdownResources();
        removeListeners();
    }

    /**
     * Removes {@code run/listeners.json} if this process wrote it: a file another process wrote since (with its PID)
     * is that process's, and stays.
     */
    private void removeListeners() {
        Path file = dir.resolve(LISTENERS_FILE);
        try {
            if (Files.exists(file)
                    && Mappers.json()
                                    .readTree(Files.readAllBytes(file))
                                    .path("pid")
                                    .asLong(-1)
                            == ProcessHandle.current().pid()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", file, e.getMessage());
        }
    }

    private void shutdownResources() {
        timers.shutdownNow();
        if (metricsListener != null) {
            metricsListener.close();
        }
        heartbeats.shutdownNow();
        if (sinks != null) {
            sinks.close();
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(10, TimeUnit.SECONDS)) {
                blocking.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
        metrics.close();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
