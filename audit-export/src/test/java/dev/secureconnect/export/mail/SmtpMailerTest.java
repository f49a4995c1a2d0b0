package dev.secureconnect.export.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.secureconnect.export.DeliveryException;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plain SMTP with AUTH against GreenMail. */
class SmtpMailerTest {

    private static final String PASSWORD = "s3cret-Pa55";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(
                    new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("sc@example.com", "sc", PASSWORD));

    private static MailSettings settings(String password) {
        return MailSettings.of(
                        "127.0.0.1", SMTP.getSmtp().getPort(), MailSecurity.NONE, "SecureConnect <sc@example.com>")
                .withLogin("sc", password)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void sendsATextMail() throws Exception {
        new SmtpMailer(settings(PASSWORD))
                .send(MailMessage.text(
                        List.of("soc@example.com", "Ops <ops@example.org>"),
                        "appliance.clone-suspected SC-0001 – café",
                        "Two links with the certificate of SC-0001.\n"));

        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(2); // one copy per recipient mailbox
        MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("appliance.clone-suspected SC-0001 – café");
        assertThat(Arrays.stream(mail.getAllRecipients()).map(Address::toString))
                .containsExactly("soc@example.com", "Ops <ops@example.org>");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("SecureConnect <sc@example.com>");
        assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(mail.getMessageID()).matches("<[0-9a-f-]{36}@example\\.com>");
        assertThat(mail.getSentDate()).isNotNull();
        assertThat(mail.isMimeType("text/plain")).isTrue();
        assertThat(((String) mail.getContent()).strip()).isEqualTo("Two links with the certificate of SC-0001.");
    }

    @Test
    void sendsTextAndHtmlAsAlternatives() throws Exception {
        new SmtpMailer(settings(PASSWORD))
                .send(new MailMessage(
                        List.of("soc@example.com"),
                        "login.locked alice",
                        "alice is locked out",
                        "<p><b>alice</b> is locked out</p>"));

        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.isMimeType("multipart/alternative")).isTrue();
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(((String) parts.getBodyPart(0).getContent()).strip()).isEqualTo("alice is locked out");
        assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
        assertThat((String) parts.getBodyPart(1).getContent()).contains("<b>alice</b>");
    }

    @Test
    void aWrongPasswordFailsWithTheServersReplyAndWithoutThePassword() {
        String wrong = "wrong-Pa55word";
        SmtpMailer mailer = new SmtpMailer(settings(wrong));

        assertThatThrownBy(() -> mailer.send(MailMessage.text(List.of("soc@example.com"), "s", "t")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageStartingWith(
                        "SMTP server 127.0.0.1:" + SMTP.getSmtp().getPort() + " refused the login as sc: 535")
                .hasMessageNotContaining(wrong)
                .hasMessageNotContaining("\n");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void aRefusedPortFailsInOneLine() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SmtpMailer mailer =
                new SmtpMailer(MailSettings.of("127.0.0.1", closedPort, MailSecurity.NONE, "sc@example.com"));

        assertThatThrownBy(() -> mailer.send(MailMessage.text(List.of("soc@example.com"), "s", "t")))
                .isInstanceOf(DeliveryException.class)
                .hasMessage("SMTP server 127.0.0.1:" + closedPort + ": connection refused");
    }

    @Test
    void starttlsIsRequiredNotOpportunistic() {
        // GreenMail's SMTP has no STARTTLS: a mailer that requires it must refuse to send in clear
        SmtpMailer mailer = new SmtpMailer(
                MailSettings.of("127.0.0.1", SMTP.getSmtp().getPort(), MailSecurity.STARTTLS, "sc@example.com")
                        .withLogin("sc", PASSWORD));

        assertThatThrownBy(() -> mailer.send(MailMessage.text(List.of("soc@example.com"), "s", "t")))
                .isInstanceOf(DeliveryException.class)
                .hasMessage("SMTP server 127.0.0.1:" + SMTP.getSmtp().getPort()
                        + " does not offer STARTTLS, which the settings require");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void addressesAreCheckedStrictly() {
        assertThatThrownBy(() -> MailMessage.text(List.of("soc@example.com", "bob@"), "s", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("to: 'bob@' is not an e-mail address (");
        assertThatThrownBy(() -> MailMessage.text(List.of("bob"), "s", "t"))
                .hasMessageStartingWith("to: 'bob' is not an e-mail address (");
        assertThatThrownBy(() -> MailMessage.text(List.of("soc@example.com"), "a\r\nBcc: x@example.com", "t"))
                .hasMessage("subject: has a line break (expected: one line)");
        assertThatThrownBy(() -> MailSettings.of("smtp.example.com", 587, MailSecurity.STARTTLS, "no address"))
                .hasMessageStartingWith("from: 'no address' is not an e-mail address (");
    }

    @Test
    void theSettingsNeverShowThePassword() {
        assertThat(settings(PASSWORD).toString()).doesNotContain(PASSWORD).contains("password=***");
    }
}
