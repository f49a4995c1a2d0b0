package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.retry.Backoff;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A connection to the server that is made again when it closes, for what runs long (a {@code forward}, the agent):
 * after a drop it tries again after a {@link Backoff} wait (full jitter, at most {@link #BACKOFF}'s ceiling), for as
 * long as it is not closed, and says so on {@code notices} (the drop with its reason, each failed attempt while the
 * reason changes and every tenth otherwise, the success). Attempts run on a thread of their own (a connection is made
 * with blocking waits), never on an event loop.
 */
public final class LastingConnection implements AutoCloseable {

    /** The wait between attempts: up to 1 s after the first failure, doubling up to 15 s. */
    public static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));

    private final String server;
    private final Supplier<ServerConnection> connect;
    private final Backoff backoff;
    private final Consumer<String> notices;
    private final ScheduledExecutorService attempts;
    private @Nullable ServerConnection current; // guarded by this; open or closing
    private @Nullable ServerConnection dropped; // guarded by this; its event loop stops with the next connection
    private CompletableFuture<ServerConnection> next = new CompletableFuture<>(); // guarded by this
    private int failures; // guarded by this
    private @Nullable String lastFailure; // guarded by this
    private boolean closed; // guarded by this

    private LastingConnection(
            String server, Supplier<ServerConnection> connect, Backoff backoff, Consumer<String> notices) {
        this.server = server;
        this.connect = connect;
        this.backoff = backoff;
        this.notices = notices;
        this.attempts = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sc-engineer-reconnect");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Keeps {@code first} (open) and makes it again with {@code connect} whenever it closes.
     *
     * @param server the server's address, for the notices
     * @param connect makes a connection, or throws an {@link EngineerException} saying why not
     */
    public static LastingConnection of(
            ServerConnection first, Supplier<ServerConnection> connect, Backoff backoff, Consumer<String> notices) {
        requireNonNull(first, "first");
        LastingConnection lasting = create(first.server().toString(), connect, backoff, notices);
        lasting.connected(first);
        return lasting;
    }

    /** Makes the first connection now, on its own thread; {@link #connection()} completes once it is made. */
    public static LastingConnection connecting(
            String server, Supplier<ServerConnection> connect, Backoff backoff, Consumer<String> notices) {
        LastingConnection lasting = create(server, connect, backoff, notices);
        lasting.attempts.execute(lasting::attempt);
        return lasting;
    }

    private static LastingConnection create(
            String server, Supplier<ServerConnection> connect, Backoff backoff, Consumer<String> notices) {
        return new LastingConnection(
                requireNonNull(server, "server"),
                requireNonNull(connect, "connect"),
                requireNonNull(backoff, "backoff"),
                requireNonNull(notices, "notices"));
    }

    /**
     * The open connection, or the one being made again: completes once it is open (fails only when this is closed).
     * Callers wait with their own limit ({@link #await}).
     */
    public synchronized CompletableFuture<ServerConnection> connection() {
        if (current != null && current.isOpen()) {
            return CompletableFuture.completedFuture(current);
        }
        return next.copy();
    }

    /**
     * Waits at most {@code limit} for an open connection.
     *
     * @throws EngineerException saying that the server cannot be reached and why (the last attempt's failure)
     */
    public ServerConnection await(Duration limit) {
        CompletableFuture<ServerConnection> connection = connection();
        try {
            return connection.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineerException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new EngineerException(unreachable());
        }
    }

    /** Why no connection is open, on one line: the last failure and that it is being made again. */
    public synchronized String unreachable() {
        return closed
                ? "the connection to the server at " + server + " is closed"
                : "the server at " + server + " cannot be reached"
                        + (lastFailure == null ? "" : " (" + lastFailure + ")") + ": connecting again";
    }

    /** Whether a connection is open now. */
    public synchronized boolean isOpen() {
        return current != null && current.isOpen();
    }

    @Override
    public void close() {
        ServerConnection last;
        ServerConnection retired;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            last = current;
            retired = dropped;
            current = null;
            dropped = null;
            next.completeExceptionally(
                    new EngineerException("the connection to the server at " + server + " is closed"));
        }
        attempts.shutdownNow();
        if (last != null) {
            last.close();
        }
        if (retired != null) {
            retired.close();
        }
    }

    /** Why {@code connection} closed, on one line. */
    static String closeReason(ServerConnection connection) {
        return connection.closeReason().map(reason -> " (" + reason + ")").orElse("");
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private void connected(ServerConnection connection) {
        CompletableFuture<ServerConnection> waiting;
        ServerConnection retired;
        synchronized (this) {
            retired = dropped;
            dropped = null;
            if (closed) {
                waiting = null;
            } else {
                current = connection;
                waiting = next;
                next = new CompletableFuture<>();
                failures = 0;
                lastFailure = null;
            }
        }
        if (retired != null) {
            retired.close();
        }
        if (waiting == null) {
            connection.close();
            return;
        }
        connection.channel().closeFuture().addListener(closed -> dropped(connection));
        waiting.complete(connection);
    }

    /** Runs on the connection's event loop: schedules the first attempt. */
    private void dropped(ServerConnection connection) {
        synchronized (this) {
            if (closed || current != connection) {
                return;
            }
            current = null;
            dropped = connection; // closed; its event loop runs until the relays on it have ended
        }
        notices.accept("the connection to the server at " + server + " closed" + closeReason(connection)
                + ": connecting again");
        schedule(backoff.next(1));
    }

    private void schedule(Duration wait) {
        try {
            attempts.schedule(this::attempt, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Runs on the attempts' thread. */
    private void attempt() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        ServerConnection made;
        try {
            made = connect.get();
        } catch (RuntimeException e) {
            failed(OneLine.of(String.valueOf(e.getMessage())));
            return;
        }
        int failed;
        synchronized (this) {
            failed = failures;
        }
        connected(made);
        notices.accept(
                "connected to the server at " + server + (failed > 0 ? " after " + (failed + 1) + " attempts" : ""));
    }

    private void failed(String reason) {
        Duration wait;
        boolean tell;
        int attempt;
        synchronized (this) {
            if (closed) {
                return;
            }
            failures++;
            attempt = failures;
            tell = !reason.equals(lastFailure) || failures % 10 == 0;
            lastFailure = reason;
            wait = backoff.next(failures + 1);
        }
        if (tell) {
            notices.accept("attempt " + attempt + " to connect to the server at " + server + " failed: " + reason
                    + "; trying again within "
                    + Math.max(1, backoff.ceiling(attempt + 1).toSeconds()) + " s");
        }
        schedule(wait);
    }
}
