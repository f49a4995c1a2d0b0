package dev.secureconnect.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.server.cases.CaseSeverity;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code DIR/server.yaml}: everything the support server reads at start. Every field has a default, so an empty
 * file is a valid configuration apart from the TLS files; unknown keys and wrong types are errors. Paths are
 * relative to the server directory unless absolute. Reference: docs/server.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerConfig(
        String node,
        Listener applianceListener,
        Listener engineerListener,
        Tls tls,
        Database database,
        Link link,
        Audit audit,
        List<Sink> sinks,
        Mail mail,
        Reports reports,
        Limits limits,
        CallHome callHome,
        Enrolment enrolment,
        Metrics metrics,
        Cluster cluster) {

    /**
     * @param engineerListener the engineer API's address (mutual TLS, engineer certificates), default
     *     {@code 0.0.0.0:8444}
     */
    @JsonCreator
    public ServerConfig(
            @Nullable String node,
            @Nullable Listener applianceListener,
            @Nullable Listener engineerListener,
            @Nullable Tls tls,
            @Nullable Database database,
            @Nullable Link link,
            @Nullable Audit audit,
            @Nullable List<Sink> sinks,
            @Nullable Mail mail,
            @Nullable Reports reports,
            @Nullable Limits limits,
            @Nullable CallHome callHome,
            @Nullable Enrolment enrolment,
            @Nullable Metrics metrics,
            @Nullable Cluster cluster) {
        node = node == null || node.isBlank() ? "sc-server" : node;
        applianceListener = applianceListener == null ? Listener.DEFAULT_APPLIANCE : applianceListener;
        engineerListener = engineerListener == null ? Listener.DEFAULT_ENGINEER : engineerListener;
        tls = tls == null ? Tls.DEFAULT : tls;
        database = database == null ? Database.DEFAULT : database;
        link = link == null ? Link.DEFAULT : link;
        audit = audit == null ? Audit.DEFAULT : audit;
        sinks = sinks == null ? List.of() : List.copyOf(sinks);
        Set<String> names = new HashSet<>();
        for (Sink sink : sinks) {
            if (!names.add(sink.name())) {
                throw new IllegalArgumentException("two sinks are named '" + sink.name() + "': names must be unique");
            }
        }
        mail = mail == null ? Mail.DEFAULT : mail;
        reports = reports == null ? Reports.DEFAULT : reports;
        limits = limits == null ? Limits.DEFAULT : limits;
        callHome = callHome == null ? CallHome.DEFAULT : callHome;
        enrolment = enrolment == null ? Enrolment.DEFAULT : enrolment;
        metrics = metrics == null ? Metrics.DEFAULT : metrics;
        cluster = cluster == null ? Cluster.DEFAULT : cluster;
        this.node = node;
        this.applianceListener = applianceListener;
        this.engineerListener = engineerListener;
        this.tls = tls;
        this.database = database;
        this.link = link;
        this.audit = audit;
        this.sinks = sinks;
        this.mail = mail;
        this.reports = reports;
        this.limits = limits;
        this.callHome = callHome;
        this.enrolment = enrolment;
        this.metrics = metrics;
        this.cluster = cluster;
    }

    /** A configuration with the default metrics and cluster settings. */
    public ServerConfig(
            @Nullable String node,
            @Nullable Listener applianceListener,
            @Nullable Listener engineerListener,
            @Nullable Tls tls,
            @Nullable Database database,
            @Nullable Link link,
            @Nullable Audit audit,
            @Nullable List<Sink> sinks,
            @Nullable Mail mail,
            @Nullable Reports reports,
            @Nullable Limits limits,
            @Nullable CallHome callHome,
            @Nullable Enrolment enrolment) {
        this(
                node,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                enrolment,
                null,
                null);
    }

    /** A configuration with the default enrolment settings. */
    public ServerConfig(
            @Nullable String node,
            @Nullable Listener applianceListener,
            @Nullable Listener engineerListener,
            @Nullable Tls tls,
            @Nullable Database database,
            @Nullable Link link,
            @Nullable Audit audit,
            @Nullable List<Sink> sinks,
            @Nullable Mail mail,
            @Nullable Reports reports,
            @Nullable Limits limits,
            @Nullable CallHome callHome) {
        this(
                node,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                null);
    }

    /** A configuration with the default Call Home settings. */
    public ServerConfig(
            @Nullable String node,
            @Nullable Listener applianceListener,
            @Nullable Listener engineerListener,
            @Nullable Tls tls,
            @Nullable Database database,
            @Nullable Link link,
            @Nullable Audit audit,
            @Nullable List<Sink> sinks,
            @Nullable Mail mail,
            @Nullable Reports reports,
            @Nullable Limits limits) {
        this(node, applianceListener, engineerListener, tls, database, link, audit, sinks, mail, reports, limits, null);
    }

    /** A configuration with the default limits. */
    public ServerConfig(
            String node,
            Listener applianceListener,
            Listener engineerListener,
            Tls tls,
            Database database,
            Link link,
            Audit audit,
            List<Sink> sinks,
            Mail mail,
            Reports reports) {
        this(node, applianceListener, engineerListener, tls, database, link, audit, sinks, mail, reports, null, null);
    }

    /** A configuration with the default audit, sinks, mail, reports and limits sections. */
    public ServerConfig(
            @Nullable String node,
            @Nullable Listener applianceListener,
            @Nullable Listener engineerListener,
            @Nullable Tls tls,
            @Nullable Database database,
            @Nullable Link link) {
        this(node, applianceListener, engineerListener, tls, database, link, null, null, null, null, null, null);
    }

    /** A configuration with the default engineer listener. */
    public ServerConfig(String node, Listener applianceListener, Tls tls, Database database, Link link) {
        this(node, applianceListener, null, tls, database, link);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null);
    }

    /** This configuration with {@code sinks} instead of its own. */
    public ServerConfig withSinks(List<Sink> newSinks) {
        return new ServerConfig(
                node,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                newSinks,
                mail,
                reports,
                limits,
                callHome,
                enrolment,
                metrics,
                cluster);
    }

    /** This configuration with {@code newEnrolment} instead of its own enrolment section. */
    public ServerConfig withEnrolment(Enrolment newEnrolment) {
        return new ServerConfig(
                node,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                newEnrolment,
                metrics,
                cluster);
    }

    /** This configuration with {@code newDatabase} instead of its own. */
    public ServerConfig withDatabase(Database newDatabase) {
        return new ServerConfig(
                node,
                applianceListener,
                engineerListener,
                tls,
                newDatabase,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                enrolment,
                metrics,
                cluster);
    }

    /** This configuration with {@code newNode} as its node name. */
    public ServerConfig withNode(String newNode) {
        return new ServerConfig(
                newNode,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                enrolment,
                metrics,
                cluster);
    }

    /** This configuration with {@code newCluster} instead of its own cluster section. */
    public ServerConfig withCluster(Cluster newCluster) {
        return new ServerConfig(
                node,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                enrolment,
                metrics,
                newCluster);
    }

    /** This configuration with {@code newMetrics} instead of its own metrics section. */
    public ServerConfig withMetrics(Metrics newMetrics) {
        return new ServerConfig(
                node,
                applianceListener,
                engineerListener,
                tls,
                database,
                link,
                audit,
                sinks,
                mail,
                reports,
                limits,
                callHome,
                enrolment,
                newMetrics,
                cluster);
    }

    /** This configuration apart from its sinks, to tell whether a change needs a restart. */
    public ServerConfig withoutSinks() {
        return withSinks(List.of());
    }

    /**
     * The audit log's signed checkpoints and its export sinks' retries.
     *
     * @param checkpointEvery sign a checkpoint after this many records, default 1000
     * @param checkpointInterval or when a record is older than this and unsigned, default PT1M
     * @param retryInitial a failing sink's first wait before it tries again, default PT1S
     * @param retryMax the longest wait between tries (the back-off doubles up to it), default PT1M
     * @param spillMaxRecords the most records the audit spill file holds while the database cannot commit before
     *     every session is closed, default 10000
     * @param spillMaxBytes … or the most bytes, default 16 MiB
     * @param spillRetry how often the daemon tries to append the held records, default PT5S
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Audit(
            Long checkpointEvery,
            Duration checkpointInterval,
            Duration retryInitial,
            Duration retryMax,
            Integer spillMaxRecords,
            Long spillMaxBytes,
            Duration spillRetry) {
        static final Audit DEFAULT = new Audit(null, null, null, null);

        /** The spill file's bound and retry interval at their defaults. */
        public Audit(
                @Nullable Long checkpointEvery,
                @Nullable Duration checkpointInterval,
                @Nullable Duration retryInitial,
                @Nullable Duration retryMax) {
            this(checkpointEvery, checkpointInterval, retryInitial, retryMax, null, null, null);
        }

        public Audit(
                @Nullable Long checkpointEvery,
                @Nullable Duration checkpointInterval,
                @Nullable Duration retryInitial,
                @Nullable Duration retryMax,
                @Nullable Integer spillMaxRecords,
                @Nullable Long spillMaxBytes,
                @Nullable Duration spillRetry) {
            checkpointEvery = checkpointEvery == null ? 1000 : checkpointEvery;
            checkpointInterval = checkpointInterval == null ? Duration.ofMinutes(1) : checkpointInterval;
            retryInitial = retryInitial == null ? Duration.ofSeconds(1) : retryInitial;
            retryMax = retryMax == null ? Duration.ofMinutes(1) : retryMax;
            spillMaxRecords = spillMaxRecords == null ? 10_000 : spillMaxRecords;
            spillMaxBytes = spillMaxBytes == null ? 16L * 1024 * 1024 : spillMaxBytes;
            spillRetry = spillRetry == null ? Duration.ofSeconds(5) : spillRetry;
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpointEvery must be at least 1");
            }
            if (spillMaxRecords < 1 || spillMaxBytes < 1024 || spillRetry.isNegative() || spillRetry.isZero()) {
                throw new IllegalArgumentException(
                        "spillMaxRecords must be at least 1, spillMaxBytes at least 1024" + " and spillRetry positive");
            }
            if (checkpointInterval.isNegative()
                    || checkpointInterval.isZero()
                    || retryInitial.isNegative()
                    || retryInitial.isZero()
                    || retryMax.compareTo(retryInitial) < 0) {
                throw new IllegalArgumentException("durations must be positive and retryMax at least retryInitial");
            }
            this.checkpointEvery = checkpointEvery;
            this.checkpointInterval = checkpointInterval;
            this.retryInitial = retryInitial;
            this.retryMax = retryMax;
            this.spillMaxRecords = spillMaxRecords;
            this.spillMaxBytes = spillMaxBytes;
            this.spillRetry = spillRetry;
        }
    }

    /**
     * Resource limits of both listeners (appliance and engineer), so that they hold under attack.
     *
     * @param halfOpenPerSource connections from one address whose TLS handshake has not finished, per listener;
     *     more are closed at accept, default 64
     * @param halfOpenPerListener connections whose TLS handshake has not finished, per listener; more are closed at
     *     accept, default 2048
     * @param maxConcurrentStreams HTTP/2 streams one engineer connection may have open at once
     *     (SETTINGS_MAX_CONCURRENT_STREAMS; more are refused), default 100
     * @param maxStreamsPerEngineer streams one engineer (or API client) may have open across all their connections;
     *     more are answered 429 and audited ({@code stream.refused}), default 200
     * @param maxResetFrames RST_STREAM frames a peer may send within {@code resetWindow} on either listener; more
     *     close the connection with GOAWAY ENHANCE_YOUR_CALM (HTTP/2 rapid reset), default 100
     * @param resetWindow the window of {@code maxResetFrames}, whole seconds, default PT10S
     * @param blocking the temporary block of a source address after repeated failures
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(
            Integer halfOpenPerSource,
            Integer halfOpenPerListener,
            Integer maxConcurrentStreams,
            Integer maxStreamsPerEngineer,
            Integer maxResetFrames,
            Duration resetWindow,
            Blocking blocking) {
        public static final Limits DEFAULT = new Limits(null, null, null, null, null, null, null);

        public Limits(
                @Nullable Integer halfOpenPerSource,
                @Nullable Integer halfOpenPerListener,
                @Nullable Integer maxConcurrentStreams,
                @Nullable Integer maxStreamsPerEngineer,
                @Nullable Integer maxResetFrames,
                @Nullable Duration resetWindow,
                @Nullable Blocking blocking) {
            halfOpenPerSource = positive("halfOpenPerSource", halfOpenPerSource, 64);
            halfOpenPerListener = positive("halfOpenPerListener", halfOpenPerListener, 2048);
            maxConcurrentStreams = positive("maxConcurrentStreams", maxConcurrentStreams, 100);
            maxStreamsPerEngineer = positive("maxStreamsPerEngineer", maxStreamsPerEngineer, 200);
            maxResetFrames = positive("maxResetFrames", maxResetFrames, 100);
            resetWindow = resetWindow == null ? Duration.ofSeconds(10) : resetWindow;
            if (resetWindow.toSeconds() < 1) {
                throw new IllegalArgumentException("resetWindow must be at least PT1S");
            }
            blocking = blocking == null ? Blocking.DEFAULT : blocking;
            this.halfOpenPerSource = halfOpenPerSource;
            this.halfOpenPerListener = halfOpenPerListener;
            this.maxConcurrentStreams = maxConcurrentStreams;
            this.maxStreamsPerEngineer = maxStreamsPerEngineer;
            this.maxResetFrames = maxResetFrames;
            this.resetWindow = resetWindow;
            this.blocking = blocking;
        }

        /** The caps on connections whose handshake has not finished, as the listeners take them. */
        public dev.secureconnect.server.listener.HalfOpenLimits halfOpen() {
            return new dev.secureconnect.server.listener.HalfOpenLimits(halfOpenPerSource, halfOpenPerListener);
        }

        /** The RST_STREAM limit, as the HTTP/2 codecs take it. */
        public dev.secureconnect.tunnel.link.Http2Connections.ResetLimit resets() {
            return new dev.secureconnect.tunnel.link.Http2Connections.ResetLimit(maxResetFrames, resetWindow);
        }

        private static int positive(String name, @Nullable Integer value, int fallback) {
            int result = value == null ? fallback : value;
            if (result < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, not " + result);
            }
            return result;
        }
    }

    /**
     * The temporary block of a source address after repeated handshake failures, refused access tokens or wrong TOTP
     * codes: its connections are closed at accept, before TLS, on both listeners.
     *
     * @param failures failures within {@code window} that block a source, default 10; 0 turns blocking off
     * @param window how far back failures count, default PT5M
     * @param duration how long a block lasts, default PT15M
     * @param exempt addresses and CIDR ranges never blocked (e.g. a load balancer's health checks), default none:
     *     loopback is not exempt unless listed
     * @param maxSources source addresses whose failures are counted at once, default 10,000: past it the one that
     *     failed least recently is forgotten, so that failures sprayed from many addresses cannot grow memory
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Blocking(
            Integer failures, Duration window, Duration duration, List<String> exempt, Integer maxSources) {
        public static final Blocking DEFAULT = new Blocking(null, null, null, null, null);

        public Blocking(
                @Nullable Integer failures,
                @Nullable Duration window,
                @Nullable Duration duration,
                @Nullable List<String> exempt,
                @Nullable Integer maxSources) {
            failures = failures == null ? 10 : failures;
            if (failures < 0) {
                throw new IllegalArgumentException("failures must be 0 (off) or more, not " + failures);
            }
            window = window == null ? Duration.ofMinutes(5) : window;
            duration = duration == null ? Duration.ofMinutes(15) : duration;
            if (window.isNegative() || window.isZero() || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("window and duration must be positive");
            }
            exempt = exempt == null ? List.of() : List.copyOf(exempt);
            new AddressRanges(exempt); // each entry a literal address or range, checked at start
            maxSources = maxSources == null ? 10_000 : maxSources;
            if (maxSources < 1) {
                throw new IllegalArgumentException("maxSources must be at least 1, not " + maxSources);
            }
            this.failures = failures;
            this.window = window;
            this.duration = duration;
            this.exempt = exempt;
            this.maxSources = maxSources;
        }

        /** {@link #exempt()} as ranges to match addresses against. */
        public AddressRanges exemptRanges() {
            return new AddressRanges(exempt);
        }
    }

    /**
     * E-mail notifications to the appliances' contacts (session start and end, with the session report). Off while
     * {@code host} is empty.
     *
     * @param security {@code starttls} (default: required, not opportunistic), {@code smtps} or {@code none}
     * @param passwordFile a file holding the SMTP password (mode 0600), relative to the server directory
     * @param ca a CA file to trust for the SMTP server's certificate; default: the JDK's trust store
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mail(
            String host,
            Integer port,
            String security,
            @Nullable String user,
            @Nullable String passwordFile,
            @Nullable String from,
            @Nullable String ca,
            Duration timeout) {
        static final Mail DEFAULT = new Mail(null, null, null, null, null, null, null, null);

        public Mail(
                @Nullable String host,
                @Nullable Integer port,
                @Nullable String security,
                @Nullable String user,
                @Nullable String passwordFile,
                @Nullable String from,
                @Nullable String ca,
                @Nullable Duration timeout) {
            host = host == null ? "" : host.trim();
            security = security == null ? "starttls" : security.trim().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("starttls", "smtps", "none").contains(security)) {
                throw new IllegalArgumentException("security '" + security + "' is not one of starttls, smtps, none");
            }
            port = port == null ? ("smtps".equals(security) ? 465 : 587) : port;
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
            if (!host.isEmpty() && (from == null || from.isBlank())) {
                throw new IllegalArgumentException("'from' is required when 'host' is set (the sender address)");
            }
            this.host = host;
            this.port = port;
            this.security = security;
            this.user = user;
            this.passwordFile = passwordFile;
            this.from = from;
            this.ca = ca;
            this.timeout = timeout;
        }

        public boolean enabled() {
            return !host.isEmpty();
        }
    }

    /**
     * Call Home intake: the diagnostic bundles appliances send on the appliance listener, and the mail about the cases
     * its alert rules open.
     *
     * @param maxBundleBytes the largest compressed bundle accepted, default 8 MiB (8388608)
     * @param retention how long a bundle is kept (row and file), default P90D
     * @param heartbeatInterval how often appliances send (their {@code callHome.interval}), default PT6H
     * @param heartbeatSlack added to two intervals before {@code callhome.missed} is raised, default PT1H
     * @param supportQueue the support team's address, mailed about each case from {@code supportQueueFrom}; default
     *     empty: none
     * @param supportQueueFrom the lowest case severity mailed to the support queue, default {@code low} (every case)
     * @param contactsFrom the lowest case severity mailed to the appliance's contacts, default {@code high}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallHome(
            Long maxBundleBytes,
            Duration retention,
            Duration heartbeatInterval,
            Duration heartbeatSlack,
            String supportQueue,
            CaseSeverity supportQueueFrom,
            CaseSeverity contactsFrom) {
        public static final CallHome DEFAULT = new CallHome(null, null, null, null);

        /** The default mail settings for cases. */
        public CallHome(
                @Nullable Long maxBundleBytes,
                @Nullable Duration retention,
                @Nullable Duration heartbeatInterval,
                @Nullable Duration heartbeatSlack) {
            this(maxBundleBytes, retention, heartbeatInterval, heartbeatSlack, null, null, null);
        }

        @JsonCreator
        public CallHome(
                @Nullable Long maxBundleBytes,
                @Nullable Duration retention,
                @Nullable Duration heartbeatInterval,
                @Nullable Duration heartbeatSlack,
                @Nullable String supportQueue,
                @Nullable CaseSeverity supportQueueFrom,
                @Nullable CaseSeverity contactsFrom) {
            maxBundleBytes = maxBundleBytes == null ? 8L << 20 : maxBundleBytes;
            if (maxBundleBytes < 4096 || maxBundleBytes > Integer.MAX_VALUE / 16) {
                throw new IllegalArgumentException("callHome.maxBundleBytes: " + maxBundleBytes + " (expected: 4096-"
                        + Integer.MAX_VALUE / 16 + ")");
            }
            retention = retention == null ? Duration.ofDays(90) : retention;
            heartbeatInterval = heartbeatInterval == null ? Duration.ofHours(6) : heartbeatInterval;
            heartbeatSlack = heartbeatSlack == null ? Duration.ofHours(1) : heartbeatSlack;
            if (retention.toSeconds() < 1 || heartbeatInterval.toSeconds() < 1 || heartbeatSlack.isNegative()) {
                throw new IllegalArgumentException("callHome: retention and heartbeatInterval must be at least PT1S,"
                        + " heartbeatSlack at least PT0S");
            }
            supportQueue = supportQueue == null ? "" : supportQueue.strip();
            if (!supportQueue.isEmpty() && !supportQueue.matches("[^@\\s]+@[^@\\s]+")) {
                throw new IllegalArgumentException(
                        "callHome.supportQueue '" + supportQueue + "' is not an e-mail address");
            }
            this.maxBundleBytes = maxBundleBytes;
            this.retention = retention;
            this.heartbeatInterval = heartbeatInterval;
            this.heartbeatSlack = heartbeatSlack;
            this.supportQueue = supportQueue;
            this.supportQueueFrom = supportQueueFrom == null ? CaseSeverity.LOW : supportQueueFrom;
            this.contactsFrom = contactsFrom == null ? CaseSeverity.HIGH : contactsFrom;
        }

        /** How long after its last bundle an appliance counts as missed: two intervals and the slack. */
        public Duration missedAfter() {
            return heartbeatInterval.multipliedBy(2).plus(heartbeatSlack);
        }
    }

    /**
     * Session reports.
     *
     * @param templates a folder whose {@code session.txt.hbs} / {@code session.html.hbs} replace the shipped
     *     templates; empty: the shipped ones
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reports(String templates) {
        static final Reports DEFAULT = new Reports(null);

        public Reports(@Nullable String templates) {
            templates = templates == null ? "" : templates.trim();
            this.templates = templates;
        }

        /** The folder overriding the shipped templates, resolved against the server directory, if one is named. */
        public java.util.Optional<java.nio.file.Path> folder(java.nio.file.Path serverDir) {
            return templates.isEmpty()
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(serverDir.resolve(templates).normalize());
        }
    }

    /**
     * A listening address.
     *
     * @param host the address to bind, default {@code 0.0.0.0} (all interfaces)
     * @param port the TCP port; 0 picks a free one (written to {@code run/listeners.json})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listener(String host, Integer port) {
        static final Listener DEFAULT_APPLIANCE = new Listener("0.0.0.0", 8443);
        static final Listener DEFAULT_ENGINEER = new Listener("0.0.0.0", 8444);

        public Listener(@Nullable String host, @Nullable Integer port) {
            host = host == null || host.isBlank() ? "0.0.0.0" : host;
            port = port == null ? 8443 : port;
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not valid: expected 0 to 65535");
            }
            this.host = host;
            this.port = port;
        }

        /** Parses {@code HOST:PORT} (an IPv6 host in brackets). */
        public static Listener parse(String text) {
            String value = text.trim();
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (e.g. 0.0.0.0:8443)");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new Listener(host, Integer.parseInt(value.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid port (e.g. 0.0.0.0:8443)", e);
            }
        }
    }

    /**
     * Enrolment of appliances by one-time code ({@code sc-appliance enrol}): a listener of its own, server-auth TLS
     * only (an appliance has no certificate yet), running only while the server holds an enrolment CA.
     *
     * @param enabled whether the enrolment listener runs when the server holds an enrolment CA, default true
     * @param listener its address, default {@code 0.0.0.0:8445}; port 0 picks a free one
     * @param validity how long the certificates it signs are valid, default P397D (as {@code sc-pki issue appliance})
     * @param halfOpenPerSource connections from one address whose TLS handshake has not finished; more are closed at
     *     accept, default 64 (as {@code limits.halfOpenPerSource})
     * @param halfOpenPerListener connections whose TLS handshake has not finished; more are closed at accept, default
     *     2048 (as {@code limits.halfOpenPerListener})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Enrolment(
            Boolean enabled,
            Listener listener,
            Duration validity,
            Integer halfOpenPerSource,
            Integer halfOpenPerListener) {
        static final Enrolment DEFAULT = new Enrolment(null, null, null);

        public Enrolment(
                @Nullable Boolean enabled,
                @Nullable Listener listener,
                @Nullable Duration validity,
                @Nullable Integer halfOpenPerSource,
                @Nullable Integer halfOpenPerListener) {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            listener = listener == null ? new Listener("0.0.0.0", 8445) : listener;
            validity = validity == null ? Duration.ofDays(397) : validity;
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("enrolment.validity: " + validity + " (expected: > 0)");
            }
            halfOpenPerSource = Limits.positive("enrolment.halfOpenPerSource", halfOpenPerSource, 64);
            halfOpenPerListener = Limits.positive("enrolment.halfOpenPerListener", halfOpenPerListener, 2048);
            this.enabled = enabled;
            this.listener = listener;
            this.validity = validity;
            this.halfOpenPerSource = halfOpenPerSource;
            this.halfOpenPerListener = halfOpenPerListener;
        }

        /** The default half-open caps. */
        public Enrolment(@Nullable Boolean enabled, @Nullable Listener listener, @Nullable Duration validity) {
            this(enabled, listener, validity, null, null);
        }

        /** The caps on connections whose handshake has not finished, as the enrolment listener takes them. */
        public dev.secureconnect.server.listener.HalfOpenLimits halfOpen() {
            return new dev.secureconnect.server.listener.HalfOpenLimits(halfOpenPerSource, halfOpenPerListener);
        }
    }

    /**
     * The Prometheus metrics listener (docs/metrics.md): plain HTTP, {@code GET /metrics}.
     *
     * @param enabled whether it runs, default true
     * @param listener its address, default {@code 127.0.0.1:9464}; port 0 picks a free one (see {@code
     *     run/listeners.json})
     * @param allowRemote whether {@code listener} may be an address other than loopback, default false: the metrics
     *     are unauthenticated plain HTTP, so such an address belongs behind TLS or a firewall
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metrics(Boolean enabled, Listener listener, Boolean allowRemote) {
        public static final Metrics DEFAULT = new Metrics(null, null, null);

        public Metrics(@Nullable Boolean enabled, @Nullable Listener listener, @Nullable Boolean allowRemote) {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            listener = listener == null ? new Listener("127.0.0.1", 9464) : listener;
            allowRemote = allowRemote == null ? Boolean.FALSE : allowRemote;
            if (enabled && !allowRemote && !loopback(listener.host())) {
                throw new IllegalArgumentException("metrics.listener.host: " + listener.host()
                        + " is not a loopback address; the metrics are plain, unauthenticated HTTP: keep 127.0.0.1,"
                        + " or set metrics.allowRemote: true and put the listener behind TLS or a firewall");
            }
            this.enabled = enabled;
            this.listener = listener;
            this.allowRemote = allowRemote;
        }

        /** Whether {@code host} is {@code localhost} or a literal loopback address (a name is never looked up). */
        static boolean loopback(String host) {
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            try {
                return AddressRanges.literal(host).isLoopbackAddress();
            } catch (IllegalArgumentException e) {
                return false; // a name other than localhost: it could resolve anywhere
            }
        }
    }

    /**
     * The server's certificate and what it trusts.
     *
     * @param crl the issuing CA's CRL; re-read whenever it changes on disk, so point it where new CRLs are
     *     published
     * @param handshakeTimeout how long a TLS handshake may take
     * @param provider the TLS implementation of the listeners: {@code auto} (default: BoringSSL on the appliance
     *     listener when it loads, the JDK on the engineer listener), {@code openssl} (BoringSSL) or {@code jdk}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tls(
            String certificate,
            String key,
            String chain,
            String ca,
            String crl,
            Duration handshakeTimeout,
            String provider) {
        static final Tls DEFAULT = new Tls(null, null, null, null, null, null, null);

        public Tls(
                @Nullable String certificate,
                @Nullable String key,
                @Nullable String chain,
                @Nullable String ca,
                @Nullable String crl,
                @Nullable Duration handshakeTimeout,
                @Nullable String provider) {
            provider = provider == null
                    ? TlsProvider.AUTO.label()
                    : TlsProvider.parse("tls.provider", provider).label();
            certificate = certificate == null ? "tls/cert.pem" : certificate;
            key = key == null ? "tls/key.pem" : key;
            chain = chain == null ? "tls/chain.pem" : chain;
            ca = ca == null ? "tls/ca.pem" : ca;
            crl = crl == null ? "tls/crl.pem" : crl;
            handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
            this.certificate = certificate;
            this.key = key;
            this.chain = chain;
            this.ca = ca;
            this.crl = crl;
            this.handshakeTimeout = handshakeTimeout;
            this.provider = provider;
        }

        /** {@link #provider()} as the TLS factories take it, for the appliance listener. */
        public TlsProvider tlsProvider() {
            return TlsProvider.parse("tls.provider", provider);
        }

        /**
         * The provider of the engineer listener: {@code auto} means the JDK there, whose TLS 1.3 keeps to AES-256-GCM
         * whatever the client lists first, so third-party API clients that prefer AES-128-GCM (Go's crypto/tls) are
         * not refused; its few connections do not need BoringSSL's handshake rate or smaller per-connection heap.
         */
        public TlsProvider engineerListenerProvider() {
            TlsProvider configured = tlsProvider();
            return configured == TlsProvider.AUTO ? TlsProvider.JDK : configured;
        }
    }

    /**
     * Where tickets, appliances and the audit log are kept.
     *
     * @param url a JDBC URL; empty means the SQLite file {@code DIR/server.db}; {@code jdbc:postgresql://…} for
     *     PostgreSQL
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Database(
            String url,
            @Nullable String user,
            @Nullable String password,
            Integer maximumPoolSize,
            Duration lockTimeout) {
        static final Database DEFAULT = new Database(null, null, null, null, null);

        public Database(
                @Nullable String url,
                @Nullable String user,
                @Nullable String password,
                @Nullable Integer maximumPoolSize,
                @Nullable Duration lockTimeout) {
            url = url == null ? "" : url.trim();
            maximumPoolSize = maximumPoolSize == null ? 8 : maximumPoolSize;
            lockTimeout = lockTimeout == null ? Duration.ofSeconds(15) : lockTimeout;
            this.url = url;
            this.user = user;
            this.password = password;
            this.maximumPoolSize = maximumPoolSize;
            this.lockTimeout = lockTimeout;
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "(hidden)")
                    + ", maximumPoolSize=" + maximumPoolSize + ", lockTimeout=" + lockTimeout + "]";
        }
    }

    /**
     * The appliance links.
     *
     * @param streamWindowBytes HTTP/2 flow-control window per stream
     * @param maxConcurrentStreams streams one link may carry at once
     * @param keepAliveInterval PING interval on a quiet link
     * @param deadLinkTimeout silence after which a link is closed as dead
     * @param streamOpenTimeout how long the appliance has to answer a new stream
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Link(
            Integer streamWindowBytes,
            Integer maxConcurrentStreams,
            Duration keepAliveInterval,
            Duration deadLinkTimeout,
            Duration streamOpenTimeout) {
        static final Link DEFAULT = new Link(null, null, null, null, null);

        public Link(
                @Nullable Integer streamWindowBytes,
                @Nullable Integer maxConcurrentStreams,
                @Nullable Duration keepAliveInterval,
                @Nullable Duration deadLinkTimeout,
                @Nullable Duration streamOpenTimeout) {
            streamWindowBytes = streamWindowBytes == null ? 1 << 20 : streamWindowBytes;
            maxConcurrentStreams = maxConcurrentStreams == null ? 256 : maxConcurrentStreams;
            keepAliveInterval = keepAliveInterval == null ? Duration.ofSeconds(20) : keepAliveInterval;
            deadLinkTimeout = deadLinkTimeout == null ? Duration.ofSeconds(60) : deadLinkTimeout;
            streamOpenTimeout = streamOpenTimeout == null ? Duration.ofSeconds(15) : streamOpenTimeout;
            this.streamWindowBytes = streamWindowBytes;
            this.maxConcurrentStreams = maxConcurrentStreams;
            this.keepAliveInterval = keepAliveInterval;
            this.deadLinkTimeout = deadLinkTimeout;
            this.streamOpenTimeout = streamOpenTimeout;
        }
    }

    /**
     * What a node of a cluster (several nodes on one PostgreSQL database) needs beyond its {@code node} name, which
     * must be unique among the live nodes.
     *
     * @param leaseDuration how long a node counts as alive after its last heartbeat, and how long its link leases last
     *     unless renewed; the node renews both every third of it. Default PT15S, at least PT3S
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cluster(Duration leaseDuration) {
        static final Cluster DEFAULT = new Cluster(null);

        public Cluster(@Nullable Duration leaseDuration) {
            leaseDuration = leaseDuration == null ? Duration.ofSeconds(15) : leaseDuration;
            if (leaseDuration.compareTo(Duration.ofSeconds(3)) < 0) {
                throw new IllegalArgumentException("cluster.leaseDuration: " + leaseDuration + " (expected: >= PT3S)");
            }
            this.leaseDuration = leaseDuration;
        }

        /** How often the node writes its heartbeat and renews its leases: a third of the lease. */
        public Duration heartbeatInterval() {
            return leaseDuration.dividedBy(3);
        }
    }
}
