package dev.secureconnect.export.webhook;

import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.export.ReceiverTrust;
import javax.net.ssl.SSLParameters;

/**
 * The TLS parameters of a webhook client; its trust (the JDK's default, or the CA certificates of a PEM file) comes
 * from {@link dev.secureconnect.export.ReceiverTrust}. The JDK client checks the receiver's name against its
 * certificate either way.
 */
final class WebhookTls {

    private WebhookTls() {}

    /** {@link TlsPolicy}'s protocol versions, cipher suites and signature constraints. */
    static SSLParameters parameters() {
        return ReceiverTrust.parameters();
    }
}
