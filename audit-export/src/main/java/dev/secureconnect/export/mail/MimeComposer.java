package dev.secureconnect.export.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.UUID;

/**
 * Builds the MIME message of a {@link MailMessage}: From, To, Subject (UTF-8), Date, a Message-ID in the sender's
 * domain, {@code Auto-Submitted: auto-generated} (RFC 3834: auto-responders do not answer it), and a
 * {@code text/plain} body or a {@code multipart/alternative} of text and HTML.
 */
final class MimeComposer {

    private final InternetAddress from;
    private final Clock clock;

    MimeComposer(InternetAddress from, Clock clock) {
        this.from = from;
        this.clock = clock;
    }

    MimeMessage compose(Session session, MailMessage message) throws MessagingException {
        String messageId = "<" + UUID.randomUUID() + "@" + domain() + ">";
        MimeMessage mime = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        mime.setFrom(from);
        InternetAddress[] to = message.to().stream()
                .map(address -> MailAddresses.parse(address, "to"))
                .toArray(InternetAddress[]::new);
        mime.setRecipients(MimeMessage.RecipientType.TO, to);
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setSentDate(Date.from(clock.instant()));
        mime.setHeader("Auto-Submitted", "auto-generated");
        if (message.html() == null) {
            mime.setText(message.text(), StandardCharsets.UTF_8.name(), "plain");
        } else {
            MimeBodyPart text = new MimeBodyPart();
            text.setText(message.text(), StandardCharsets.UTF_8.name(), "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(message.html(), StandardCharsets.UTF_8.name(), "html");
            mime.setContent(new MimeMultipart("alternative", text, html)); // the preferred part last (RFC 2046)
        }
        mime.saveChanges();
        return mime;
    }

    private String domain() {
        String address = from.getAddress();
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
