package dev.secureconnect.appliance.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.crypto.text.OneLine;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves admin requests on a Unix domain socket (see the package comment for the protocol). The socket's folder must
 * be the owner's alone (mode 0700); the socket itself is made mode 0600. A client gets
 * {@link #REQUEST_TIMEOUT} to send its request line, of at most {@link #MAX_REQUEST_BYTES}.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int WORKERS = 4;

    /** Answers one request for {@code actor} (the requesting user). */
    @FunctionalInterface
    public interface Handler {
        AdminResponse handle(AdminRequest request, String actor);
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;
    private volatile boolean closing;

    private AdminServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        AtomicInteger count = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                WORKERS,
                WORKERS,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(32),
                runnable -> {
                    Thread thread = new Thread(runnable, "sc-appliance-admin-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        this.workers.allowCoreThreadTimeOut(true);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sc-appliance-admin-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, "sc-appliance-admin-acceptor");
    }

    /**
     * Binds {@code socket} (a stale file left by a daemon that died is replaced: the caller holds the daemon lock) and
     * starts serving.
     */
    public static AdminServer start(Path socket, Handler handler) {
        requireNonNull(handler, "handler");
        ServerSocketChannel server = null;
        try {
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw new ApplianceException(
                    "cannot open the admin socket " + socket + ": " + OneLine.of(e.getMessage()), e);
        }
        AdminServer admin = new AdminServer(socket, server, handler);
        admin.acceptor.start();
        log.info("admin socket {} ready", socket);
        return admin;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closing) {
                    log.warn("admin socket {}: accept failed: {}", socket, e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.warn("admin socket {}: too many requests at once, one refused", socket);
                reply(client, AdminResponse.failed("the daemon is busy: try again"));
                closeQuietly(client);
            }
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> deadline =
                deadlines.schedule(() -> closeQuietly(client), REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try (client) {
            String line = readLine(client);
            deadline.cancel(false);
            if (line == null) {
                return;
            }
            AdminResponse response;
            try {
                AdminRequest request = Json.COMPACT.readValue(line, AdminRequest.class);
                response = handler.handle(request, actor(client));
            } catch (JsonProcessingException e) {
                response = AdminResponse.failed("malformed admin request: " + Json.problem(e));
            } catch (ApplianceException e) {
                response = AdminResponse.failed(OneLine.of(e.getMessage()));
            } catch (RuntimeException e) {
                log.error("admin socket {}: request failed", socket, e);
                response = AdminResponse.failed("the daemon failed: " + OneLine.of(String.valueOf(e)));
            }
            reply(client, response);
        } catch (IOException e) {
            log.debug("admin socket {}: client went away: {}", socket, e.getMessage());
        } finally {
            deadline.cancel(false);
        }
    }

    /** The request line, or null if the client sent nothing or too much (answered already). */
    private static @Nullable String readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_REQUEST_BYTES + 1);
        while (buffer.hasRemaining()) {
            int n = client.read(buffer);
            if (n < 0) {
                break;
            }
            for (int i = buffer.position() - n; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    return new String(buffer.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        if (buffer.position() > MAX_REQUEST_BYTES) {
            reply(client, AdminResponse.failed("admin request exceeds " + MAX_REQUEST_BYTES + " bytes"));
            client.shutdownOutput();
            drain(client); // closing with unread input would reset the connection before the client reads the answer
            return null;
        }
        return buffer.position() == 0 ? null : new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static void drain(SocketChannel client) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(8192);
        long left = 16L * MAX_REQUEST_BYTES;
        int n;
        while (left > 0 && (n = client.read(sink)) >= 0) {
            left -= n;
            sink.clear();
        }
    }

    private static void reply(SocketChannel client, AdminResponse response) {
        ByteBuffer bytes = ByteBuffer.wrap((Json.line(response) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                client.write(bytes);
            }
        } catch (IOException e) {
            log.debug("admin socket: cannot answer: {}", e.getMessage());
        }
    }

    /** The user on the other end of the socket, from its peer credentials. */
    private static String actor(SocketChannel client) {
        try {
            return client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED)
                    .user()
                    .getName();
        } catch (IOException | RuntimeException e) {
            return "local admin";
        }
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(server);
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        deadlines.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.warn("cannot remove the admin socket {}: {}", socket, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.@Nullable Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
