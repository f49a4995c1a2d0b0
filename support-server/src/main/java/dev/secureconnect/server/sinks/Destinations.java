package dev.secureconnect.server.sinks;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.token.OwnerOnlyFiles;
import dev.secureconnect.export.Destination;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.file.JsonLinesFile;
import dev.secureconnect.export.file.JsonLinesSettings;
import dev.secureconnect.export.format.MessageFormat;
import dev.secureconnect.export.format.SyslogFacility;
import dev.secureconnect.export.mail.MailSecurity;
import dev.secureconnect.export.mail.MailSettings;
import dev.secureconnect.export.mail.SmtpMailer;
import dev.secureconnect.export.syslog.SyslogDestination;
import dev.secureconnect.export.syslog.SyslogSettings;
import dev.secureconnect.export.syslog.SyslogTransport;
import dev.secureconnect.export.webhook.WebhookDestination;
import dev.secureconnect.export.webhook.WebhookSettings;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.config.Sink;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Makes the {@link Destination} a configured {@link Sink} describes; paths are relative to the server directory. */
public final class Destinations {

    /** The product version in CEF/LEEF headers and JSON. */
    public static final String PRODUCT_VERSION = "0.1.0";

    private final Path serverDir;
    private final ExportOrigin origin;

    public Destinations(Path serverDir, String node) {
        this.serverDir = requireNonNull(serverDir, "serverDir");
        this.origin = new ExportOrigin(requireNonNull(node, "node"), "sc-server", PRODUCT_VERSION);
    }

    public ExportOrigin origin() {
        return origin;
    }

    /**
     * The destination of {@code sink}.
     *
     * @throws IllegalArgumentException one line naming the sink, if a file it needs is missing or a setting is
     *     invalid
     */
    public Destination open(Sink sink) {
        String what = "sink '" + sink.name() + "'";
        try {
            return switch (sink.type()) {
                case "syslog" -> syslog(sink);
                case "webhook" -> webhook(sink);
                default ->
                    new JsonLinesFile(
                            new JsonLinesSettings(
                                    serverDir.resolve(sink.path()).normalize(), sink.maxBytes(), sink.keep()),
                            origin);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code sink} can run here: its filter parses and its destination can be made (files exist,
     * settings valid). Connects to nothing.
     *
     * @throws IllegalArgumentException one line naming the sink and the problem
     */
    public void check(Sink sink) {
        EventFilter.of(sink);
        open(sink).close();
    }

    private Destination syslog(Sink sink) {
        ServerConfig.Listener target = ServerConfig.Listener.parse(sink.target());
        SyslogTransport transport = SyslogTransport.parse(sink.transport());
        SyslogSettings settings = new SyslogSettings(
                transport,
                target.host(),
                target.port(),
                MessageFormat.parse(sink.format()),
                SyslogFacility.parse(sink.facility()).code(),
                existing(sink.ca(), "ca"),
                existing(sink.certificate(), "certificate"),
                existing(sink.key(), "key"),
                sink.connectTimeout(),
                sink.timeout());
        return new SyslogDestination(settings, origin);
    }

    /**
     * The SMTP mailer {@code server.yaml}'s {@code mail} section describes.
     *
     * @throws IllegalArgumentException one line, if the password or CA file cannot be read
     */
    public SmtpMailer mailer(ServerConfig.Mail mail) {
        MailSettings settings = MailSettings.of(
                        mail.host(),
                        mail.port(),
                        MailSecurity.valueOf(mail.security().toUpperCase(java.util.Locale.ROOT)),
                        requireNonNull(mail.from(), "an enabled mail section has its sender (checked at load)"))
                .withTimeouts(mail.timeout(), mail.timeout());
        if (mail.user() != null) {
            String password = mail.passwordFile() == null
                    ? ""
                    : secret(
                            requireNonNull(existing(mail.passwordFile(), "mail passwordFile"), "checked above"),
                            "SMTP password");
            settings = settings.withLogin(mail.user(), password);
        }
        Path ca = existing(mail.ca(), "mail ca");
        return new SmtpMailer(ca == null ? settings : settings.withCa(ca));
    }

    /** The first line of an owner-only secret file. */
    private static String secret(Path file, String what) {
        try {
            OwnerOnlyFiles.requireOwnerOnly(file, what);
            return new String(OwnerOnlyFiles.read(file), StandardCharsets.UTF_8).strip();
        } catch (IOException | CryptoException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private Destination webhook(Sink sink) {
        byte[] secret = secret(
                        requireNonNull(existing(sink.secretFile(), "secretFile"), "a webhook sink has its secretFile"),
                        "webhook secret")
                .getBytes(StandardCharsets.UTF_8);
        WebhookSettings settings = WebhookSettings.of(URI.create(sink.url().trim()), secret)
                .withTimeouts(sink.connectTimeout(), sink.timeout());
        Path ca = existing(sink.ca(), "ca");
        return new WebhookDestination(ca == null ? settings : settings.withCa(ca), origin);
    }

    /** {@code path} resolved against the server directory, which must exist; null stays null. */
    @Nullable
    Path existing(@Nullable String path, String field) {
        if (path == null) {
            return null;
        }
        Path resolved = serverDir.resolve(path).normalize();
        if (!Files.isReadable(resolved)) {
            throw new IllegalArgumentException(field + " " + resolved + " does not exist or cannot be read");
        }
        return resolved;
    }
}
