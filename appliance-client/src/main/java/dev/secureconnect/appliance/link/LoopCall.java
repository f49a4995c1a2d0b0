package dev.secureconnect.appliance.link;

import dev.secureconnect.appliance.ApplianceException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An admin's call hopping onto the link's event loop (state confined there) and waiting for the answer. */
final class LoopCall {

    /** How long an admin's call waits for the loop to answer. */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

    private LoopCall() {}

    /**
     * Runs {@code work} on {@code loop} — at once when already there — and returns its result; its runtime exception is
     * thrown here.
     *
     * @throws ApplianceException if the loop does not answer within {@code timeout} or the wait is interrupted
     */
    static <T> T call(EventLoop loop, Callable<T> work, Duration timeout) {
        if (loop.inEventLoop()) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> result = loop.submit(work);
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ApplianceException("the daemon's link did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while waiting for the daemon's link");
        }
    }
}
