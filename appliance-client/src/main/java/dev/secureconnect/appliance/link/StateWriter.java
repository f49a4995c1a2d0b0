package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.ApplianceState;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes the admin's state ({@code state.json}: a temporary file, fsync, atomic move) on a thread of its own, never on
 * the link's event loop: one thread, first in first out, so two quick changes land in the order they were made and
 * the last one wins on disk. The thread ({@code sc-appliance-state}) starts with the first write and ends when idle.
 */
final class StateWriter implements StateStore {

    private final StateStore disk;
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("sc-appliance-state", true));

    /** @param disk the blocking write ({@code ApplianceDirectory::writeState} in the daemon) */
    StateWriter(StateStore disk) {
        this.disk = requireNonNull(disk, "disk");
        thread.allowCoreThreadTimeOut(true);
    }

    /** Writes on the caller's thread. */
    @Override
    public void save(ApplianceState state) {
        disk.save(state);
    }

    /** Queues the write behind the earlier ones; the future completes once it is durable or fails with its error. */
    @Override
    public CompletableFuture<Void> submit(ApplianceState state) {
        requireNonNull(state, "state");
        return CompletableFuture.runAsync(() -> disk.save(state), thread);
    }
}
