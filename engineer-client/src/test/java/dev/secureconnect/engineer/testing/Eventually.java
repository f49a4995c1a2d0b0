package dev.secureconnect.engineer.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition, bounded in time. */
public final class Eventually {

    private Eventually() {}

    public static void waitFor(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
