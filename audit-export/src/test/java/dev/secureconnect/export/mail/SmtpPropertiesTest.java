package dev.secureconnect.export.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What the mailer asks of Angus Mail, for what a test server cannot show (GreenMail has no STARTTLS). */
class SmtpPropertiesTest {

    private static MailSettings settings(MailSecurity security) {
        return MailSettings.of("smtp.example.com", 587, security, "sc@example.com")
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(7));
    }

    @Test
    void starttlsIsRequiredAndTheServersNameChecked() {
        Properties properties = SmtpProperties.of(settings(MailSecurity.STARTTLS));

        assertThat(properties.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
        assertThat(properties.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(properties.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
        assertThat(properties.getProperty("mail.smtp.ssl.protocols")).isEqualTo("TLSv1.3 TLSv1.2");
        assertThat(properties.getProperty("mail.smtp.ssl.trust")).isNull();
    }

    @Test
    void smtpsChecksTheServersName() {
        Properties properties = SmtpProperties.of(settings(MailSecurity.SMTPS));

        assertThat(properties.getProperty("mail.smtp.ssl.enable")).isEqualTo("true");
        assertThat(properties.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
    }

    @Test
    void everyWaitIsBounded() {
        Properties properties = SmtpProperties.of(settings(MailSecurity.NONE));

        assertThat(properties.getProperty("mail.smtp.connectiontimeout")).isEqualTo("3000");
        assertThat(properties.getProperty("mail.smtp.timeout")).isEqualTo("7000");
        assertThat(properties.getProperty("mail.smtp.writetimeout")).isEqualTo("7000");
        assertThat(properties.getProperty("mail.smtp.starttls.enable")).isEqualTo("false");
    }
}
