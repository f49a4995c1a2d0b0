package dev.secureconnect.appliance.audit;

import java.util.concurrent.CompletableFuture;

/** Receives the appliance's audit events; {@link ApplianceAuditLog} writes them to {@code DIR/audit.log}. */
@FunctionalInterface
public interface AuditSink {

    /**
     * Records one event durably before returning.
     *
     * @throws dev.secureconnect.appliance.ApplianceException if it cannot be recorded
     */
    void record(ApplianceAuditEvent event);

    /**
     * Records one event without making an event loop wait for the disk: the future completes once it is durable, or
     * fails if it cannot be recorded now (nothing is retried: what the record was to allow must not happen). This
     * default records on the caller's thread.
     */
    default CompletableFuture<?> submit(ApplianceAuditEvent event) {
        try {
            record(event);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Records an event that follows an action already done ({@code stream.closed}, {@code command.run}): it is retried
     * until it is durable and never dropped. The future completes once it is. This default records on the caller's
     * thread and does not retry.
     */
    default CompletableFuture<?> submitRetried(ApplianceAuditEvent event) {
        return submit(event);
    }
}
