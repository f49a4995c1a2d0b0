package dev.secureconnect.server.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.audit.AuditEvent;
import dev.secureconnect.server.audit.AuditLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the links do to the database — the appliance table's rows and their audit records — in batches: whatever
 * queued while the previous batch was being written goes into one transaction, so a thousand appliances linking at
 * once (a reconnect storm) cost a few durable commits instead of two thousand. Changes are written in the order they
 * were submitted, one batch at a time, on the blocking executor; each change's {@code committed} runs once its batch
 * is on disk, or {@code failed} if the batch could not be written.
 */
final class LinkRecords {

    /** The most changes one transaction carries. */
    static final int MAX_BATCH = 500;

    private static final Logger LOG = LoggerFactory.getLogger(LinkRecords.class);

    /** SQL run in the batch's transaction. */
    @FunctionalInterface
    interface Statement {
        void run(Connection connection) throws SQLException;
    }

    /** One change: its statement, the audit records it adds (may be empty), and what to do once written. */
    record Change(Statement statement, List<AuditEvent> events, Runnable committed, Consumer<RuntimeException> failed) {
        Change {
            requireNonNull(statement, "statement");
            events = List.copyOf(events);
            requireNonNull(committed, "committed");
            requireNonNull(failed, "failed");
        }
    }

    private final AuditLog audit;
    private final Executor blocking;
    private final Queue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    LinkRecords(AuditLog audit, Executor blocking) {
        this.audit = requireNonNull(audit, "audit");
        this.blocking = requireNonNull(blocking, "blocking");
    }

    /** Queues a change for the next batch (from any thread). */
    void submit(Change change) {
        queue.add(requireNonNull(change, "change"));
        startWriting();
    }

    private void startWriting() {
        if (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            blocking.execute(this::write);
        }
    }

    private void write() {
        try {
            List<Change> batch = new ArrayList<>();
            while (batch.size() < MAX_BATCH) {
                Change next = queue.poll();
                if (next == null) {
                    break;
                }
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                audit.inTransaction(transaction -> {
                    for (Change change : batch) {
                        change.statement().run(transaction.connection());
                        for (AuditEvent event : change.events()) {
                            transaction.append(event);
                        }
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.error("cannot record {} link change(s): {}", batch.size(), e.getMessage(), e);
                batch.forEach(change -> change.failed().accept(e));
                return;
            }
            LOG.debug("recorded {} link change(s) in one transaction", batch.size());
            batch.forEach(change -> change.committed().run());
        } finally {
            writing.set(false);
            startWriting();
        }
    }
}
