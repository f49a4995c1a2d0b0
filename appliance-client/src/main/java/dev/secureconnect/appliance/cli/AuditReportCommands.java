package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.events.EventType;
import dev.secureconnect.reports.ReportException;
import dev.secureconnect.reports.ReportFormat;
import dev.secureconnect.reports.ReportRenderer;
import dev.secureconnect.reports.SessionEntry;
import dev.secureconnect.reports.SessionReport;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audit report} and {@code audit sessions}: the support sessions the appliance's own audit log records, one
 * at a time as a report (who, ticket, when, how long, every action) or all of them as a list.
 */
final class AuditReportCommands {

    private AuditReportCommands() {}

    @Command(
            name = "report",
            description = "Shows one support session from the audit log: the engineer, ticket, start,"
                    + " end and duration, and every action in it, as text or HTML.")
    static final class Report implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Parameters(index = "0", paramLabel = "SESSION_ID", description = "The session's id (see 'audit sessions').")
        String sessionId;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "text",
                converter = FormatConverter.class,
                description = "text (the default) or html.")
        ReportFormat format;

        @Option(
                names = "--templates",
                paramLabel = "FOLDER",
                description = "A folder whose session.txt.hbs or" + " session.html.hbs replaces the shipped template.")
        Path templates;

        Report(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            SessionReport report;
            try {
                report = SessionReport.of(sessionId, entries(directory, console));
            } catch (ReportException e) {
                throw new ApplianceException(
                        e.getMessage() + " in " + directory.auditFile() + ": 'sc-appliance audit sessions --dir "
                                + directory + "' lists the sessions it records",
                        e);
            }
            try {
                console.out()
                        .print(ReportRenderer.of(Optional.ofNullable(templates)).render(report, format));
            } catch (ReportException e) {
                throw new ApplianceException(e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(
            name = "sessions",
            description = "Lists the support sessions in the audit log: id, start, engineer, ticket,"
                    + " kind, target and whether each is still open.")
    static final class Sessions implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        Sessions(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            List<SessionEntry> entries = entries(dir.open(), console);
            List<String> ids =
                    entries.stream().map(SessionEntry::sessionId).distinct().toList();
            if (ids.isEmpty()) {
                console.out().println("the audit log records no support session");
                return 0;
            }
            TextTable table = new TextTable("SESSION", "STARTED", "ENGINEER", "TICKET", "KIND", "TARGET", "STATUS");
            for (String id : ids) {
                SessionReport report = SessionReport.of(id, entries);
                table.row(
                        id,
                        report.start().truncatedTo(ChronoUnit.SECONDS),
                        report.engineer(),
                        report.ticket(),
                        report.kind(),
                        report.target(),
                        report.isOpen() ? "open" : "ended: " + report.outcome());
            }
            table.print(console.out());
            return 0;
        }
    }

    /** The records of the log that belong to a session, as reports read them. */
    static List<SessionEntry> entries(ApplianceDirectory directory, Console console) {
        String serial = serial(directory);
        List<SessionEntry> entries = new ArrayList<>();
        for (ApplianceAuditRecord record : new ApplianceAuditLog(directory, console.clock()).records()) {
            if (record.session() != null) {
                entries.add(entry(record, serial));
            }
        }
        return entries;
    }

    /**
     * One appliance record as a report reads it: the target, reason and byte counts become the details a server record
     * would carry ({@code bytesToService} is what came from the server, so to the appliance), lists become JSON arrays.
     * The appliance's log names neither the appliance (it is this one) nor the engineer's address.
     */
    @SuppressWarnings("NullAway") // a field the appliance log does not record stays null in the entry, as before
    static SessionEntry entry(ApplianceAuditRecord record, @Nullable String serial) {
        Map<String, String> details = new LinkedHashMap<>();
        if (record.details() != null) {
            record.details().forEach((key, value) -> details.put(key, text(value)));
        }
        details.putIfAbsent(SessionEntry.TARGET, record.target());
        details.putIfAbsent(SessionEntry.REASON, record.reason());
        if (record.bytesToService() != null) {
            details.putIfAbsent(
                    SessionEntry.BYTES_TO_APPLIANCE, record.bytesToService().toString());
        }
        if (record.bytesFromService() != null) {
            details.putIfAbsent(
                    SessionEntry.BYTES_FROM_APPLIANCE, record.bytesFromService().toString());
        }
        return new SessionEntry(
                record.seq(),
                Instant.parse(record.time()),
                EventType.byId(record.eventId()),
                record.outcome(),
                record.actor(),
                serial,
                record.ticket(),
                record.session(),
                null,
                details);
    }

    private static @Nullable String text(@Nullable Object value) {
        if (value instanceof List<?>) {
            try {
                return Json.COMPACT.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode " + value, e);
            }
        }
        return value == null ? null : value.toString();
    }

    /** The serial in the appliance's certificate, or null when it cannot be read (a report still shows the rest). */
    private static @Nullable String serial(ApplianceDirectory directory) {
        try {
            Path certificate = directory.resolve(directory.config().files().certificate());
            return CertificateIdentity.of(Pem.readCertificate(certificate)).id();
        } catch (ApplianceException | CryptoException e) {
            return null;
        }
    }

    static final class FormatConverter implements CommandLine.ITypeConverter<ReportFormat> {
        @Override
        public ReportFormat convert(String value) {
            try {
                return ReportFormat.parse(value);
            } catch (ReportException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
