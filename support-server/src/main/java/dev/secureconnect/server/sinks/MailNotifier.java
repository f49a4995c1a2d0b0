package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.mail.MailMessage;
import dev.secureconnect.export.mail.SmtpMailer;
import dev.secureconnect.reports.ReportException;
import dev.secureconnect.reports.ReportFormat;
import dev.secureconnect.reports.SessionReport;
import dev.secureconnect.server.appliances.ApplianceContacts;
import dev.secureconnect.server.cases.CaseSeverity;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.reports.SessionReports;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an appliance's contacts when a support session on it starts ({@code stream.opened}) and ends
 * ({@code stream.closed}, with the session report as text and HTML), and the contacts and the support queue when Call
 * Home opens a case ({@code case.opened}), each from the severity {@code callHome} of server.yaml sets. It reads the audit log like an export sink,
 * under the cursor {@value #NAME}: a mail server that is down or rejects delays the mails (retried with back-off,
 * audited as {@code sink.delivery-failing}) and never the link or the sessions; a restart resends at most the mail
 * in flight.
 */
final class MailNotifier implements Destination {

    static final String NAME = "mail";
    static final EventFilter EVENTS = new EventFilter(
            dev.secureconnect.events.Severity.DEBUG,
            List.of(
                    new EventFilter.IdRange(EventType.STREAM_OPENED.id(), EventType.STREAM_OPENED.id()),
                    new EventFilter.IdRange(EventType.STREAM_CLOSED.id(), EventType.STREAM_CLOSED.id()),
                    new EventFilter.IdRange(EventType.CASE_OPENED.id(), EventType.CASE_OPENED.id())),
            Set.of());
    private static final Logger LOG = LoggerFactory.getLogger(MailNotifier.class);

    private final SmtpMailer mailer;
    private final ApplianceContacts contacts;
    private final SessionReports reports;
    private final ServerConfig.CallHome cases;

    MailNotifier(SmtpMailer mailer, ApplianceContacts contacts, SessionReports reports, ServerConfig.CallHome cases) {
        this.mailer = requireNonNull(mailer, "mailer");
        this.contacts = requireNonNull(contacts, "contacts");
        this.reports = requireNonNull(reports, "reports");
        this.cases = requireNonNull(cases, "cases");
    }

    /** One event per delivery, so a failure never resends the mails before it. */
    @Override
    public int maxBatch() {
        return 1;
    }

    @Override
    public void deliver(List<ExportedEvent> events) throws DeliveryException {
        for (ExportedEvent event : events) {
            Optional<MailMessage> mail = mail(event);
            if (mail.isPresent()) {
                mailer.send(mail.get());
                LOG.info(
                        "mailed {} of {} on {} to {} address(es)",
                        event.type().eventName(),
                        event.sessionId() == null ? event.details().get("caseId") : event.sessionId(),
                        event.applianceSerial(),
                        mail.get().to().size());
            }
        }
    }

    private Optional<MailMessage> mail(ExportedEvent event) {
        if (event.type() == EventType.CASE_OPENED) {
            return caseMail(event);
        }
        if (event.applianceSerial() == null || event.sessionId() == null) {
            return Optional.empty();
        }
        List<String> to = contacts.of(event.applianceSerial());
        if (to.isEmpty()) {
            return Optional.empty();
        }
        String who = event.actor() == null ? "an engineer" : event.actor();
        String where = event.applianceSerial() + (event.ticket() == null ? "" : " (ticket " + event.ticket() + ")");
        if (event.type() == EventType.STREAM_OPENED) {
            String text =
                    "Support engineer " + who + " started a " + event.details().getOrDefault("kind", "support")
                            + " session on appliance " + where + " at " + event.time() + ".\n\n"
                            + "  Session  " + event.sessionId() + "\n"
                            + "  Target   " + event.details().getOrDefault("target", "-") + "\n"
                            + "  From     " + (event.sourceAddress() == null ? "-" : event.sourceAddress()) + "\n\n"
                            + "To end every session at once, run on the appliance: sc-appliance disable\n"
                            + "You will get the session report when it ends.\n";
            return Optional.of(MailMessage.text(to, "[SecureConnect] " + who + " connected to " + where, text));
        }
        try {
            SessionReport report = reports.report(event.sessionId());
            return Optional.of(new MailMessage(
                    to,
                    "[SecureConnect] session ended on " + where + ": " + who,
                    reports.render(report, ReportFormat.TEXT),
                    reports.render(report, ReportFormat.HTML)));
        } catch (ReportException e) {
            LOG.warn("no report for session {} on {}: {}", event.sessionId(), event.applianceSerial(), e.getMessage());
            return Optional.of(MailMessage.text(
                    to,
                    "[SecureConnect] session ended on " + where + ": " + who,
                    "Session " + event.sessionId() + " of " + who + " on " + where + " ended at " + event.time()
                            + ".\n(Its report could not be made: " + e.getMessage() + ")\n"));
        }
    }

    /** {@code case.opened}: to the contacts and the support queue, each if the case is severe enough for them. */
    private Optional<MailMessage> caseMail(ExportedEvent event) {
        String appliance = event.applianceSerial();
        if (appliance == null) {
            return Optional.empty();
        }
        Map<String, String> details = event.details();
        CaseSeverity severity;
        try {
            severity = CaseSeverity.of(details.get("severity"));
        } catch (IllegalArgumentException e) {
            severity = CaseSeverity.HIGH;
        }
        Set<String> to = new LinkedHashSet<>();
        if (severity.atLeast(cases.contactsFrom())) {
            to.addAll(contacts.of(appliance));
        }
        if (!cases.supportQueue().isEmpty() && severity.atLeast(cases.supportQueueFrom())) {
            to.add(cases.supportQueue());
        }
        if (to.isEmpty()) {
            return Optional.empty();
        }
        String id = details.getOrDefault("caseId", "?");
        String title = details.getOrDefault("title", "?");
        String text = "Call Home opened case " + id + " for appliance " + appliance + " at " + event.time() + ".\n\n"
                + "  Case      " + id + "\n"
                + "  Title     " + title + "\n"
                + "  Severity  " + severity.text() + "\n"
                + "  Rule      " + details.getOrDefault("rule", "-") + "\n"
                + "  Bundle    " + details.getOrDefault("bundleId", "-") + "\n"
                + "  Access    " + details.getOrDefault("scope", "-") + "\n\n"
                + "The support team sees it with: sc-server cases show " + id + "\n";
        return Optional.of(MailMessage.text(
                List.copyOf(to),
                "[SecureConnect] case " + id + " (" + severity.text() + ") on " + appliance + ": " + title,
                text));
    }

    @Override
    public String describe() {
        return "mail via " + mailer.describe();
    }

    @Override
    public void close() {
        // one SMTP connection per mail: nothing held open
    }
}
