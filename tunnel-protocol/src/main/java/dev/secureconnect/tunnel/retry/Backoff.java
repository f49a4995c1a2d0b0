package dev.secureconnect.tunnel.retry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off: after the n-th failure in a row the longest wait is {@code min · 2^(n-1)}, capped at
 * {@code max} ({@link #ceiling}); with full jitter ({@link #next}) the wait is a random time between zero and that
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
     * The wait with full jitter after an attempt that met a busy server ({@link ServerAnswer#busy}), which does not
     * count as a failure: at most what {@code failures} failures allow, and never more than {@link #BUSY_CEILING}
     * (nor less than {@code min}), so that appliances the server could not take yet come back within seconds, spread.
     */
    public Duration nextWhenBusy(int failures) {
        long ceiling = Math.min(ceiling(failures).toMillis(), Math.max(BUSY_CEILING.toMillis(), min.toMillis()));
        return Duration.ofMillis((long) (ceiling * random.getAsDouble()));
    }
}
