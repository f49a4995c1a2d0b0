package dev.secureconnect.appliance.audit;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's writer thread: takes submitted events in order and commits what has queued up as one group (group
 * commit: one lock, one fsync, one head per batch), completing each event's future once it is durable.
 *
 * <p>When a batch cannot be written, the events that must not be lost ({@code retried}) stay at the head of the queue,
 * in order, and are tried again with back-off, ahead of anything submitted later; the others fail at once. More than
 * {@code backlogLimit} events kept waiting runs the backlog-full action, once per outage.
 */
final class AuditWriter {

    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);

    /** Retrying a log that cannot be written: soon at first, then every few seconds. */
    static final Backoff RETRY = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));

    private record Pending(
            @Nullable ApplianceAuditEvent event, boolean retried, CompletableFuture<ApplianceAuditRecord> durable) {}

    /** Stops the writer thread once everything before it is written (the one pending without an event). */
    private static final Pending STOP = new Pending(null, false, new CompletableFuture<>());

    private final Function<List<ApplianceAuditEvent>, List<ApplianceAuditRecord>> write;
    private final int backlogLimit;
    private final Backoff retry;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Writer thread only: events kept after a failed batch, oldest first. */
    private final Deque<Pending> kept = new ArrayDeque<>();

    private volatile Runnable backlogFull = () -> {};
    private volatile int keptSize;
    private @Nullable Thread thread; // guarded by this
    private boolean stopped; // guarded by this

    AuditWriter(
            Function<List<ApplianceAuditEvent>, List<ApplianceAuditRecord>> write,
            int backlogLimit,
            Backoff retry,
            int maxBatch) {
        this.write = write;
        this.backlogLimit = backlogLimit;
        this.retry = retry;
        this.maxBatch = maxBatch;
    }

    CompletableFuture<ApplianceAuditRecord> submit(ApplianceAuditEvent event, boolean retried) {
        Pending pending = new Pending(Objects.requireNonNull(event, "event"), retried, new CompletableFuture<>());
        synchronized (this) {
            if (stopped) {
                pending.durable.completeExceptionally(new ApplianceException("the audit log is closed"));
                return pending.durable;
            }
            if (thread == null) {
                thread = new DefaultThreadFactory("sc-appliance-audit", true).newThread(this::run);
                thread.start();
            }
            queue.add(pending);
        }
        return pending.durable;
    }

    void whenBacklogFull(Runnable action) {
        backlogFull = Objects.requireNonNull(action, "action");
    }

    int backlog() {
        return queue.size() + keptSize;
    }

    void close(Duration timeout) {
        Thread running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = thread;
            if (running != null) {
                queue.add(STOP);
            }
        }
        if (running == null) {
            return;
        }
        try {
            running.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            running.interrupt();
        }
    }

    private void run() {
        int failures = 0;
        boolean overflowing = false;
        boolean stopping = false;
        try {
            while (true) {
                List<Pending> batch = new ArrayList<>(kept);
                kept.clear();
                if (batch.isEmpty()) {
                    Pending first = queue.take();
                    if (first == STOP) {
                        return;
                    }
                    batch.add(first);
                }
                List<Pending> more = new ArrayList<>();
                queue.drainTo(more, maxBatch);
                for (Pending pending : more) {
                    if (pending == STOP) {
                        stopping = true;
                    } else {
                        batch.add(pending);
                    }
                }
                try {
                    List<ApplianceAuditRecord> records =
                            write.apply(batch.stream().map(Pending::event).toList());
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).durable.complete(records.get(i));
                    }
                    if (failures > 0) {
                        log.info("the audit log is written again after {} failed attempt(s)", failures);
                    }
                    failures = 0;
                    overflowing = false;
                    keptSize = 0;
                } catch (RuntimeException e) {
                    failures++;
                    for (Pending pending : batch) {
                        if (pending.retried) {
                            kept.add(pending);
                        }
                    }
                    keptSize = kept.size();
                    for (Pending pending : batch) {
                        if (!pending.retried) {
                            pending.durable.completeExceptionally(e);
                        }
                    }
                    if (failures == 1) {
                        log.error(
                                "cannot write the audit log, {} record(s) kept to retry: {}",
                                kept.size(),
                                e.getMessage());
                    }
                    if (kept.size() > backlogLimit && !overflowing) {
                        overflowing = true;
                        log.error("{} audit records wait for the audit log: closing every session", kept.size());
                        runBacklogFull();
                    }
                    if (stopping) {
                        log.error("the audit log is closing with {} record(s) it could not write", kept.size());
                        failAll(kept, e);
                        return;
                    }
                    if (!kept.isEmpty()) {
                        Thread.sleep(retry.next(failures).toMillis());
                    }
                }
                if (stopping) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            ApplianceException closed =
                    new ApplianceException("the audit log was closed before the record was written");
            failAll(kept, closed);
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            failAll(left, closed);
        }
    }

    private void runBacklogFull() {
        try {
            backlogFull.run();
        } catch (RuntimeException e) {
            log.error("the audit backlog action failed", e);
        }
    }

    private static void failAll(Iterable<Pending> pendings, Exception cause) {
        for (Pending pending : pendings) {
            pending.durable.completeExceptionally(cause);
        }
    }
}
