package dev.secureconnect.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;

/** Waits for a condition, polling, at most a bound; fails the test naming what did not happen. */
public final class Eventually {

    /** The default bound for anything on loopback. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private Eventually() {}

    /** Polls {@code probe} until {@code done} accepts its value, at most {@link #WAIT}; returns that value. */
    public static <T> T await(String what, Supplier<T> probe, Predicate<T> done) {
        return await(what, WAIT, probe, done);
    }

    /** Polls {@code probe} until {@code done} accepts its value, at most {@code bound}; returns that value. */
    public static <T> T await(String what, Duration bound, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + bound.toNanos();
        T last = null;
        while (true) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                return Assertions.fail("%s did not happen within %s; last seen: %s", what, bound, last);
            }
            try {
                Thread.sleep(20); // polling interval, not a fixed wait: the bound is above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Assertions.fail("interrupted while waiting for %s", what);
            }
        }
    }

    /** Polls {@code condition} until it holds, at most {@code bound}. */
    public static void within(Duration bound, String what, BooleanSupplier condition) {
        await(what, bound, condition::getAsBoolean, done -> done);
    }
}
