package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.text.OneLine;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import io.netty.internal.tcnative.SSL;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The trust manager of one listener or client: the peer's chain must validate up to a trusted root with its
 * revocation status known (PKIX, {@link TrustMaterial#validator()}), carry RSA keys of at least 2048 bits and one of
 * the expected roles; a client also has the JDK verify the server's name. The handshake must have negotiated a suite
 * of {@link TlsPolicy#CIPHER_SUITES} (BoringSSL cannot be restricted to them for TLS 1.3). Every refusal goes to the
 * {@link HandshakeRefusalListener} before the handshake fails.
 *
 * <p>Resumed sessions are checked again: the JDK does not call a trust manager when a session is resumed, so Netty
 * calls {@link #resumeClientTrusted} / {@link #resumeServerTrusted} once such a handshake is done, and the peer's
 * chain goes through the same checks against the CRL as it is now (the server's name was verified when the session
 * was made, and the JDK resumes a session only with the host and port it was made for). A refused session is
 * invalidated so that it is not offered again; an accepted one is marked ({@link SslContexts#resumed}). A second full handshake on a connection (TLS 1.2 renegotiation) is
 * refused: a peer cannot swap its certificate on an open connection.
 */
final class PeerTrustManager extends X509ExtendedTrustManager implements ResumableX509ExtendedTrustManager {

    static final String UNKNOWN_PEER = "unknown";

    /**
     * The session value that marks a session resumed and checked again ({@link SslContexts#resumed}); set once the
     * resumption's checks passed.
     */
    static final String RESUMED = "dev.secureconnect.tls.resumed";

    private final TrustMaterial trust;
    /** The roles accepted, in the enum's order. */
    private final Set<CertificateRole> expectedRoles;
    /** The roles accepted as messages name them: {@code engineer}, {@code engineer or api-client}. */
    private final String expected;

    private final String side;
    private final HandshakeRefusalListener refusals;
    private final @Nullable X509ExtendedTrustManager hostNames;

    private PeerTrustManager(
            TrustMaterial trust,
            Set<CertificateRole> expectedRoles,
            String side,
            HandshakeRefusalListener refusals,
            @Nullable X509ExtendedTrustManager hostNames) {
        this.trust = requireNonNull(trust, "trust");
        this.expectedRoles = Set.copyOf(expectedRoles);
        this.expected = labels(expectedRoles, " or ");
        this.side = side;
        this.refusals = requireNonNull(refusals, "refusals");
        this.hostNames = hostNames;
    }

    /** For a listener: accepts client certificates of {@code clientRole} only. */
    static PeerTrustManager forListener(
            TrustMaterial trust, CertificateRole clientRole, HandshakeRefusalListener refusals) {
        return forListener(trust, Set.of(requireNonNull(clientRole, "clientRole")), refusals);
    }

    /**
     * For a listener: accepts client certificates of any of {@code clientRoles} (at least one), e.g. the engineer
     * listener's engineers and API clients; what each may do after the handshake is the listener's to decide.
     */
    static PeerTrustManager forListener(
            TrustMaterial trust, Set<CertificateRole> clientRoles, HandshakeRefusalListener refusals) {
        if (requireNonNull(clientRoles, "clientRoles").isEmpty()) {
            throw new IllegalArgumentException("clientRoles: [] (expected: at least one role)");
        }
        return new PeerTrustManager(
                trust, clientRoles, "the " + labels(clientRoles, "/") + " listener", refusals, null);
    }

    /** For a client: accepts a server certificate naming the host it dialled. */
    static PeerTrustManager forClient(TrustMaterial trust, HandshakeRefusalListener refusals) {
        return new PeerTrustManager(
                trust, Set.of(CertificateRole.SERVER), "this client", refusals, trust.jdkTrustManager());
    }

    /** The labels of {@code roles} in the enum's order, joined by {@code separator}. */
    static String labels(Set<CertificateRole> roles, String separator) {
        return EnumSet.copyOf(roles).stream().map(CertificateRole::label).collect(Collectors.joining(separator));
    }

    // ---- the checks ------------------------------------------------------------------------------------------

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        requireListener();
        check(chain, authType, engine, address(engine), false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        requireClient();
        check(chain, authType, engine, address(engine), false);
    }

    /** A listener's session was resumed: check the client's chain as if it had just been sent. */
    @Override
    public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
        requireListener();
        check(chain, null, engine, address(engine), true);
    }

    /** A client's session was resumed: check the server's chain as if it had just been sent. */
    @Override
    public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
        requireClient();
        check(chain, null, engine, address(engine), true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        requireListener();
        check(chain, authType, null, address(socket), false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        requireClient();
        check(chain, authType, null, address(socket), false);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireListener();
        check(chain, authType, null, UNKNOWN_PEER, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireClient();
        check(chain, authType, null, UNKNOWN_PEER, false);
    }

    /**
     * Names no CA: a listener's certificate request then lists no authorities, so every client presents the one
     * certificate it has (a JDK client would otherwise send none from an unknown CA) and the refusal is reported with
     * its real reason, {@code unknown-ca}, instead of a bare "no certificate".
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private void check(
            X509Certificate[] chain,
            @Nullable String authType,
            @Nullable SSLEngine engine,
            String peer,
            boolean resumed)
            throws CertificateException {
        String subject = chain == null || chain.length == 0
                ? ""
                : chain[0].getSubjectX500Principal().getName();
        try {
            if (chain == null || chain.length == 0) {
                throw refusal(Reason.INVALID, "the peer sent no certificate");
            }
            if (!resumed && engine != null && hasEstablishedSession(engine)) {
                throw refusal(
                        Reason.INVALID,
                        "the peer tried a second handshake on an open connection (renegotiation)"
                                + " to present certificate " + subject + ": renegotiation is not allowed");
            }
            List<X509Certificate> certificates = List.of(chain);
            trust.validator().validate(certificates, trust.clock().instant());
            for (X509Certificate certificate : certificates) {
                requireStrongKey(certificate);
                requireStrongSignature(certificate);
            }
            CertificateIdentity identity = requireRole(chain[0]);
            if (hostNames != null && !resumed) {
                verifyHostName(chain, authType, engine, identity);
            }
            requireAllowedCipherSuite(engine, resumed);
            if (resumed && engine != null) {
                engine.getSession().putValue(RESUMED, Boolean.TRUE);
            }
        } catch (CertificateRejectedException e) {
            if (resumed && engine != null) {
                engine.getSession().invalidate();
            }
            report(peer, subject, e);
            throw new CertificateException(
                    e.getMessage(), e.getCause() instanceof CertPathValidatorException cause ? cause : e);
        }
    }

    /**
     * Refuses a handshake that negotiated a suite outside {@link TlsPolicy#CIPHER_SUITES}: BoringSSL cannot be told
     * which TLS 1.3 suites to accept (it takes AES-128-GCM and ChaCha20-Poly1305 too), so the policy is enforced
     * here, on both providers, before the peer is let in.
     */
    private static void requireAllowedCipherSuite(@Nullable SSLEngine engine, boolean resumed) {
        if (engine == null) {
            return;
        }
        String suite = negotiatedCipherSuite(engine, resumed);
        if (!TlsPolicy.allowsCipherSuite(suite)) {
            throw refusal(Reason.INVALID, cipherSuiteRefusal(suite));
        }
    }

    /** The suite a handshake in progress ({@code resumed}: a resumed one) negotiated, null if none yet. */
    static @Nullable String negotiatedCipherSuite(SSLEngine engine, boolean resumed) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            // BoringSSL's session names its suite only once the handshake is done: ask the connection itself
            synchronized (openSsl) {
                long ssl = openSsl.sslPointer();
                return ssl == 0 ? null : SSL.getCipherForSSL(ssl);
            }
        }
        SSLSession session = resumed ? engine.getSession() : engine.getHandshakeSession();
        return session == null ? null : session.getCipherSuite();
    }

    /** Why a handshake on {@code suite} is refused, as refusals and the log say it. */
    static String cipherSuiteRefusal(@Nullable String suite) {
        return "the handshake negotiated cipher suite " + suite + ", which the TLS policy does not allow (expected: "
                + String.join(", ", TlsPolicy.CIPHER_SUITES) + ")";
    }

    /**
     * Refuses a certificate signed with MD5, SHA-1 or SHA-224 ({@link TlsPolicy#allowsSignatureAlgorithm}). A
     * self-signed root is the trust anchor: PKIX does not check its own signature, and neither does this.
     */
    private static void requireStrongSignature(X509Certificate certificate) {
        if (certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return;
        }
        if (!TlsPolicy.allowsSignatureAlgorithm(certificate.getSigAlgName())) {
            throw refusal(
                    Reason.INVALID,
                    "certificate " + KeyMaterial.subject(certificate) + " is signed with "
                            + certificate.getSigAlgName()
                            + ", which the TLS policy does not allow (expected: SHA-256 or"
                            + " stronger)");
        }
    }

    private static void requireStrongKey(X509Certificate certificate) {
        try {
            RsaKeySize.requireAcceptable(
                    certificate.getPublicKey(), "the key of certificate " + KeyMaterial.subject(certificate));
        } catch (CryptoException e) {
            throw refusal(Reason.INVALID, e.getMessage());
        }
    }

    private CertificateIdentity requireRole(X509Certificate leaf) {
        CertificateIdentity identity;
        try {
            identity = CertificateIdentity.of(leaf);
        } catch (CryptoException e) {
            throw refusal(
                    Reason.WRONG_ROLE,
                    side + " accepts only " + expected + " certificates; certificate " + KeyMaterial.subject(leaf)
                            + " is not one: " + e.getMessage());
        }
        if (!expectedRoles.contains(identity.role())) {
            throw refusal(
                    Reason.WRONG_ROLE,
                    side + " accepts only " + expected + " certificates, not the "
                            + identity.role().label() + " certificate of " + identity.describe());
        }
        return identity;
    }

    /** Lets the JDK check the server's name against the host this client dialled (RFC 2818 / RFC 6125). */
    private void verifyHostName(
            X509Certificate[] chain,
            @Nullable String authType,
            @Nullable SSLEngine engine,
            CertificateIdentity identity) {
        if (engine == null) {
            throw refusal(Reason.INVALID, "the server's name cannot be verified outside an SSLEngine handshake");
        }
        String host = engine.getPeerHost();
        String algorithm = engine.getSSLParameters().getEndpointIdentificationAlgorithm();
        if (host == null || !TlsPolicy.ENDPOINT_IDENTIFICATION.equalsIgnoreCase(algorithm)) {
            throw refusal(
                    Reason.INVALID,
                    "the server's name cannot be verified on this connection (host " + host
                            + ", endpoint identification " + algorithm + "): create it with SslContexts.clientHandler");
        }
        try {
            requireNonNull(hostNames, "hostNames").checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refusal(
                    Reason.INVALID,
                    "the certificate of " + identity.describe() + " does not match the host " + host
                            + " this client dialled: " + e.getMessage());
        }
    }

    private void report(String peer, @Nullable String subject, CertificateRejectedException e) {
        try {
            refusals.refused(peer, subject, e.reason(), e.getMessage());
        } catch (RuntimeException listenerFailure) {
            e.addSuppressed(listenerFailure);
        }
    }

    /**
     * A refusal whose message may quote what the peer sent (its names, a library's message about its chain): folded
     * onto one line ({@link OneLine#folded}) before it reaches a log, the audit or the peer's one-line error.
     */
    private static CertificateRejectedException refusal(Reason reason, @Nullable String message) {
        return new CertificateRejectedException(reason, OneLine.folded(String.valueOf(message)), null);
    }

    private static boolean hasEstablishedSession(SSLEngine engine) {
        SSLSession session = engine.getSession();
        if (session == null) {
            return false;
        }
        try {
            return session.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private void requireListener() throws CertificateException {
        if (hostNames != null) {
            throw new CertificateException("a client's trust manager cannot check client certificates");
        }
    }

    private void requireClient() throws CertificateException {
        if (hostNames == null) {
            throw new CertificateException("a listener's trust manager cannot check server certificates");
        }
    }

    static String address(SSLEngine engine) {
        if (engine == null || engine.getPeerHost() == null) {
            return UNKNOWN_PEER;
        }
        return hostAndPort(engine.getPeerHost(), engine.getPeerPort());
    }

    private static String address(Socket socket) {
        SocketAddress remote = socket == null ? null : socket.getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress inet) {
            return hostAndPort(inet.getHostString(), inet.getPort());
        }
        return remote == null ? UNKNOWN_PEER : remote.toString();
    }

    static String hostAndPort(String host, int port) {
        String shown = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return port < 0 ? shown : shown + ":" + port;
    }
}
