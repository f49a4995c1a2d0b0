package dev.secureconnect.server.reports;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.reports.ReportFormat;
import dev.secureconnect.reports.ReportRenderer;
import dev.secureconnect.reports.SessionEntry;
import dev.secureconnect.reports.SessionReport;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Session reports from the server's audit log: every record carrying the session id, rendered with the shipped
 * Handlebars templates or those of {@code server.yaml}'s {@code reports.templates} folder.
 */
public final class SessionReports {

    private final ServerAuditLog audit;
    private final ReportRenderer renderer;

    /**
     * @param templates a folder overriding the shipped templates, or empty
     * @throws dev.secureconnect.reports.ReportException one line naming the file, if an override does not compile
     */
    public SessionReports(ServerAuditLog audit, Optional<Path> templates) {
        this.audit = requireNonNull(audit, "audit");
        this.renderer = ReportRenderer.of(templates);
    }

    /**
     * The report of one session.
     *
     * @throws dev.secureconnect.reports.ReportException if no record carries {@code sessionId}
     */
    public SessionReport report(String sessionId) {
        List<SessionEntry> entries =
                audit.session(sessionId).stream().map(SessionReports::entry).toList();
        return SessionReport.of(sessionId, entries);
    }

    public String render(SessionReport report, ReportFormat format) {
        return renderer.render(report, format);
    }

    static SessionEntry entry(ServerAuditRecord record) {
        ServerAuditEvent event = record.event();
        return new SessionEntry(
                record.seq(),
                record.time(),
                event.type(),
                event.outcome().code(),
                event.actor(),
                event.applianceSerial(),
                event.ticket(),
                event.sessionId(),
                event.sourceAddress(),
                event.details());
    }
}
