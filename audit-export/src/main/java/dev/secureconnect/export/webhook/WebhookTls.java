package dev.secureconnect.export.webhook;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.crypto.tls.TrustMaterial;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The TLS side of a webhook client: the JDK's default trust, or the CA certificates of a PEM file (without revocation
 * check: a webhook client holds no CRL). The JDK client checks the receiver's name against its certificate either way.
 */
final class WebhookTls {

    private WebhookTls() {}

    /**
     * The context trusting {@code caFile}'s certificates, or the JDK's default context when it is null.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static SSLContext context(Path caFile) {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            TrustMaterial trust = TrustMaterial.withoutRevocationCheck(Pem.readCertificates(caFile), List.of());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust.validator().trustManager()}, null);
            return context;
        } catch (CryptoException e) {
            throw new IllegalArgumentException("ca: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context: " + e.getMessage(), e);
        }
    }

    /** SecureConnect's protocol versions ({@link TlsPolicy#PROTOCOLS}); the receiver's cipher suites are left to the JDK. */
    static SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
        return parameters;
    }
}
