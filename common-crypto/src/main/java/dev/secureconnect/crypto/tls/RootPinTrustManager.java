package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.text.OneLine;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A client's trust in nothing but a root CA's SHA-256 fingerprint ({@link SslContexts#pinnedRootClient}): the
 * server's chain must end in the certificate with that fingerprint, a CA certificate; then the chain is checked as
 * every client checks it ({@link PeerTrustManager#forClient} over trust in that root: PKIX, server role, host name,
 * cipher suite). A mismatch is reported ({@code unknown-ca}) and fails the handshake, before any application data.
 */
final class RootPinTrustManager extends X509ExtendedTrustManager {

    private final CertificateFingerprint root;
    private final HandshakeRefusalListener refusals;

    RootPinTrustManager(CertificateFingerprint root, HandshakeRefusalListener refusals) {
        this.root = requireNonNull(root, "root");
        this.refusals = requireNonNull(refusals, "refusals");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        pinned(chain, peer(engine)).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pinned(chain, "unknown").checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pinned(chain, "unknown").checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client's trust manager checks no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client's trust manager checks no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client's trust manager checks no clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The client trust in the chain's last certificate, once it is the pinned root. */
    private PeerTrustManager pinned(X509Certificate @Nullable [] chain, String peer) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw refused(peer, "", "the server sent no certificate");
        }
        String subject = chain[0].getSubjectX500Principal().getName();
        X509Certificate last = chain[chain.length - 1];
        CertificateFingerprint presented = CertificateFingerprint.of(last);
        if (!presented.equals(root)) {
            throw refused(
                    peer,
                    subject,
                    "the server's certificate chain ends in "
                            + last.getSubjectX500Principal().getName() + " (SHA-256 "
                            + presented.colonHex() + "), not in the root CA the enrolment code pins (SHA-256 "
                            + root.colonHex() + "): this is not the server the code was made for; nothing was sent");
        }
        TrustMaterial trust;
        try {
            trust = TrustMaterial.withoutRevocationCheck(
                    List.of(last), Arrays.asList(chain).subList(1, Math.max(1, chain.length - 1)));
        } catch (CryptoException e) {
            throw refused(peer, subject, "the server's chain cannot be used: " + e.getMessage());
        }
        return PeerTrustManager.forClient(trust, refusals);
    }

    /** A refusal; its message, which quotes the server's names, folded onto one line ({@link OneLine#folded}). */
    private CertificateException refused(String peer, String subject, String message) {
        String oneLine = OneLine.folded(message);
        refusals.refused(peer, subject, Reason.UNKNOWN_CA, oneLine);
        return new CertificateException(oneLine);
    }

    private static String peer(@Nullable SSLEngine engine) {
        return engine == null || engine.getPeerHost() == null
                ? "unknown"
                : engine.getPeerHost() + ":" + engine.getPeerPort();
    }
}
