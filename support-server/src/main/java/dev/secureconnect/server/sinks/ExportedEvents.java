package dev.secureconnect.server.sinks;

import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditRecord;

/** Audit records as the export formats take them. */
public final class ExportedEvents {

    private ExportedEvents() {}

    public static ExportedEvent of(ServerAuditRecord record) {
        ServerAuditEvent event = record.event();
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
                event.details(),
                record.hash());
    }
}
