package dev.secureconnect.tunnel.retry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off: after the n-th failure in a row the longest wait is {@code min · 2^(n-1)}, capped at
 * {@code max} ({@link #ceiling}), and, where the outage's start is known, at how long it has lasted
 * ({@link #next(int, Duration)}); with full jitter ({@link #next}) the wait is a random time between zero and that
 * ceiling, so a fleet of appliances that lost the same server does not come back in step.
 *
 * @param random uniform in [0, 1)
 */
public record Backoff(Duration min, Duration max, DoubleSupplier random) {

    /** The longest wait after an attempt that met a busy server ({@link #nextWhenBusy}). */
    public static final Duration BUSY_CEILING = Duration.ofSeconds(4);

    public Backoff {
        requireNonNull(min, "min");
        requireNonNull(max, "max");
        requireNonNull(random, "random");
        if (min.isZero() || min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("min " + min + ", max " + max + " (expected: 0 < min <= max)");
        }
    }

    public Backoff(Duration min, Duration max) {
        this(min, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The longest wait after {@code failures} failures in a row (at least 1). */
    public Duration ceiling(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 40));
        long millis = min.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /** The wait with full jitter before the next attempt after {@code failures} failures in a row. */
    public Duration next(int failures) {
        return Duration.ofMillis((long) (ceiling(failures).toMillis() * random.getAsDouble()));
    }

    /**
     * The wait with full jitter before the next attempt after {@code failures} failures in a row that began
     * {@code outage} ago: under {@link #ceiling}, and never longer than the outage so far (nor shorter than
     * {@code min}). Counted in attempts alone, the ceiling of a client whose first draws were short outgrows the
     * outage: after a server restart of 5 s, a fleet of 10,000 would keep its last clients away for a minute (a
     * simulation of this rule: the last first attempt after the restart at 63 s, against 10 s with the outage's cap).
     * The cap spends more attempts while the server is down — connects the server's kernel refuses at no cost to it
     * (about 7 instead of 4 in the first 5 s, the same within 4 % over an hour).
     */
    public Duration next(int failures, Duration outage) {
        long ceiling = Math.min(ceiling(failures).toMillis(), Math.max(min.toMillis(), outage.toMillis()));
        return Duration.ofMillis((long) (ceiling * random.getAsDouble()));
    }

    /**
     * The wait with full jitter after an attempt that met a busy server ({@link ServerAnswer#busy}), which does not
     * count as a failure: at most what {@code failures} failures allow, and never more than {@link #BUSY_CEILING}
     * (nor less than {@code min}), so that appliances the server could not take yet come back within seconds, spread.
     */
    public Duration nextWhenBusy(int failures) {
        long ceiling = Math.min(ceiling(failures).toMillis(), Math.max(BUSY_CEILING.toMillis(), min.toMillis()));
        return Duration.ofMillis((long) (ceiling * random.getAsDouble()));
    }
}
