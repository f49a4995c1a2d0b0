package dev.secureconnect.server.audit;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes made from the network's threads — the appliance table's rows and their audit records, refused TLS
 * handshakes — in batches: whatever queued while the previous batch was being written goes into one transaction, so a
 * thousand appliances linking at once (a reconnect storm), or a thousand handshakes failing at once, cost a few
 * durable commits instead of thousands, and cannot starve each other of the log's write turn. Changes are written in the order they
 * were submitted, one batch at a time, on the blocking executor; each change's {@code committed} runs once its batch
 * is on disk, or {@code failed} if the batch could not be written; the records of changes that say how are then held
 * in the audit spill ({@link ServerAuditLog#hold}), so that a record of what already happened is not lost.
 */
public final class BatchedRecords {

    /** The most changes one transaction carries. */
    public static final int MAX_BATCH = 500;

    private static final Logger LOG = LoggerFactory.getLogger(BatchedRecords.class);

    /** SQL run in the batch's transaction. */
    @FunctionalInterface
    public interface Statement {
        void run(Connection connection) throws SQLException;
    }

    /**
     * One change: its statement, the audit records it adds (may be empty), what to do once written, and, for records
     * of something that has already happened or of a refusal, how they are held in the audit spill when the batch
     * cannot be written ({@code null}: not held; the change fails, and its {@code failed} must refuse what the
     * records were to precede).
     */
    public record Change(
            Statement statement,
            List<ServerAuditEvent> events,
            Runnable committed,
            Consumer<RuntimeException> failed,
            ServerAuditLog.@Nullable Hold hold) {
        public Change {
            requireNonNull(statement, "statement");
            events = List.copyOf(events);
            requireNonNull(committed, "committed");
            requireNonNull(failed, "failed");
        }
    }

    private final ServerAuditLog audit;
    private final Executor blocking;
    private final Queue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    public BatchedRecords(ServerAuditLog audit, Executor blocking) {
        this.audit = requireNonNull(audit, "audit");
        this.blocking = requireNonNull(blocking, "blocking");
    }

    /** Queues a change for the next batch (from any thread). */
    public void submit(Change change) {
        queue.add(requireNonNull(change, "change"));
        startWriting();
    }

    /**
     * Queues one audit record for the next batch (from any thread); if its batch cannot be written it is held in the
     * audit spill as {@code hold} says.
     */
    public void submit(ServerAuditEvent event, ServerAuditLog.Hold hold) {
        submit(new Change(connection -> {}, List.of(event), () -> {}, failure -> {}, requireNonNull(hold, "hold")));
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
                        for (ServerAuditEvent event : change.events()) {
                            transaction.append(event);
                        }
                    }
                    return batch.size();
                });
            } catch (RuntimeException e) {
                LOG.error("cannot record {} change(s): {}", batch.size(), e.getMessage(), e);
                AuditUnavailableException cause = e instanceof AuditUnavailableException unavailable
                        ? unavailable
                        : new AuditUnavailableException(e.getMessage(), e);
                for (Change change : batch) {
                    ServerAuditLog.Hold hold = change.hold();
                    if (hold != null && !change.events().isEmpty()) {
                        audit.hold(change.events(), hold, cause);
                    }
                }
                batch.forEach(change -> change.failed().accept(e));
                return;
            }
            LOG.debug("recorded {} change(s) in one transaction", batch.size());
            batch.forEach(change -> change.committed().run());
        } finally {
            writing.set(false);
            startWriting();
        }
    }
}
