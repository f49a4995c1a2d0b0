package dev.secureconnect.export.webhook;

import dev.secureconnect.crypto.tls.TlsPolicy;
import javax.net.ssl.SSLParameters;

/**
 * The TLS parameters of a webhook client; its trust (the JDK's default, or the CA certificates of a PEM file) comes
 * from {@link dev.secureconnect.export.ReceiverTrust}. The JDK client checks the receiver's name against its
 * certificate either way.
 */
final class WebhookTls {

    private WebhookTls() {}

    /** SecureConnect's protocol versions ({@link TlsPolicy#PROTOCOLS}); the receiver's cipher suites are left to the JDK. */
    static SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
        return parameters;
    }
}
