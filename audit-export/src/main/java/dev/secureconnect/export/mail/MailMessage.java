package dev.secureconnect.export.mail;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One e-mail: plain text, or text and HTML as {@code multipart/alternative}.
 *
 * @param to the recipients, at least one, each checked strictly as an e-mail address
 * @param subject one line
 * @param text the plain-text body
 * @param html the HTML body, or null for a text-only mail
 */
public record MailMessage(
        List<String> to,
        String subject,
        String text,
        @Nullable String html) {

    public MailMessage {
        to = List.copyOf(requireNonNull(to, "to"));
        if (to.isEmpty()) {
            throw new IllegalArgumentException("to: none (expected: at least one recipient)");
        }
        to.forEach(address -> MailAddresses.parse(address, "to"));
        requireNonNull(subject, "subject");
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("subject: has a line break (expected: one line)");
        }
        requireNonNull(text, "text");
    }

    /** A text-only mail. */
    public static MailMessage text(List<String> to, String subject, String text) {
        return new MailMessage(to, subject, text, null);
    }
}
