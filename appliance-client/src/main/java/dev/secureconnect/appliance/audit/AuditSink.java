package dev.secureconnect.appliance.audit;

/** Receives the appliance's audit events; {@link ApplianceAuditLog} writes them to {@code DIR/audit.log}. */
@FunctionalInterface
public interface AuditSink {

    /**
     * Records one event durably before returning.
     *
     * @throws dev.secureconnect.appliance.ApplianceException if it cannot be recorded
     */
    void record(ApplianceAuditEvent event);
}
