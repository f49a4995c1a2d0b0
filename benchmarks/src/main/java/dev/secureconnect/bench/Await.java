package dev.secureconnect.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition of the run (a file written, a port answering) with a bound, polling every 100 ms. */
public final class Await {

    private Await() {}

    /**
     * Returns once {@code condition} holds; after {@code limit} a {@link BenchException} says that {@code what} did
     * not happen. The condition may itself throw a {@link BenchException} (a process died) to give up early.
     */
    public static void until(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new BenchException(what + " did not happen within " + limit.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for " + what, e);
            }
        }
    }
}
