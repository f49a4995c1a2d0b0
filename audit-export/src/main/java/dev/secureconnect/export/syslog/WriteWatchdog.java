package dev.secureconnect.export.syslog;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Bounds blocking writes: while armed, it closes the connection's socket once the deadline passes, which makes a
 * write blocked on a receiver that reads nothing fail at once. One daemon thread serves every destination.
 */
final class WriteWatchdog {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Closeable socket;
    private final Duration timeout;
    private volatile boolean expired;
    private @Nullable ScheduledFuture<?> pending;

    WriteWatchdog(Closeable socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Starts the deadline for one write. */
    void arm() {
        pending = TIMER.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The write finished in time. */
    void disarm() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** Whether a deadline passed and the socket was closed for it. */
    boolean expired() {
        return expired;
    }

    private void expire() {
        expired = true;
        try {
            socket.close();
        } catch (IOException | RuntimeException ignored) {
            // the blocked write fails now; nothing more to do
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "syslog-write-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
