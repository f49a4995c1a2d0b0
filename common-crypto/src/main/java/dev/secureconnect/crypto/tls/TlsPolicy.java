package dev.secureconnect.crypto.tls;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLParameters;
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
 *   <li>Signatures: no MD5, SHA-1 or SHA-224, neither in the certificates of the peer's chain (its self-signed
 *       root, which PKIX does not check, aside) nor in the handshake: the TLS 1.2 signature algorithms offered and
 *       accepted are SHA-256 or stronger (RSA-PSS or PKCS#1 v1.5), and a handshake that would need a weaker one
 *       fails. See {@link #allowsSignatureAlgorithm}.</li>
 *   <li>Every connection is checked against the CRL as it is when the connection is made, resumed sessions
 *       included (their peer certificate is checked again). No renegotiation: a peer cannot swap its certificate on
 *       an open connection.</li>
 *   <li>A handshake that has not finished after {@link #HANDSHAKE_TIMEOUT} is abandoned.</li>
 * </ul>
 *
 * <p>Both {@link TlsProvider}s apply it. On BoringSSL ({@link TlsProvider#OPENSSL}) there is no DHE, so TLS 1.2 is
 * ECDHE-RSA only, and the TLS 1.3 suites cannot be restricted: the trust managers refuse any handshake that negotiated
 * a suite outside {@link #CIPHER_SUITES}, so a peer is never let in over AES-128 or ChaCha20. BoringSSL refuses
 * renegotiation by itself. There, the signature algorithms cannot be configured either: the listener and client sign
 * through {@link PolicySigner}, which signs only with the algorithms of the policy and, on a listener, only once the
 * handshake has chosen a suite of {@link #CIPHER_SUITES}. A listener's {@link ClientHelloCheck} refuses a TLS 1.3
 * ClientHello on which BoringSSL would choose AES-128 or ChaCha20 before BoringSSL sees it, so no ServerHello names
 * them ({@link SslContexts#clientHelloCheck}). BoringSSL's CertificateRequest still lists {@code rsa_pkcs1_sha1}
 * among the signature algorithms it accepts from a client (netty-tcnative cannot set that list): a listener's
 * {@link CertificateVerifyCheck} refuses a client's TLS 1.2 CertificateVerify signed with anything outside the policy
 * before BoringSSL reads it ({@link SslContexts#certificateVerifyCheck}); likewise a BoringSSL client offers and
 * accepts {@code rsa_pkcs1_sha1} from a server, and a client's {@link ServerKeyExchangeCheck} refuses a server's TLS
 * 1.2 ServerKeyExchange signed outside the policy ({@link SslContexts#serverKeyExchangeCheck}). On the JDK the
 * handshake's signature
 * schemes are restricted per connection by {@link #SIGNATURE_CONSTRAINTS}
 * ({@link SSLParameters#setAlgorithmConstraints}).
 *
 * <p>Connections SecureConnect makes with the JDK's own sockets and HTTP clients (the audit export transports) take
 * the same protocols, suites and signature constraints from {@link #applyTo(SSLParameters)}.
 */
public final class TlsPolicy {

    /** The protocol versions, in the JDK's names, most preferred first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The cipher suites, in the JDK's (IANA) names, most preferred first. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");

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
    private static final List<String> OPENSSL_NAMES =
            List.of("TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "DHE-RSA-AES256-GCM-SHA384");

    /** Whether a handshake that negotiated {@code suite} (the JDK's name or BoringSSL's) is within the policy. */
    static boolean allowsCipherSuite(@Nullable String suite) {
        return CIPHER_SUITES.contains(suite) || OPENSSL_NAMES.contains(suite);
    }

    /**
     * The hashes never accepted in a signature, as they appear in the JDK's names ({@code SHA1withRSA}) and the TLS
     * names ({@code rsa_pkcs1_sha1}, {@code ecdsa_sha224}) once upper-cased and stripped of dashes.
     */
    private static final List<String> REFUSED_SIGNATURE_HASHES = List.of("MD2", "MD5", "SHA1", "SHA224");

    /**
     * Whether a signature algorithm, in the JDK's name ({@code SHA256withRSA}, {@code RSASSA-PSS}) or the TLS name of
     * a signature scheme ({@code rsa_pss_rsae_sha256}), is within the policy: anything but MD2, MD5, SHA-1 and SHA-224.
     */
    public static boolean allowsSignatureAlgorithm(String algorithm) {
        if (algorithm == null) {
            return false;
        }
        String name = algorithm.toUpperCase(Locale.ROOT).replace("-", "");
        return REFUSED_SIGNATURE_HASHES.stream().noneMatch(name::contains);
    }

    /**
     * The JDK's handshake constraints of the policy: refuses every algorithm {@link #allowsSignatureAlgorithm}
     * refuses (so the signature schemes offered, chosen and accepted in TLS 1.2 and 1.3, and the certificates the
     * JDK's own trust manager checks), on top of the JDK's {@code jdk.tls.disabledAlgorithms}, which still apply.
     * Set on every engine by {@link SslContexts} and on every JDK socket by {@link #applyTo}.
     */
    public static final AlgorithmConstraints SIGNATURE_CONSTRAINTS = new AlgorithmConstraints() {
        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
            return allowsSignatureAlgorithm(algorithm);
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
            return true;
        }

        @Override
        public boolean permits(
                Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
            return allowsSignatureAlgorithm(algorithm);
        }
    };

    /**
     * Applies the policy to the parameters of a JDK socket or engine SecureConnect opens outside Netty (the audit
     * export transports): {@link #PROTOCOLS}, {@link #CIPHER_SUITES} and {@link #SIGNATURE_CONSTRAINTS}. Host name
     * verification and trust stay the caller's.
     *
     * @return {@code parameters}
     */
    public static SSLParameters applyTo(SSLParameters parameters) {
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        parameters.setAlgorithmConstraints(SIGNATURE_CONSTRAINTS);
        return parameters;
    }

    /** Checks a configured handshake timeout: at least a millisecond, at most a minute. */
    static Duration requireHandshakeTimeout(Duration timeout) {
        if (timeout == null || timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("handshakeTimeout: " + timeout + " (expected: >= PT0.001S and <= PT1M)");
        }
        return timeout;
    }
}
