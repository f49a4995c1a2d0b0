package dev.secureconnect.server.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.secureconnect.export.mail.MailSecurity;
import dev.secureconnect.export.mail.MailSettings;
import dev.secureconnect.export.mail.SmtpMailer;
import dev.secureconnect.server.appliances.ApplianceContacts;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.cases.AlertRules;
import dev.secureconnect.server.cases.CaseOpener;
import dev.secureconnect.server.cases.CaseSeverity;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cases.SupportCase;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.reports.SessionReports;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.Eventually;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle that breaks two rules opens two cases, and the mail notifier sends each to whom its severity says: the
 * high one to the appliance's contacts and the support queue, the low one to the support queue only (GreenMail).
 */
class CaseMailTest {

    @RegisterExtension
    static final GreenMailExtension SMTP =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @TempDir
    Path dir;

    @StorageTest
    void aCaseIsMailedToTheContactsAndTheSupportQueueBySeverity(TestDatabase test) throws Exception {
        Clock clock = Clock.systemUTC();
        ServerAuditLog audit = new ServerAuditLog(test.database(), clock);
        ApplianceContacts contacts = new ApplianceContacts(test.database(), clock);
        contacts.set("SN-CASE-1", List.of("admin@customer.example"));
        Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: raid
                    title: "RAID check {subject} failing: {value}"
                    severity: critical
                    when: {healthCheckFailing: raid}
                    scope: {commands: [raid-status], duration: PT4H}
                  - name: old
                    title: "version {value} is old"
                    severity: low
                    when: {versionBelow: "9"}
                """);
        CaseOpener opener = new CaseOpener(AlertRules.load(dir, audit), new CaseStore(test.database(), audit, clock));
        ServerConfig.CallHome settings = new ServerConfig.CallHome(
                null, null, null, null, "support@vendor.example", CaseSeverity.LOW, CaseSeverity.HIGH);
        SmtpMailer mailer = new SmtpMailer(MailSettings.of(
                        "127.0.0.1", SMTP.getSmtp().getPort(), MailSecurity.NONE, "secureconnect@vendor.example")
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        try (ExportSinks sinks = new ExportSinks(
                audit,
                new SinkCursors(test.database(), clock),
                sink -> {
                    throw new AssertionError();
                },
                new ServerConfig.Audit(null, null, Duration.ofMillis(50), Duration.ofMillis(200)),
                clock)) {
            sinks.notifyByMail(mailer, contacts, new SessionReports(audit, Optional.empty()), settings);

            List<SupportCase> opened = opener.bundleStored(
                    "SN-CASE-1", "6f1c1f0e-4a8b-4c53-9a54-0a1b2c3d4e5f", """
                    {"product": {"version": "1.2.0"},
                     "healthChecks": [{"name": "raid", "healthy": false, "exitStatus": 3, "expectExit": 0}]}
                    """.getBytes(StandardCharsets.UTF_8));
            assertThat(opened).extracting(SupportCase::rule).containsExactly("raid", "old");

            // one mail to two recipients and one to the queue: three deliveries
            Eventually.within(Duration.ofSeconds(30), "3 mails", () -> SMTP.getReceivedMessages().length >= 3);
            MimeMessage[] mails = SMTP.getReceivedMessages();
            assertThat(mails).hasSize(3);
            SupportCase raid = opened.get(0);
            MimeMessage raidMail = Arrays.stream(mails)
                    .filter(m -> subject(m).contains(raid.id()))
                    .findFirst()
                    .orElseThrow();
            assertThat(subject(raidMail))
                    .isEqualTo("[SecureConnect] case " + raid.id()
                            + " (critical) on SN-CASE-1: RAID check raid failing: exit status 3 (expected 0)");
            assertThat(raidMail.getAllRecipients())
                    .extracting(Object::toString)
                    .containsExactly("admin@customer.example", "support@vendor.example");
            assertThat(GreenMailUtil.getBody(raidMail))
                    .contains("raid-status")
                    .contains("PT4H")
                    .contains("sc-server cases show " + raid.id());
            MimeMessage oldMail = Arrays.stream(mails)
                    .filter(m -> subject(m).contains(opened.get(1).id()))
                    .findFirst()
                    .orElseThrow();
            assertThat(oldMail.getAllRecipients())
                    .extracting(Object::toString)
                    .containsExactly("support@vendor.example");
        }
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
