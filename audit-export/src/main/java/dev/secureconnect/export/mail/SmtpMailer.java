package dev.secureconnect.export.mail;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.export.DeliveryException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends e-mail through one SMTP server with Angus Mail, one connection per message.
 *
 * <p>Every connect, read and write is bounded by the settings' timeouts, so a dead server fails a send instead of
 * blocking it. Under STARTTLS or SMTPS the server's certificate must chain to the JDK's default trust or to the
 * settings' CA file, and name the configured host. A refusal by the server (a 4xx/5xx reply, a failed login), a
 * refused connection, a timeout or a failed handshake is a {@link DeliveryException} with one line naming the server
 * and its reply; the password never appears in it, nor in the logs.
 *
 * <pre>{@code
 * SmtpMailer mailer = new SmtpMailer(MailSettings.of("smtp.example.com", 587, MailSecurity.STARTTLS,
 *         "SecureConnect <secureconnect@example.com>").withLogin("secureconnect", password));
 * mailer.send(MailMessage.text(List.of("soc@example.com"), "appliance.clone-suspected SC-0001", text));
 * }</pre>
 */
public final class SmtpMailer {

    private static final Logger log = LoggerFactory.getLogger(SmtpMailer.class);

    private final MailSettings settings;
    private final Session session;
    private final MimeComposer composer;
    private final SmtpFailure failures;

    /**
     * @throws IllegalArgumentException when the CA file cannot be used
     */
    public SmtpMailer(MailSettings settings) {
        this(settings, Clock.systemUTC());
    }

    SmtpMailer(MailSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.session = Session.getInstance(SmtpProperties.of(settings));
        this.composer = new MimeComposer(MailAddresses.parse(settings.from(), "from"), requireNonNull(clock, "clock"));
        this.failures = new SmtpFailure(settings);
    }

    /**
     * Hands {@code message} to the server; returns once the server accepted it for every recipient.
     *
     * @throws DeliveryException "SMTP server host:port refused the message: 550 …", "… connection refused", …
     */
    public void send(MailMessage message) throws DeliveryException {
        requireNonNull(message, "message");
        Transport transport = null;
        try {
            MimeMessage mime = composer.compose(session, message);
            transport = session.getTransport("smtp");
            transport.connect(settings.host(), settings.port(), settings.user(), settings.password());
            transport.sendMessage(mime, mime.getAllRecipients());
            log.debug(
                    "SMTP server {} accepted {} for {} recipient(s)",
                    settings.server(),
                    mime.getMessageID(),
                    message.to().size());
        } catch (MessagingException e) {
            throw failures.of(e);
        } finally {
            closeQuietly(transport);
        }
    }

    /** {@code smtp starttls smtp.example.com:587}. */
    public String describe() {
        return "smtp " + settings.security().name().toLowerCase(java.util.Locale.ROOT) + " " + settings.server();
    }

    private void closeQuietly(@Nullable Transport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close(); // QUIT: the message was accepted or refused already
        } catch (MessagingException e) {
            log.debug("SMTP server {}: QUIT failed: {}", settings.server(), e.getMessage());
        }
    }
}
