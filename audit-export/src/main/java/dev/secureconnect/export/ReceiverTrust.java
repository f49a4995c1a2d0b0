package dev.secureconnect.export;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The TLS context with which a destination dials its receiver (a syslog server, a webhook, a mail server): trust in
 * the CA certificates of a PEM file, without revocation check (an export client holds no CRL), and optionally a client
 * certificate to present. Protocol versions, cipher suites and the check of the receiver's name are the caller's, as
 * each transport sets them differently.
 *
 * <pre>{@code
 * SSLContext tls = ReceiverTrust.sslContext(Path.of("/etc/secureconnect/siem-ca.pem"));
 * }</pre>
 */
public final class ReceiverTrust {

    private ReceiverTrust() {}

    /**
     * The context trusting {@code caFile}'s certificates, or the JDK's default context when {@code caFile} is null.
     *
     * @throws IllegalArgumentException {@code ca: } and one line naming the file and what is wrong with it
     */
    public static SSLContext sslContext(Path caFile) {
        return sslContext(caFile, null);
    }

    /**
     * The context trusting {@code caFile}'s certificates (the JDK's default trust when it is null) and presenting
     * {@code clientKeys} when the receiver asks for a client certificate.
     *
     * @param caFile PEM file of the CA certificate(s) the receiver's certificate must chain to, or null
     * @param clientKeys the client's key and certificate chain, or null to present none
     * @throws IllegalArgumentException {@code ca: } and one line naming the file and what is wrong with it
     */
    public static SSLContext sslContext(Path caFile, KeyMaterial clientKeys) {
        try {
            if (caFile == null && clientKeys == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(clientKeys), trustManagers(caFile), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(Path caFile) {
        if (caFile == null) {
            return null; // the JDK's default trust
        }
        try {
            TrustMaterial trust = TrustMaterial.withoutRevocationCheck(Pem.readCertificates(caFile), List.of());
            return new TrustManager[] {trust.validator().trustManager()};
        } catch (CryptoException e) {
            throw new IllegalArgumentException("ca: " + OneLine.folded(e.getMessage()), e);
        }
    }

    private static KeyManager[] keyManagers(KeyMaterial keys) throws GeneralSecurityException {
        if (keys == null) {
            return null;
        }
        char[] password = "in-memory".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        store.setKeyEntry("client", keys.privateKey(), password, keys.chain().toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }
}
