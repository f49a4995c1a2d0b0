package dev.secureconnect.appliance.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.link.ServiceEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code DIR/appliance.json}: what the appliance admin configures. Every key but {@code server} has a default and may
 * be left out; an unknown key or a value of the wrong type is an error naming it.
 *
 * <pre>{@code
 * {
 *   "server"    : "support.example.com:8443",          // HOST:PORT the appliance dials; the certificate must name HOST
 *   "keepAlive" : { "interval": "20s",                  // HTTP/2 PING when the link is quiet this long
 *                   "deadAfter": "60s" },               // nothing from the server this long: the link is dead
 *   "backoff"   : { "min": "1s", "max": "60s" },        // reconnect delay: min doubling to max, full jitter
 *   "timeouts"  : { "connect": "10s",                   // TCP connect to the server
 *                   "handshake": "10s",                 // TLS handshake
 *                   "admission": "30s",                 // link up until the server's verdict on the tickets
 *                   "service": "5s" },                  // connect to a local service for a session stream
 *   "streams"   : { "windowBytes": 1048576,             // HTTP/2 flow-control window per stream
 *                   "maxConcurrent": 256 },             // most session streams at once on the link
 *   "services"  : [ { "name": "ssh", "port": 22 } ],    // loopback services streams may reach; default none
 *   "files"     : { "certificate": "tls/cert.pem",      // paths relative to DIR (or absolute)
 *                   "key": "tls/key.pem", "chain": "tls/chain.pem", "ca": "tls/ca.pem" },
 *   "tls"       : { "provider": "auto" },               // auto (default) | openssl (BoringSSL) | jdk
 *   "audit"     : { "checkpointEvery": 1000,            // sign the audit log's head after this many records
 *                   "checkpointInterval": "1m",         // or when an unsigned record is older than this
 *                   "spillMaxRecords": 10000,           // records held while audit.log cannot be written, at most
 *                   "spillMaxBytes": 16777216 },        // (or bytes) before every session is closed
 *   "console"   : { "enabled": true,                    // the admin's web console (docs/console.md)
 *                   "bind": "127.0.0.1", "port": 8765,  // a LAN address needs certificate and key
 *                   "certificate": null, "key": null,   // PEM files; none: a self-signed one in DIR/console/
 *                   "idleTimeout": "15m",               // a signed-in admin idle this long signs in again
 *                   "lockoutAfter": 5,                  // failed sign-ins in a row before a name is locked
 *                   "lockoutFor": "15m" },              // for this long
 *   "callHome"  : { "interval": "6h", … },              // the diagnostic bundle: see CallHomeConfig
 *   "renewal"   : { "when": 0.33 }                      // renew the certificate when this part of its life is left
 * }
 * }</pre>
 */
@JsonPropertyOrder({
    "server",
    "keepAlive",
    "backoff",
    "timeouts",
    "streams",
    "services",
    "files",
    "tls",
    "audit",
    "console",
    "callHome",
    "renewal"
})
public record ApplianceConfig(
        ServerAddress server,
        KeepAlive keepAlive,
        Backoff backoff,
        Timeouts timeouts,
        Streams streams,
        List<ServiceEntry> services,
        Files files,
        Tls tls,
        Audit audit,
        Console console,
        CallHomeConfig callHome,
        Renewal renewal) {

    /** The most services an appliance allow-lists. */
    public static final int MAX_SERVICES = 64;

    public ApplianceConfig {
        if (server == null) {
            throw new ApplianceException("server is missing: expected HOST:PORT, e.g. support.example.com:8443");
        }
        keepAlive = keepAlive == null ? KeepAlive.DEFAULT : keepAlive;
        backoff = backoff == null ? Backoff.DEFAULT : backoff;
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
        streams = streams == null ? Streams.DEFAULT : streams;
        services = services == null ? List.of() : List.copyOf(services);
        files = files == null ? Files.DEFAULT : files;
        tls = tls == null ? Tls.DEFAULT : tls;
        audit = audit == null ? Audit.DEFAULT : audit;
        console = console == null ? Console.DEFAULT : console;
        callHome = callHome == null ? CallHomeConfig.DEFAULT : callHome;
        renewal = renewal == null ? Renewal.DEFAULT : renewal;
        requireDistinct(services);
        linkSettings(keepAlive, streams); // validates the combination
    }

    /** A configuration with the default {@link Renewal} settings. */
    public ApplianceConfig(
            ServerAddress server,
            KeepAlive keepAlive,
            Backoff backoff,
            Timeouts timeouts,
            Streams streams,
            List<ServiceEntry> services,
            Files files,
            Tls tls,
            Audit audit,
            Console console,
            CallHomeConfig callHome) {
        this(
                server,
                keepAlive,
                backoff,
                timeouts,
                streams,
                services,
                files,
                tls,
                audit,
                console,
                callHome,
                Renewal.DEFAULT);
    }

    /** A configuration with the default {@link Console} and {@link CallHomeConfig} settings. */
    public ApplianceConfig(
            ServerAddress server,
            KeepAlive keepAlive,
            Backoff backoff,
            Timeouts timeouts,
            Streams streams,
            List<ServiceEntry> services,
            Files files,
            Tls tls,
            Audit audit) {
        this(
                server,
                keepAlive,
                backoff,
                timeouts,
                streams,
                services,
                files,
                tls,
                audit,
                Console.DEFAULT,
                CallHomeConfig.DEFAULT);
    }

    /** A configuration with the default {@link Audit} settings. */
    public ApplianceConfig(
            ServerAddress server,
            KeepAlive keepAlive,
            Backoff backoff,
            Timeouts timeouts,
            Streams streams,
            List<ServiceEntry> services,
            Files files,
            Tls tls) {
        this(server, keepAlive, backoff, timeouts, streams, services, files, tls, Audit.DEFAULT);
    }

    /** A fresh configuration: defaults everywhere, no services. */
    @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
    public static ApplianceConfig defaults(ServerAddress server) {
        return new ApplianceConfig(server, null, null, null, null, null, null, null, null, null, null, null);
    }

    public ApplianceConfig withServices(List<ServiceEntry> newServices) {
        return new ApplianceConfig(
                server,
                keepAlive,
                backoff,
                timeouts,
                streams,
                newServices,
                files,
                tls,
                audit,
                console,
                callHome,
                renewal);
    }

    public ApplianceConfig withConsole(Console newConsole) {
        return new ApplianceConfig(
                server,
                keepAlive,
                backoff,
                timeouts,
                streams,
                services,
                files,
                tls,
                audit,
                newConsole,
                callHome,
                renewal);
    }

    public ApplianceConfig withFiles(Files newFiles) {
        return new ApplianceConfig(
                server, keepAlive, backoff, timeouts, streams, services, newFiles, tls, audit, console, callHome,
                renewal);
    }

    /** The service allowed on {@code port}, or null. */
    public @Nullable ServiceEntry serviceOnPort(int port) {
        return services.stream().filter(s -> s.port() == port).findFirst().orElse(null);
    }

    public LinkSettings linkSettings() {
        return linkSettings(keepAlive, streams);
    }

    private static LinkSettings linkSettings(KeepAlive keepAlive, Streams streams) {
        try {
            return new LinkSettings(
                    streams.windowBytes(), streams.maxConcurrent(), keepAlive.interval(), keepAlive.deadAfter());
        } catch (IllegalArgumentException e) {
            throw new ApplianceException(
                    String.valueOf(e.getMessage())
                            .replace("streamWindowBytes", "streams.windowBytes")
                            .replace("maxConcurrentStreams", "streams.maxConcurrent")
                            .replace("deadLinkTimeout", "keepAlive.deadAfter")
                            .replace("keepAliveInterval", "keepAlive.interval"),
                    e);
        }
    }

    private static void requireDistinct(List<ServiceEntry> services) {
        if (services.size() > MAX_SERVICES) {
            throw new ApplianceException(
                    "services: " + services.size() + " entries (expected: at most " + MAX_SERVICES + ")");
        }
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (ServiceEntry service : services) {
            Objects.requireNonNull(service, "service");
            if (!names.add(service.name())) {
                throw new ApplianceException("services: the name '" + service.name() + "' appears twice");
            }
            if (!ports.add(service.port())) {
                throw new ApplianceException("services: port " + service.port() + " appears twice");
            }
        }
    }

    /** HTTP/2 PING keep-alive and dead-link detection. */
    public record KeepAlive(Duration interval, Duration deadAfter) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final KeepAlive DEFAULT = new KeepAlive(null, null);

        public KeepAlive {
            interval = positive(interval == null ? Duration.ofSeconds(20) : interval, "keepAlive.interval");
            deadAfter = positive(deadAfter == null ? Duration.ofSeconds(60) : deadAfter, "keepAlive.deadAfter");
            if (deadAfter.compareTo(interval) <= 0) {
                throw new ApplianceException("keepAlive.deadAfter: " + Durations.format(deadAfter)
                        + " (expected: > keepAlive.interval " + Durations.format(interval) + ")");
            }
        }
    }

    /** Reconnect delays: the n-th failure in a row waits a random time up to min·2^(n-1), at most max. */
    public record Backoff(Duration min, Duration max) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Backoff DEFAULT = new Backoff(null, null);

        public Backoff {
            min = positive(min == null ? Duration.ofSeconds(1) : min, "backoff.min");
            max = positive(max == null ? Duration.ofSeconds(60) : max, "backoff.max");
            if (max.compareTo(min) < 0) {
                throw new ApplianceException("backoff.max: " + Durations.format(max) + " (expected: >= backoff.min "
                        + Durations.format(min) + ")");
            }
        }
    }

    /** How long each step may take. */
    public record Timeouts(Duration connect, Duration handshake, Duration admission, Duration service) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Timeouts DEFAULT = new Timeouts(null, null, null, null);

        public Timeouts {
            connect = bounded(connect == null ? Duration.ofSeconds(10) : connect, "timeouts.connect");
            handshake = bounded(handshake == null ? Duration.ofSeconds(10) : handshake, "timeouts.handshake");
            admission = bounded(admission == null ? Duration.ofSeconds(30) : admission, "timeouts.admission");
            service = bounded(service == null ? Duration.ofSeconds(5) : service, "timeouts.service");
        }

        private static Duration bounded(Duration value, String name) {
            positive(value, name);
            if (value.compareTo(Duration.ofMinutes(1)) > 0 && !name.equals("timeouts.admission")) {
                throw new ApplianceException(name + ": " + Durations.format(value) + " (expected: at most 1m)");
            }
            return value;
        }
    }

    /** HTTP/2 stream limits of the link. */
    public record Streams(Integer windowBytes, Integer maxConcurrent) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Streams DEFAULT = new Streams(null, null);

        public Streams {
            windowBytes = windowBytes == null ? LinkSettings.DEFAULT.streamWindowBytes() : windowBytes;
            maxConcurrent = maxConcurrent == null ? LinkSettings.DEFAULT.maxConcurrentStreams() : maxConcurrent;
        }
    }

    /**
     * The audit log's signed checkpoints (see {@code AuditCheckpoints}) and its spill file (see {@code AuditSpill}).
     *
     * @param checkpointEvery sign the log's head after this many records, default 1000
     * @param checkpointInterval or when a record is unsigned and the last checkpoint older than this, default 1m
     * @param spillMaxRecords the most records held in {@code run/audit-spill.jsonl} while {@code audit.log} cannot be
     *     written before every session is closed, default 10000
     * @param spillMaxBytes … or the most bytes, default 16 MiB
     */
    public record Audit(
            Long checkpointEvery, Duration checkpointInterval, Integer spillMaxRecords, Long spillMaxBytes) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Audit DEFAULT = new Audit(null, null, null, null);

        /** The spill file's bound at its defaults. */
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public Audit(Long checkpointEvery, Duration checkpointInterval) {
            this(checkpointEvery, checkpointInterval, null, null);
        }

        public Audit {
            checkpointEvery = checkpointEvery == null ? 1000L : checkpointEvery;
            if (checkpointEvery < 1) {
                throw new ApplianceException("audit.checkpointEvery: " + checkpointEvery + " (expected: >= 1)");
            }
            checkpointInterval = positive(
                    checkpointInterval == null ? Duration.ofMinutes(1) : checkpointInterval,
                    "audit.checkpointInterval");
            spillMaxRecords = spillMaxRecords == null ? 10_000 : spillMaxRecords;
            if (spillMaxRecords < 1) {
                throw new ApplianceException("audit.spillMaxRecords: " + spillMaxRecords + " (expected: >= 1)");
            }
            spillMaxBytes = spillMaxBytes == null ? 16L * 1024 * 1024 : spillMaxBytes;
            if (spillMaxBytes < 1024) {
                throw new ApplianceException("audit.spillMaxBytes: " + spillMaxBytes + " (expected: >= 1024)");
            }
        }
    }

    /** The TLS files, relative to the appliance directory unless absolute. */
    public record Files(String certificate, String key, String chain, String ca) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Files DEFAULT = new Files(null, null, null, null);

        public Files {
            certificate = nonEmpty(certificate, "tls/cert.pem");
            key = nonEmpty(key, "tls/key.pem");
            chain = nonEmpty(chain, "tls/chain.pem");
            ca = nonEmpty(ca, "tls/ca.pem");
        }

        private static String nonEmpty(String value, String fallback) {
            return value == null || value.isBlank() ? fallback : value;
        }
    }

    /**
     * How the appliance runs TLS.
     *
     * @param provider {@code auto} (default: the JDK's TLS on this side of the link, see docs/appliance.md),
     *     {@code openssl} (BoringSSL through netty-tcnative) or {@code jdk}
     */
    public record Tls(String provider) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Tls DEFAULT = new Tls(null);

        public Tls {
            try {
                provider = provider == null
                        ? TlsProvider.AUTO.label()
                        : TlsProvider.parse("tls.provider", provider).label();
            } catch (IllegalArgumentException e) {
                throw new ApplianceException(e.getMessage());
            }
        }

        /** {@link #provider()} as the TLS factories take it. */
        public TlsProvider tlsProvider() {
            return TlsProvider.parse("tls.provider", provider);
        }
    }

    /**
     * The appliance admin's web console (see {@code docs/console.md}).
     *
     * @param enabled serve it, default true
     * @param bind the address it listens on, default {@code 127.0.0.1}; an address other than loopback needs
     *     {@code certificate} and {@code key}
     * @param port default 8765 (0: any free port, written to {@code run/console.url})
     * @param certificate the console's certificate chain (PEM), relative to the appliance directory unless absolute;
     *     null: a self-signed one made at first start in {@code console/}
     * @param key its private key (PEM)
     * @param idleTimeout a signed-in admin who does nothing this long must sign in again, default 15m
     * @param lockoutAfter failed sign-ins in a row before the name is locked, default 5
     * @param lockoutFor how long it stays locked, default 15m
     */
    public record Console(
            Boolean enabled,
            String bind,
            Integer port,
            @Nullable String certificate,
            @Nullable String key,
            Duration idleTimeout,
            Integer lockoutAfter,
            Duration lockoutFor) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Console DEFAULT = new Console(null, null, null, null, null, null, null, null);

        public Console {
            enabled = enabled == null || enabled;
            bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind.strip();
            if (io.netty.util.NetUtil.createByteArrayFromIpAddressString(bind) == null) {
                throw new ApplianceException("console.bind: " + dev.secureconnect.crypto.text.OneLine.quoted(bind)
                        + " (expected: an IP address such as 127.0.0.1)");
            }
            port = port == null ? 8765 : port;
            if (port < 0 || port > 65535) {
                throw new ApplianceException("console.port: " + port + " (expected: 0 to 65535)");
            }
            if ((certificate == null) != (key == null)) {
                throw new ApplianceException("console: certificate and key go together (expected: both or neither)");
            }
            if (enabled && certificate == null && !loopback(bind)) {
                throw new ApplianceException("console.bind: " + bind + " is not a loopback address: a console on the"
                        + " network needs its own certificate (set console.certificate and console.key), or bind"
                        + " 127.0.0.1");
            }
            idleTimeout = positive(idleTimeout == null ? Duration.ofMinutes(15) : idleTimeout, "console.idleTimeout");
            lockoutAfter = lockoutAfter == null ? 5 : lockoutAfter;
            if (lockoutAfter < 1) {
                throw new ApplianceException("console.lockoutAfter: " + lockoutAfter + " (expected: >= 1)");
            }
            lockoutFor = positive(lockoutFor == null ? Duration.ofMinutes(15) : lockoutFor, "console.lockoutFor");
        }

        /**
         * The console as {@code sc-appliance init --console} names it: {@code off}, {@code PORT} (on 127.0.0.1; 0: any
         * free port) or {@code ADDR:PORT} ({@code [::1]:PORT} for IPv6); everything else at its default.
         *
         * @throws ApplianceException naming what is wrong and what to give instead
         */
        public static Console parse(String text) {
            String given = text == null ? "" : text.strip();
            if (given.equals("off")) {
                return new Console(
                        false,
                        DEFAULT.bind,
                        DEFAULT.port,
                        null,
                        null,
                        DEFAULT.idleTimeout,
                        DEFAULT.lockoutAfter,
                        DEFAULT.lockoutFor);
            }
            int colon = given.lastIndexOf(':');
            String bind = colon < 0 ? null : given.substring(0, colon);
            String port = given.substring(colon + 1);
            if (bind != null && bind.startsWith("[") && bind.endsWith("]")) {
                bind = bind.substring(1, bind.length() - 1);
            }
            if (!port.matches("[0-9]{1,5}") || (bind != null && bind.isEmpty())) {
                throw new ApplianceException("console: " + dev.secureconnect.crypto.text.OneLine.quoted(given)
                        + " (expected: off, PORT or ADDRESS:PORT, e.g. 8765 or 127.0.0.1:8765)");
            }
            return new Console(
                    true,
                    bind == null ? DEFAULT.bind : bind,
                    Integer.parseInt(port),
                    null,
                    null,
                    DEFAULT.idleTimeout,
                    DEFAULT.lockoutAfter,
                    DEFAULT.lockoutFor);
        }

        private static boolean loopback(String address) {
            byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(address);
            if (bytes == null) {
                return false;
            }
            try {
                return java.net.InetAddress.getByAddress(bytes).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
    }

    /**
     * Automatic renewal of the appliance's certificate over the link (only a certificate the server's enrolment CA
     * signed).
     *
     * @param when renew once no more than this part of the certificate's lifetime is left, default 0.33 (a third); more
     *     than 1 renews at once (and again after each renewal: for tests)
     */
    public record Renewal(Double when) {
        @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
        public static final Renewal DEFAULT = new Renewal(null);

        public Renewal {
            when = when == null ? 0.33 : when;
            if (!(when > 0) || when.isInfinite()) {
                throw new ApplianceException(
                        "renewal.when: " + when + " (expected: a part of the lifetime above 0, e.g. 0.33)");
            }
        }
    }

    private static Duration positive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new ApplianceException(name + ": " + Durations.format(value) + " (expected: > 0)");
        }
        return value;
    }

    /** The services as {@code name:port} words, for listings. */
    public List<String> serviceLabels() {
        List<String> labels = new ArrayList<>();
        services.forEach(s -> labels.add(s.name() + ":" + s.port()));
        return labels;
    }
}
