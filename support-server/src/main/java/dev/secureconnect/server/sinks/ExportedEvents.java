package dev.secureconnect.server.sinks;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import java.util.Map;
import java.util.TreeMap;

/** Audit records as the export formats take them. */
public final class ExportedEvents {

    /**
     * The detail an exported {@code audit.checkpoint} record carries its signature in (a compact ES256 JWS over
     * {@code {"seq","hash","node","signedAt"}}): a receiver holds an anchor that {@code sc-server audit verify
     * --anchor} checks. The stored record has no such detail: the signature signs that record's hash.
     */
    public static final String CHECKPOINT_SIGNATURE = "jws";

    private ExportedEvents() {}

    /** The record as stored. */
    public static ExportedEvent of(ServerAuditRecord record) {
        return of(record, Map.of());
    }

    /** The record as stored, and, for a signed {@code audit.checkpoint} record, its signature. */
    public static ExportedEvent of(ServerAuditRecord record, ServerAuditLog audit) {
        if (record.event().type() != EventType.AUDIT_CHECKPOINT) {
            return of(record);
        }
        return of(
                record,
                audit.checkpointSignature(record.seq())
                        .map(jws -> Map.of(CHECKPOINT_SIGNATURE, jws))
                        .orElse(Map.of()));
    }

    private static ExportedEvent of(ServerAuditRecord record, Map<String, String> more) {
        ServerAuditEvent event = record.event();
        Map<String, String> details = event.details();
        if (!more.isEmpty()) {
            details = new TreeMap<>(details);
            details.putAll(more);
        }
        return new ExportedEvent(
                record.seq(),
                record.time(),
                event.type(),
                event.outcome().code(),
                event.actor(),
                event.applianceSerial(),
                event.ticket(),
                event.sessionId(),
                event.sourceAddress(),
                details,
                record.hash());
    }
}
