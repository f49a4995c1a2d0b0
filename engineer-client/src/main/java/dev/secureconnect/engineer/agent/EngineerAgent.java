package dev.secureconnect.engineer.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.engineer.client.ApiException;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.client.LastingConnection;
import dev.secureconnect.engineer.client.LocalForward;
import dev.secureconnect.engineer.client.ServerAddress;
import dev.secureconnect.engineer.client.ServerConnection;
import dev.secureconnect.engineer.client.SessionRequests;
import dev.secureconnect.engineer.client.StreamCredentials;
import dev.secureconnect.engineer.client.Timeouts;
import dev.secureconnect.engineer.internal.Json;
import dev.secureconnect.engineer.state.EngineerHome;
import dev.secureconnect.engineer.state.SavedSession;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engineer agent: holds, for the login session, the engineer's identity, the opened access tokens
 * ({@link HeldTokens}) and one connection to the server (made again with back-off when it closes), and serves requests
 * ({@link AgentProtocol}) on an owner-only Unix socket: folder {@code STATE/agent} mode 0700, socket mode 0600, every
 * connection's peer checked ({@link PeerCheck}). The streams it opens are those the commands open themselves, with
 * the same token and session, so the server audits them alike.
 *
 * <p>One agent per state directory: it holds a lock on {@code STATE/agent/pid} while it runs; a second one refuses to
 * start and names the first. A socket left by an agent that died is removed before binding (the lock proves nobody
 * serves it). The agent stops on {@link #close()}, a {@code stop} request, when it has been idle for its idle
 * time-out (no request, no stream open), and when the login session expires.
 */
public final class EngineerAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineerAgent.class);

    /** The default idle time-out. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(8);

    /** How often expired tokens, the idle time-out and the session's end are checked. */
    static final Duration SWEEP = Duration.ofSeconds(1);

    /**
     * What an agent runs with.
     *
     * @param notices told of refused peers, forgotten tokens and why the agent stops (one line each)
     */
    public record Settings(
            EngineerHome home,
            SavedSession session,
            Identity identity,
            Timeouts timeouts,
            Clock clock,
            Duration idleTimeout,
            PeerCheck peers,
            Consumer<String> notices) {
        public Settings {
            requireNonNull(home, "home");
            requireNonNull(session, "session");
            requireNonNull(identity, "identity");
            requireNonNull(timeouts, "timeouts");
            requireNonNull(clock, "clock");
            requireNonNull(idleTimeout, "idleTimeout");
            requireNonNull(peers, "peers");
            requireNonNull(notices, "notices");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("the idle time-out must be positive");
            }
        }
    }

    private final Settings settings;
    private final HeldTokens tokens;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final ServerSocketChannel listener;
    private final ScheduledExecutorService sweeper;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final Set<HostedForward> forwards = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Instant lastUse;
    private volatile String stopReason = "";
    private @Nullable LastingConnection connection; // guarded by this; made by the first request

    private EngineerAgent(Settings settings, FileChannel lockFile, FileLock lock, ServerSocketChannel listener) {
        this.settings = settings;
        this.tokens = new HeldTokens(settings.clock());
        this.lockFile = lockFile;
        this.lock = lock;
        this.listener = listener;
        this.lastUse = settings.clock().instant();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "sc-engineer-agent-sweep"));
    }

    /**
     * Takes the lock, binds the socket and starts serving; does not connect to the server yet (the first request
     * does, or {@link #connectNow}).
     *
     * @throws AgentRunningException if an agent already runs for this state directory
     * @throws EngineerException if the socket cannot be made
     */
    public static EngineerAgent start(Settings settings) {
        EngineerHome home = settings.home();
        home.prepareAgent();
        FileChannel lockFile = null;
        try {
            lockFile = FileChannel.open(
                    home.agentLock(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process runs it
            }
            if (lock == null) {
                lockFile.close();
                throw new AgentRunningException(home, runningPid(home));
            }
            lockFile.truncate(0);
            lockFile.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            lockFile.force(true);
            Path socket = home.agentSocket();
            if (Files.deleteIfExists(socket)) { // we hold the lock: no agent serves it, it was left by one that died
                settings.notices().accept("removed the stale socket " + socket + " of an agent that stopped abruptly");
            }
            ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                listener.bind(UnixDomainSocketAddress.of(socket));
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
            EngineerAgent agent = new EngineerAgent(settings, lockFile, lock, listener);
            agent.serve();
            return agent;
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new EngineerException(
                    "cannot start the agent at " + home.agentSocket() + ": " + OneLine.of(e.getMessage()), e);
        }
    }

    /** The process id written by the running agent, or -1. */
    static long runningPid(EngineerHome home) {
        try {
            return Long.parseLong(Files.readString(home.agentLock(), StandardCharsets.US_ASCII)
                    .strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public Path socket() {
        return settings.home().agentSocket();
    }

    /** Connects to the server now, so that the first command finds the connection warm. */
    public void connectNow() {
        connection();
    }

    /** Waits until the agent stopped; why it stopped (one line). */
    public String awaitStop() throws InterruptedException {
        stopped.await();
        return stopReason;
    }

    /** Whether it stopped. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    @Override
    public void close() {
        stop("stopped");
    }

    // ---- serving -----------------------------------------------------------------------------------------------

    private void serve() {
        daemon(this::acceptLoop, "sc-engineer-agent").start();
        long period = SWEEP.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("the agent's socket failed: {}", e.toString());
                stop("its socket failed: " + OneLine.of(e.getMessage()));
                return;
            }
            clients.add(client);
            daemon(
                            () -> {
                                try {
                                    serve(client);
                                } finally {
                                    clients.remove(client);
                                    closeQuietly(client);
                                }
                            },
                            "sc-engineer-agent-client")
                    .start();
        }
    }

    /** Checks the peer, reads the request and answers it. */
    void serve(SocketChannel client) {
        OutputStream out = AgentProtocol.output(client);
        try {
            PeerCheck.Verdict verdict = settings.peers().check(client);
            if (!verdict.allowed()) {
                settings.notices()
                        .accept("refused a connection to " + socket() + " from user " + verdict.peer() + ": only "
                                + settings.peers().owner().getName() + " may use this agent");
                AgentProtocol.writeLine(
                        out, AgentProtocol.refusal("this agent serves only its own user", "refused", 0));
                return;
            }
            InputStream in = new BufferedInputStream(AgentProtocol.input(client));
            JsonNode request = AgentProtocol.readLine(in);
            lastUse = settings.clock().instant();
            if (!sameSession()) {
                clients.remove(client); // answered once stopped
                stop("the login session it served ended (logout, or a new login)");
                AgentProtocol.writeLine(
                        out,
                        AgentProtocol.refusal(
                                "the agent stopped: the login session it served"
                                        + " ended (logout, or a new login); start it again with sc-engineer agent start",
                                "stopped",
                                0));
                return;
            }
            Optional<AgentProtocol.Op> op =
                    AgentProtocol.Op.parse(request.path("op").asText());
            if (op.isEmpty()) {
                AgentProtocol.writeLine(
                        out,
                        AgentProtocol.refusal(
                                "unknown request '"
                                        + OneLine.of(request.path("op").asText()) + "'",
                                "bad-request",
                                0));
                return;
            }
            switch (op.get()) {
                case STATUS -> AgentProtocol.writeLine(out, status());
                case STOP -> {
                    clients.remove(client); // answered once stopped
                    stop("stopped on request");
                    AgentProtocol.writeLine(
                            out,
                            AgentProtocol.ok()
                                    .put("pid", ProcessHandle.current().pid()));
                }
                case ADD -> AgentProtocol.writeLine(out, add(request));
                case API -> AgentProtocol.writeLine(out, api(request));
                case FORWARD -> forward(client, request, in, out);
                default -> stream(request, in, out);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("a request to the agent failed: {}", e.toString());
        } finally {
            lastUse = settings.clock().instant();
        }
    }

    /** Whether the state directory still holds the session the agent serves. */
    private boolean sameSession() {
        try {
            return settings.home()
                    .session()
                    .map(saved -> saved.session().equals(settings.session().session()))
                    .orElse(false);
        } catch (EngineerException e) {
            return false;
        }
    }

    private ObjectNode status() {
        ObjectNode answer = AgentProtocol.ok()
                .put("pid", ProcessHandle.current().pid())
                .put("socket", socket().toString())
                .put("login", settings.session().login())
                .put("server", settings.session().server())
                .put("sessionExpiresAt", settings.session().expiresAt().toString())
                .put("idleTimeout", settings.idleTimeout().toString())
                .put("stopsAt", stopsAt().toString())
                .put("connected", connected());
        ArrayNode held = answer.putArray("tokens");
        for (SignedAccessToken token : tokens.list()) {
            held.addObject()
                    .put("appliance", token.claims().appliance())
                    .put("ticket", token.claims().ticket())
                    .put("id", token.claims().id().toString())
                    .put("expiresAt", token.claims().expiresAt().toString());
        }
        return answer;
    }

    /** When the agent stops unless used: its idle time-out from the last use, never past the login session. */
    Instant stopsAt() {
        Instant idle = lastUse.plus(settings.idleTimeout());
        return idle.isBefore(settings.session().expiresAt())
                ? idle
                : settings.session().expiresAt();
    }

    private ObjectNode add(JsonNode request) {
        SignedAccessToken token;
        try {
            token = SignedAccessToken.parseUnverified(request.path("token").asText());
        } catch (RuntimeException e) {
            return AgentProtocol.refusal("not an access token: " + OneLine.of(e.getMessage()), "bad-request", 0);
        }
        String appliance = token.claims().appliance();
        if (!tokens.add(token)) {
            return AgentProtocol.refusal(
                    "the access token for " + appliance + " expired at "
                            + token.claims().expiresAt() + ": run sc-engineer access " + appliance
                            + " --ticket NUMBER again",
                    "expired",
                    0);
        }
        return AgentProtocol.ok()
                .put("appliance", appliance)
                .put("expiresAt", token.claims().expiresAt().toString());
    }

    private ObjectNode api(JsonNode request) {
        String method = request.path("method").asText();
        String path = request.path("path").asText();
        if (!(method.equals("GET") || method.equals("POST")) || !path.startsWith("/api/v1/")) {
            return AgentProtocol.refusal("the agent passes on only GET and POST to /api/v1/", "bad-request", 0);
        }
        JsonNode body = request.get("body");
        try {
            JsonNode answer = connection()
                    .call(method, path, settings.session().session(), body == null || body.isNull() ? null : body);
            ObjectNode ok = AgentProtocol.ok();
            ok.set("body", answer);
            return ok;
        } catch (ApiException e) {
            return AgentProtocol.refusal(e.getMessage(), e.reason().isEmpty() ? "api" : e.reason(), e.status());
        } catch (EngineerException | LinkException e) {
            return AgentProtocol.refusal(OneLine.of(e.getMessage()), "failed", 0);
        }
    }

    private void stream(JsonNode request, InputStream in, OutputStream out) throws IOException {
        String serial = request.path("appliance").asText();
        Optional<SignedAccessToken> held = tokens.find(serial);
        if (held.isEmpty()) {
            AgentProtocol.writeLine(out, noToken(serial));
            return;
        }
        SignedAccessToken token = held.get();
        String audience = token.claims().appliance();
        StreamCredentials credentials = credentials(serial, token);
        StreamOpener.Opened opened;
        openStreams.incrementAndGet();
        try {
            try {
                ServerConnection server = connection();
                Http2Headers headers =
                        StreamRequest.fromAgent(request).orElseThrow().headers(server.server(), credentials);
                opened = server.openAndWait(headers);
            } catch (StreamRefusedException e) {
                String message = "refused (" + e.status() + "): " + OneLine.of(e.getMessage());
                if (e.status() == 403 && forgetsToken(message)) {
                    forget(serial, token, message);
                    message += " (the agent forgot its token for " + audience + ")";
                }
                AgentProtocol.writeLine(out, AgentProtocol.refusal(message, "refused", e.status()));
                return;
            } catch (EngineerException | LinkException | IllegalArgumentException e) {
                AgentProtocol.writeLine(out, AgentProtocol.refusal(OneLine.of(e.getMessage()), "failed", 0));
                return;
            }
            ObjectNode answer = AgentProtocol.ok();
            answer.set("headers", StreamRelay.headers(opened.response()));
            try {
                AgentProtocol.writeLine(out, answer);
            } catch (IOException e) {
                opened.stream().close();
                throw e;
            }
            StreamRelay.run(opened.stream(), in, out);
        } finally {
            openStreams.decrementAndGet();
        }
    }

    /**
     * {@code forward}: the agent listens on 127.0.0.1 itself and relays every accepted socket as a CONNECT stream on
     * its own connection to the server ({@link LocalForward}, as {@code forward} without the agent does: Netty on both
     * sides, no copy through the command's process), until the command closes its connection to the agent, the agent
     * stops, or the agent no longer holds the token (expired, revoked: see {@link #sweep}). A connection that cannot
     * be relayed is reported to the command as a line {@code {"problem": "…"}}.
     */
    private void forward(SocketChannel client, JsonNode request, InputStream in, OutputStream out) throws IOException {
        String serial = request.path("appliance").asText();
        int remotePort = request.path("port").asInt(0);
        int localPort = request.path("local").asInt(-1);
        if (remotePort < 1 || remotePort > 65_535 || localPort < 0 || localPort > 65_535) {
            AgentProtocol.writeLine(
                    out,
                    AgentProtocol.refusal(
                            "forward: port " + remotePort + ", local port " + localPort
                                    + " (expected: 1-65535 and 0-65535)",
                            "bad-request",
                            0));
            return;
        }
        Optional<SignedAccessToken> held = tokens.find(serial);
        if (held.isEmpty()) {
            AgentProtocol.writeLine(out, noToken(serial));
            return;
        }
        SignedAccessToken token = held.get();
        HostedForward hosted = new HostedForward(serial, token, client, out);
        openStreams.incrementAndGet(); // a forward in use keeps the agent from its idle time-out
        try {
            LocalForward forward;
            try {
                forward = LocalForward.start(
                        lasting(),
                        localPort,
                        SessionRequests.connect(remotePort, credentials(serial, token)),
                        settings.timeouts().stream(),
                        problem -> {
                            if (problem.startsWith("refused (403)") && forgetsToken(problem)) {
                                forget(serial, token, problem); // the sweep then ends the forward
                            }
                            hosted.report(problem);
                        });
            } catch (EngineerException e) {
                AgentProtocol.writeLine(out, AgentProtocol.refusal(OneLine.of(e.getMessage()), "failed", 0));
                return;
            }
            try (forward) {
                forwards.add(hosted);
                AgentProtocol.writeLine(out, AgentProtocol.ok().put("port", forward.port()));
                while (in.read() != -1) {
                    // the command sends nothing more: its connection's end ends the forward
                }
            } finally {
                forwards.remove(hosted);
            }
        } finally {
            openStreams.decrementAndGet();
            hosted.reports.shutdown();
        }
    }

    /**
     * A forward the agent listens for, until the command's connection {@code client} closes. Its problems go to the
     * command in order from a thread of their own (they are found on event loops, which never block).
     */
    private static final class HostedForward {
        private final String serial;
        private final SignedAccessToken token;
        private final SocketChannel client;
        private final OutputStream out;
        private final ExecutorService reports =
                Executors.newSingleThreadExecutor(task -> daemon(task, "sc-engineer-agent-forward"));

        HostedForward(String serial, SignedAccessToken token, SocketChannel client, OutputStream out) {
            this.serial = serial;
            this.token = token;
            this.client = client;
            this.out = out;
        }

        /** Sends {@code problem} to the command as one line. */
        void report(String problem) {
            reports.execute(() -> {
                try {
                    AgentProtocol.writeLine(out, Json.MAPPER.createObjectNode().put("problem", problem));
                } catch (IOException e) {
                    closeQuietly(client); // the command went away: the forward ends
                }
            });
        }

        /** Sends {@code reason}, then closes the command's connection, which ends the forward. */
        void end(String reason) {
            report(reason);
            reports.execute(() -> closeQuietly(client));
        }

        boolean holds(HeldTokens tokens) {
            return tokens.find(serial)
                    .filter(held -> held.claims().id().equals(token.claims().id()))
                    .isPresent();
        }
    }

    private static ObjectNode noToken(String serial) {
        return AgentProtocol.refusal(
                "the agent holds no access token for " + serial + ": add it with sc-engineer agent add " + serial,
                AgentProtocol.NO_TOKEN,
                0);
    }

    /** The credentials of a stream to {@code serial} with {@code token}. */
    private StreamCredentials credentials(String serial, SignedAccessToken token) {
        String audience = token.claims().appliance();
        return new StreamCredentials(
                settings.session().session(), token.serialize(), audience.equalsIgnoreCase(serial) ? audience : serial);
    }

    /** Whether the server's refusal says the token is revoked or expired. */
    private static boolean forgetsToken(String refusal) {
        return refusal.contains("revoked") || refusal.contains("expired");
    }

    private void forget(String serial, SignedAccessToken token, String refusal) {
        tokens.forget(serial, token);
        settings.notices()
                .accept("forgot the access token for " + token.claims().appliance() + " ("
                        + token.claims().id() + "): the server " + refusal);
    }

    /**
     * The connection to the server: made by the first request, then kept, and made again with back-off whenever it
     * closes ({@link LastingConnection}, as {@code forward} does); a request waits for it as long as a connection
     * may take to be made.
     *
     * @throws EngineerException if the server cannot be reached within that time
     */
    private ServerConnection connection() {
        Timeouts timeouts = settings.timeouts();
        return lasting().await(timeouts.connect().plus(timeouts.handshake()).plusSeconds(1));
    }

    /** The lasting connection to the server, made (in the background) by the first request. */
    private synchronized LastingConnection lasting() {
        if (connection == null) {
            ServerAddress server = ServerAddress.parse(settings.session().server());
            connection = LastingConnection.connecting(
                    server.toString(),
                    () -> ServerConnection.connect(server, settings.identity(), settings.timeouts()),
                    LastingConnection.BACKOFF,
                    settings.notices());
        }
        return connection;
    }

    private synchronized boolean connected() {
        return connection != null && connection.isOpen();
    }

    /**
     * Forgets expired tokens; stops the agent when the login session has ended, or when it has been idle (no request,
     * no stream open) for its idle time-out.
     */
    void sweep() {
        for (String appliance : tokens.sweep()) {
            settings.notices().accept("forgot the access token for " + appliance + ": it expired");
        }
        for (HostedForward forward : forwards) {
            if (!forward.holds(tokens) && forwards.remove(forward)) {
                forward.end("the agent no longer holds the access token for " + forward.serial
                        + " (it expired or was revoked): forwarding stopped");
            }
        }
        Instant now = settings.clock().instant();
        if (!settings.session().validAt(now)) {
            stop("the login session ended at " + settings.session().expiresAt());
        } else if (openStreams.get() == 0 && !now.isBefore(lastUse.plus(settings.idleTimeout()))) {
            stop("idle for " + settings.idleTimeout().toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The tokens held, for tests. */
    HeldTokens tokens() {
        return tokens;
    }

    private synchronized void stop(String reason) {
        if (isStopped()) {
            return;
        }
        stopReason = reason;
        settings.notices().accept("the agent stops: " + reason);
        sweeper.shutdownNow();
        closeQuietly(listener);
        try {
            Files.deleteIfExists(socket());
        } catch (IOException e) {
            LOG.warn("cannot delete the agent's socket {}: {}", socket(), e.toString());
        }
        for (SocketChannel client : clients) {
            closeQuietly(client); // transfers in flight end: their commands say the agent went away
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
        tokens.clear();
        try {
            lockFile.truncate(0);
            lock.release();
        } catch (IOException e) {
            LOG.debug("cannot release the agent's lock: {}", e.toString());
        }
        closeQuietly(lockFile);
        stopped.countDown();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(@Nullable AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed: {}", closeable, e.toString());
        }
    }

    /** A second agent for the same state directory. */
    public static final class AgentRunningException extends EngineerException {
        private static final long serialVersionUID = 1L;

        AgentRunningException(EngineerHome home, long pid) {
            super("an agent already runs for " + home.directory() + " (" + (pid > 0 ? "pid " + pid + ", " : "")
                    + "socket " + home.agentSocket() + "): stop it first with sc-engineer agent stop");
        }
    }
}
