package dev.secureconnect.server.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.secureconnect.events.EventType;
import dev.secureconnect.export.mail.MailSecurity;
import dev.secureconnect.export.mail.MailSettings;
import dev.secureconnect.export.mail.SmtpMailer;
import dev.secureconnect.server.appliances.ApplianceContacts;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.reports.SessionReports;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.Eventually;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The mail notifier against a real SMTP server (GreenMail on 127.0.0.1, a free port). */
class MailNotifierTest {

    @RegisterExtension
    static final GreenMailExtension SMTP =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    private static final ServerConfig.Audit FAST_RETRY =
            new ServerConfig.Audit(null, null, Duration.ofMillis(50), Duration.ofMillis(200));

    private static SmtpMailer mailer() {
        return new SmtpMailer(MailSettings.of(
                        "127.0.0.1", SMTP.getSmtp().getPort(), MailSecurity.NONE, "secureconnect@vendor.example")
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    private static void session(ServerAuditLog audit, String session) {
        audit.append(ServerAuditEvent.builder(EventType.STREAM_OPENED)
                .actor("alice")
                .appliance("SN-MAIL-1")
                .ticket("12345678")
                .session(session)
                .source("198.51.100.7:50123")
                .detail("kind", "exec")
                .detail("target", "collect-logs")
                .build());
        audit.append(ServerAuditEvent.builder(EventType.COMMAND_RUN)
                .actor("alice")
                .appliance("SN-MAIL-1")
                .ticket("12345678")
                .session(session)
                .detail("name", "collect-logs")
                .detail("args", "[\"--since\",\"1h\"]")
                .detail("exitStatus", "3")
                .build());
        audit.append(ServerAuditEvent.builder(EventType.STREAM_CLOSED)
                .actor("alice")
                .appliance("SN-MAIL-1")
                .ticket("12345678")
                .session(session)
                .detail("kind", "exec")
                .detail("reason", "exit status 3")
                .build());
    }

    private static void await(String what, BooleanSupplier condition) {
        Eventually.within(Duration.ofSeconds(30), what, condition);
    }

    @StorageTest
    void theContactsGetAConnectMailAndAnEndMailWithTheSessionReport(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        new ApplianceContacts(test.database(), Clock.systemUTC())
                .set("SN-MAIL-1", List.of("admin@customer.example", "security@customer.example"));
        try (ExportSinks sinks = new ExportSinks(
                audit,
                new SinkCursors(test.database(), Clock.systemUTC()),
                sink -> {
                    throw new AssertionError();
                },
                FAST_RETRY,
                Clock.systemUTC())) {
            sinks.notifyByMail(
                    mailer(),
                    new ApplianceContacts(test.database(), Clock.systemUTC()),
                    new SessionReports(audit, Optional.empty()));
            session(audit, "s-mail-1");
            audit.append(ServerAuditEvent.builder(EventType.STREAM_OPENED)
                    .actor("bob")
                    .appliance("SN-NO-CONTACTS")
                    .session("s-other")
                    .build());

            await("4 mails (2 per contact)", () -> SMTP.getReceivedMessages().length >= 4);
            MimeMessage[] mails = SMTP.getReceivedMessages();
            assertThat(mails).hasSize(4);
            assertThat(mails[0].getSubject())
                    .isEqualTo("[SecureConnect] alice connected to SN-MAIL-1 (ticket 12345678)");
            String connected = GreenMailUtil.getBody(mails[0]);
            assertThat(connected)
                    .contains("s-mail-1")
                    .contains("collect-logs")
                    .contains("198.51.100.7:50123")
                    .contains("sc-appliance disable");
            MimeMessage ended = mails[3];
            assertThat(ended.getSubject())
                    .isEqualTo("[SecureConnect] session ended on SN-MAIL-1 (ticket 12345678): alice");
            String report = GreenMailUtil.getBody(ended);
            assertThat(report)
                    .contains("alice")
                    .contains("SN-MAIL-1")
                    .contains("12345678")
                    .contains("collect-logs --since 1h")
                    .contains("exit 3")
                    .contains("text/html");
            assertThat(ended.getAllRecipients())
                    .extracting(Object::toString)
                    .containsExactly("admin@customer.example", "security@customer.example");
        }
    }

    @StorageTest
    void aMailServerThatIsDownDelaysTheMailsLosesNoneAndIsAudited(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), Clock.systemUTC());
        new ApplianceContacts(test.database(), Clock.systemUTC()).set("SN-MAIL-1", List.of("admin@customer.example"));
        int closedPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        SmtpMailer down = new SmtpMailer(
                MailSettings.of("127.0.0.1", closedPort, MailSecurity.NONE, "secureconnect@vendor.example")
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        SinkCursors cursors = new SinkCursors(test.database(), Clock.systemUTC());
        try (ExportSinks sinks = new ExportSinks(
                audit,
                cursors,
                sink -> {
                    throw new AssertionError();
                },
                FAST_RETRY,
                Clock.systemUTC())) {
            sinks.notifyByMail(
                    down,
                    new ApplianceContacts(test.database(), Clock.systemUTC()),
                    new SessionReports(audit, Optional.empty()));
            session(audit, "s-mail-2");
            await("the failure is audited", () -> audit.list(0, 100).stream()
                    .anyMatch(r -> r.event().type() == EventType.SINK_DELIVERY_FAILING));
            SinkCursor cursor = cursors.get("mail").orElseThrow();
            assertThat(cursor.failing()).isTrue();
            assertThat(cursor.deliveredSeq()).isZero();
            assertThat(cursor.lastError()).contains("127.0.0.1:" + closedPort);
        }
        // the server restarts with a mail server that answers: both mails of the session arrive
        try (ExportSinks sinks = new ExportSinks(
                audit,
                cursors,
                sink -> {
                    throw new AssertionError();
                },
                FAST_RETRY,
                Clock.systemUTC())) {
            sinks.notifyByMail(
                    mailer(),
                    new ApplianceContacts(test.database(), Clock.systemUTC()),
                    new SessionReports(audit, Optional.empty()));
            await("both mails", () -> SMTP.getReceivedMessages().length >= 2);
            assertThat(SMTP.getReceivedMessages())
                    .extracting(MimeMessage::getSubject)
                    .containsExactly(
                            "[SecureConnect] alice connected to SN-MAIL-1 (ticket 12345678)",
                            "[SecureConnect] session ended on SN-MAIL-1 (ticket 12345678): alice");
            await("recovery audited", () -> audit.list(0, 100).stream()
                    .anyMatch(r -> r.event().type() == EventType.SINK_DELIVERY_RECOVERED));
        }
    }
}
