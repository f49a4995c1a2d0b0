package dev.secureconnect.crypto.tls;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * SecureConnect's TLS policy, the one place it is written down; every listener and every client takes its
 * protocols, cipher suites and handshake timeout from here through {@link SslContexts}.
 *
 * <ul>
 *   <li>TLS 1.3, then TLS 1.2; nothing older.</li>
 *   <li>Cipher suites, most preferred first: {@code TLS_AES_256_GCM_SHA384} (TLS 1.3), then for TLS 1.2 only
 *       {@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384} and {@code TLS_DHE_RSA_WITH_AES_256_GCM_SHA384}: forward
 *       secrecy always, no RSA key exchange, no CBC, no AES-128.</li>
 *   <li>Certificates: RSA keys of at least 2048 bits, on both sides of every connection; the client's certificate
 *       is required by every listener.</li>
 *   <li>Every connection is checked against the CRL as it is when the connection is made, resumed sessions
 *       included (their peer certificate is checked again). No renegotiation: a peer cannot swap its certificate on
 *       an open connection.</li>
 *   <li>A handshake that has not finished after {@link #HANDSHAKE_TIMEOUT} is abandoned.</li>
 * </ul>
 *
 * <p>Both {@link TlsProvider}s apply it. On BoringSSL ({@link TlsProvider#OPENSSL}) there is no DHE, so TLS 1.2 is
 * ECDHE-RSA only, and the TLS 1.3 suites cannot be restricted: the trust managers refuse any handshake that negotiated
 * a suite outside {@link #CIPHER_SUITES}, so a peer is never let in over AES-128 or ChaCha20. BoringSSL refuses
 * renegotiation by itself.
 */
public final class TlsPolicy {

    /** The protocol versions, in the JDK's names, most preferred first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The cipher suites, in the JDK's (IANA) names, most preferred first. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");

    /**
     * The suites configured on BoringSSL. For TLS 1.2 ECDHE only: BoringSSL has no DHE key exchange at all. TLS 1.3
     * suites cannot be chosen there: BoringSSL always offers and accepts AES-128-GCM, AES-256-GCM and
     * ChaCha20-Poly1305, and turns TLS 1.3 off when none is named, so all three are named, as what it really does.
     * The trust managers then refuse a handshake that negotiated anything but {@link #CIPHER_SUITES}, see
     * {@link #allowsCipherSuite}: a peer is let in only over {@code TLS_AES_256_GCM_SHA384} or
     * {@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}.
     */
    static final List<String> OPENSSL_CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

    /** How long a handshake may take, by default: a peer that stalls longer is disconnected. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** The host name verification the JDK applies to the server's certificate on every client (RFC 2818). */
    static final String ENDPOINT_IDENTIFICATION = "HTTPS";

    private TlsPolicy() {}

    /** The suites configured on {@code provider} ({@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}). */
    static List<String> cipherSuites(TlsProvider provider) {
        return provider == TlsProvider.OPENSSL ? OPENSSL_CIPHER_SUITES : CIPHER_SUITES;
    }

    /** BoringSSL's names of {@link #CIPHER_SUITES} (TLS 1.3 suites have their IANA names there). */
    private static final List<String> OPENSSL_NAMES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "DHE-RSA-AES256-GCM-SHA384");

    /** Whether a handshake that negotiated {@code suite} (the JDK's name or BoringSSL's) is within the policy. */
    static boolean allowsCipherSuite(@Nullable String suite) {
        return CIPHER_SUITES.contains(suite) || OPENSSL_NAMES.contains(suite);
    }

    /** Checks a configured handshake timeout: at least a millisecond, at most a minute. */
    static Duration requireHandshakeTimeout(Duration timeout) {
        if (timeout == null || timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("handshakeTimeout: " + timeout + " (expected: >= PT0.001S and <= PT1M)");
        }
        return timeout;
    }
}
