package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The back-off between failed links: counts the failures in a row and when they began, keeps the last problem for the
 * status, and schedules the next attempt after a {@link Backoff}, never waiting longer than the outage has lasted
 * ({@link Backoff#next(int, Duration)}). An admin action or an accepted ticket resets it. An attempt that
 * met a busy server (the server never answered it: closed at accept, left in its accept queue, connect timed out) is
 * not a failure: it does not double the back-off, and the next attempt comes within {@link Backoff#BUSY_CEILING}.
 *
 * <p>Used on the link's event loop only.
 */
final class Redial {

    private final EventLoop loop;
    private final Clock clock;
    private final Backoff delays;
    private @Nullable ScheduledFuture<?> retry;
    private @Nullable Instant at;
    private int failures;
    /** When the failures in a row began (the first of them). */
    private Instant outageSince = Instant.EPOCH;
    /** The last attempt met a busy server. */
    private boolean busy;

    private @Nullable String lastProblem;

    Redial(EventLoop loop, Clock clock, Backoff delays) {
        this.loop = requireNonNull(loop, "loop");
        this.clock = requireNonNull(clock, "clock");
        this.delays = requireNonNull(delays, "delays");
    }

    /** A link failed or was lost with {@code problem}. */
    void failed(String problem) {
        if (failures == 0) {
            outageSince = clock.instant();
        }
        failures++;
        busy = false;
        lastProblem = problem;
    }

    /** An attempt met a busy server ({@code problem}): tried again soon, the failures so far unchanged. */
    void busy(String problem) {
        busy = true;
        lastProblem = problem;
    }

    /** Runs {@code then} on the loop after the back-off for the failures so far; returns the delay. */
    Duration schedule(Runnable then) {
        assert loop.inEventLoop();
        Duration delay = busy
                ? delays.nextWhenBusy(failures)
                : delays.next(failures, Duration.between(outageSince, clock.instant()));
        at = clock.instant().plus(delay);
        retry = loop.schedule(
                () -> {
                    retry = null;
                    at = null;
                    then.run();
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
        return delay;
    }

    void cancel() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
            at = null;
        }
    }

    /** No waiting out a back-off: the next failure waits the shortest delay again. */
    void resetFailures() {
        failures = 0;
        busy = false;
    }

    /** A ticket was accepted: the link works. */
    void succeeded() {
        failures = 0;
        busy = false;
        lastProblem = null;
    }

    boolean pending() {
        return retry != null;
    }

    /** When the next attempt is due, or null when none is scheduled. */
    @Nullable
    Instant at() {
        return at;
    }

    @Nullable
    String lastProblem() {
        return lastProblem;
    }

    int failures() {
        return failures;
    }
}
