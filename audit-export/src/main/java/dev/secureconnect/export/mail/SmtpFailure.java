package dev.secureconnect.export.mail;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.export.DeliveryException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what Angus Mail throws into a one-line {@link DeliveryException} that names the server and, where the
 * server answered, quotes its reply ({@code 550 5.1.1 mailbox unknown}); never the password.
 */
final class SmtpFailure {

    /** An SMTP reply: a 4xx or 5xx code, then text. */
    private static final Pattern REPLY = Pattern.compile("^[45]\\d\\d\\b.*", Pattern.DOTALL);

    private final MailSettings settings;

    SmtpFailure(MailSettings settings) {
        this.settings = settings;
    }

    DeliveryException of(MessagingException e) {
        String server = "SMTP server " + settings.server();
        List<Throwable> chain = chain(e);
        String reply = reply(chain);
        if (e instanceof AuthenticationFailedException) {
            return failure(
                    server + " refused the login as " + settings.user()
                            + (reply == null ? (e.getMessage() == null ? "" : ": " + e.getMessage()) : ": " + reply),
                    e);
        }
        if (reply != null) {
            return failure(server + " refused the message: " + reply, e);
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException) {
                return failure(server + ": connection refused", e);
            }
            if (t instanceof UnknownHostException) {
                return failure(server + ": unknown host", e);
            }
            if (t instanceof SocketTimeoutException) {
                return failure(
                        server + " did not answer within "
                                + (e.getMessage() != null && e.getMessage().startsWith("Couldn't connect")
                                        ? settings.connectTimeout()
                                        : settings.timeout()),
                        e);
            }
            if (t instanceof SSLException) {
                return failure("TLS with " + server + " failed: " + innermostMessage(t), e);
            }
        }
        if (settings.security() == MailSecurity.STARTTLS
                && String.valueOf(e.getMessage()).contains("STARTTLS")) {
            return failure(server + " does not offer STARTTLS, which the settings require", e);
        }
        return failure(server + ": " + innermostMessage(e), e);
    }

    private DeliveryException failure(String message, Exception cause) {
        return new DeliveryException(scrub(message), cause);
    }

    /** The first server reply in the chain (a failed recipient's reply comes nested in the send failure). */
    private static @Nullable String reply(List<Throwable> chain) {
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message != null && REPLY.matcher(message.strip()).matches()) {
                return message.strip();
            }
        }
        return null;
    }

    private static List<Throwable> chain(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t) && chain.size() < 16; ) {
            chain.add(t);
            Throwable next = t instanceof MessagingException m && m.getNextException() != null
                    ? m.getNextException()
                    : t.getCause();
            t = next;
        }
        return chain;
    }

    private static String innermostMessage(Throwable e) {
        String message = e.getClass().getSimpleName();
        for (Throwable t : chain(e)) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }

    /** One line, without the password even if a server or library echoed it. */
    private String scrub(String message) {
        String line = OneLine.folded(message);
        if (settings.password() != null && !settings.password().isEmpty()) {
            line = line.replace(settings.password(), "***");
        }
        return line;
    }
}
