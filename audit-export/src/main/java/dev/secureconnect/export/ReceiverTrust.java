package dev.secureconnect.export;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.crypto.tls.TrustMaterial;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The TLS context with which a destination dials its receiver (a syslog server, a webhook, a mail server): trust in
 * the CA certificates of a PEM file, without revocation check (an export client holds no CRL), and optionally a client
 * certificate to present; and SecureConnect's one {@link TlsPolicy} for every transport: its protocol versions, cipher
 * suites and signature constraints ({@link #parameters()}, {@link #socketFactory}), so no export transport offers
 * AES-128 or accepts a SHA-1 signature in the handshake or in the receiver's chain. The check of the receiver's name
 * is the caller's.
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
    public static SSLContext sslContext(@Nullable Path caFile) {
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
    public static SSLContext sslContext(@Nullable Path caFile, @Nullable KeyMaterial clientKeys) {
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

    /**
     * The TLS parameters of {@link TlsPolicy} for a JDK client (the webhook's HTTP client): its protocols, its cipher
     * suites and its signature constraints, which the JDK also applies to the receiver's certificate chain.
     */
    public static SSLParameters parameters() {
        return TlsPolicy.applyTo(new SSLParameters());
    }

    /**
     * The socket factory of {@link #sslContext(Path, KeyMaterial)} whose every socket has {@link TlsPolicy}
     * applied ({@link #parameters()}) before its handshake: for the transports that open their own sockets
     * (syslog over TLS, the mail library).
     */
    public static SSLSocketFactory socketFactory(@Nullable Path caFile, @Nullable KeyMaterial clientKeys) {
        return new PolicySocketFactory(sslContext(caFile, clientKeys).getSocketFactory());
    }

    private static TrustManager @Nullable [] trustManagers(@Nullable Path caFile) {
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

    private static KeyManager @Nullable [] keyManagers(@Nullable KeyMaterial keys) throws GeneralSecurityException {
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

    /** Applies {@link TlsPolicy} to every socket the JDK's factory makes. */
    private static final class PolicySocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory jdk;

        PolicySocketFactory(SSLSocketFactory jdk) {
            this.jdk = jdk;
        }

        private static Socket withPolicy(Socket socket) {
            SSLSocket tls = (SSLSocket) socket;
            tls.setSSLParameters(TlsPolicy.applyTo(tls.getSSLParameters()));
            return tls;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return TlsPolicy.CIPHER_SUITES.toArray(String[]::new);
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return TlsPolicy.CIPHER_SUITES.toArray(String[]::new);
        }

        @Override
        public Socket createSocket() throws IOException {
            return withPolicy(jdk.createSocket());
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return withPolicy(jdk.createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return withPolicy(jdk.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return withPolicy(jdk.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return withPolicy(jdk.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return withPolicy(jdk.createSocket(address, port, localAddress, localPort));
        }
    }
}
