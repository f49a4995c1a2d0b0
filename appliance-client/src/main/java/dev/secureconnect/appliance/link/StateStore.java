package dev.secureconnect.appliance.link;

import dev.secureconnect.appliance.config.ApplianceState;
import java.util.concurrent.CompletableFuture;

/**
 * Persists the switch and the tickets ({@code state.json}) whenever the admin acts or the server refuses a ticket;
 * {@code ApplianceDirectory::writeState} in the daemon.
 */
@FunctionalInterface
public interface StateStore {

    /**
     * Writes {@code state} durably before returning.
     *
     * @throws dev.secureconnect.appliance.ApplianceException if it cannot be written
     */
    void save(ApplianceState state);

    /**
     * Writes {@code state} without making the link's event loop wait for the disk: the future completes once it is
     * durable, or fails with the write's error; states submitted one after the other are written in that order. This
     * default writes on the caller's thread; {@link LinkSupervisor#create} writes on a thread of its own
     * ({@link StateWriter}).
     */
    default CompletableFuture<?> submit(ApplianceState state) {
        try {
            save(state);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
