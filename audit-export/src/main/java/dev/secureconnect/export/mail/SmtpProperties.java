package dev.secureconnect.export.mail;

import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.export.ReceiverTrust;
import java.util.Properties;

/**
 * The Angus Mail session properties for {@link MailSettings}: every timeout set (the library's default is to wait
 * forever), TLS as the settings ask and never less (STARTTLS required, not opportunistic), the server's name checked
 * against its certificate, SecureConnect's {@link TlsPolicy} (protocol versions, cipher suites, signature constraints,
 * through {@link ReceiverTrust#socketFactory}), and with a CA file the trust of {@link ReceiverTrust} (no revocation
 * check: a mail client has no CRL).
 */
final class SmtpProperties {

    private SmtpProperties() {}

    /**
     * @throws IllegalArgumentException when the CA file cannot be used
     */
    static Properties of(MailSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", "smtp");
        properties.setProperty("mail.smtp.host", settings.host());
        properties.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        properties.setProperty(
                "mail.smtp.connectiontimeout",
                Long.toString(settings.connectTimeout().toMillis()));
        properties.setProperty(
                "mail.smtp.timeout", Long.toString(settings.timeout().toMillis()));
        properties.setProperty(
                "mail.smtp.writetimeout", Long.toString(settings.timeout().toMillis()));
        properties.setProperty("mail.smtp.auth", Boolean.toString(settings.user() != null));
        properties.setProperty(
                "mail.smtp.from", MailAddresses.parse(settings.from(), "from").getAddress());
        switch (settings.security()) {
            case NONE -> {
                properties.setProperty("mail.smtp.starttls.enable", "false");
                properties.setProperty("mail.smtp.ssl.enable", "false");
            }
            case STARTTLS -> {
                properties.setProperty("mail.smtp.starttls.enable", "true");
                properties.setProperty("mail.smtp.starttls.required", "true");
                tls(properties, settings);
            }
            case SMTPS -> {
                properties.setProperty("mail.smtp.ssl.enable", "true");
                tls(properties, settings);
            }
        }
        return properties;
    }

    private static void tls(Properties properties, MailSettings settings) {
        properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        properties.setProperty("mail.smtp.ssl.protocols", String.join(" ", TlsPolicy.PROTOCOLS));
        properties.setProperty("mail.smtp.ssl.ciphersuites", String.join(" ", TlsPolicy.CIPHER_SUITES));
        // an object, not a string: the library takes the factory itself from here, and its sockets carry the
        // policy's signature constraints (with the JDK's default trust when no CA file is configured)
        properties.put("mail.smtp.ssl.socketFactory", ReceiverTrust.socketFactory(settings.ca(), null));
    }
}
