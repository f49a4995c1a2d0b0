package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import io.netty.handler.ssl.OpenSslPrivateKeyMethod;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Makes BoringSSL's handshake signatures ({@link TlsProvider#OPENSSL}) follow {@link TlsPolicy}, which BoringSSL
 * cannot be told through netty-tcnative: it would sign with {@code rsa_pkcs1_sha1} for a TLS 1.2 peer that offers
 * nothing better, and it takes any TLS 1.3 suite.
 *
 * <p>Every signature of the handshake comes here (Netty's {@link OpenSslPrivateKeyMethod}): the listener's
 * ServerKeyExchange (TLS 1.2) and CertificateVerify (TLS 1.3), the client's CertificateVerify. Only RSA-PSS and
 * PKCS#1 v1.5 over SHA-256, SHA-384 or SHA-512 are signed; anything else fails the handshake. On a listener the
 * signature is made after BoringSSL has chosen the suite, so a handshake on a suite outside
 * {@link TlsPolicy#CIPHER_SUITES} (TLS 1.3's AES-128-GCM and ChaCha20-Poly1305) fails here. BoringSSL still sends
 * the ServerHello it had written, naming that suite, with its alert: the listener's {@link ClientHelloCheck} refuses
 * such a ClientHello before BoringSSL sees it, and this is the backstop. Every refusal goes to the
 * {@link HandshakeRefusalListener}.
 */
final class PolicySigner implements OpenSslPrivateKeyMethod {

    private final PrivateKey key;
    private final boolean listener;
    private final HandshakeRefusalListener refusals;

    /**
     * @param key the endpoint's own private key, the one of its {@link KeyMaterial}
     * @param listener whether this signs for a listener, which also checks the negotiated suite
     */
    PolicySigner(PrivateKey key, boolean listener, HandshakeRefusalListener refusals) {
        this.key = requireNonNull(key, "key");
        this.listener = listener;
        this.refusals = requireNonNull(refusals, "refusals");
    }

    @Override
    public byte[] sign(SSLEngine engine, int signatureAlgorithm, byte[] input) throws Exception {
        if (listener) {
            String suite = PeerTrustManager.negotiatedCipherSuite(engine, false);
            if (!TlsPolicy.allowsCipherSuite(suite)) {
                throw refused(engine, PeerTrustManager.cipherSuiteRefusal(suite));
            }
        }
        Signature signature = signature(signatureAlgorithm);
        if (signature == null) {
            throw refused(
                    engine,
                    "the handshake asked for signature algorithm 0x"
                            + Integer.toHexString(signatureAlgorithm)
                            + ", which the TLS policy does not allow: the peer"
                            + " offered no RSA signature over SHA-256 or stronger");
        }
        try {
            signature.initSign(key);
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new SSLHandshakeException("cannot sign the handshake: " + e.getMessage());
        }
    }

    /** RSA key exchange is not in the policy: BoringSSL never asks for a decryption. */
    @Override
    public byte[] decrypt(SSLEngine engine, byte[] input) throws Exception {
        throw refused(engine, "the handshake asked for an RSA key exchange, which the TLS policy does not allow");
    }

    /** A fresh JCA signature for a TLS signature algorithm of the policy, null for any other. */
    private static @Nullable Signature signature(int algorithm) throws GeneralSecurityException {
        // netty-tcnative reads these numbers from BoringSSL at run time: not constants a switch can take
        if (algorithm == SSL_SIGN_RSA_PKCS1_SHA256) {
            return Signature.getInstance("SHA256withRSA");
        } else if (algorithm == SSL_SIGN_RSA_PKCS1_SHA384) {
            return Signature.getInstance("SHA384withRSA");
        } else if (algorithm == SSL_SIGN_RSA_PKCS1_SHA512) {
            return Signature.getInstance("SHA512withRSA");
        } else if (algorithm == SSL_SIGN_RSA_PSS_RSAE_SHA256) {
            return pss("SHA-256", MGF1ParameterSpec.SHA256, 32);
        } else if (algorithm == SSL_SIGN_RSA_PSS_RSAE_SHA384) {
            return pss("SHA-384", MGF1ParameterSpec.SHA384, 48);
        } else if (algorithm == SSL_SIGN_RSA_PSS_RSAE_SHA512) {
            return pss("SHA-512", MGF1ParameterSpec.SHA512, 64);
        }
        return null;
    }

    private static Signature pss(String hash, MGF1ParameterSpec mgf, int saltLength) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, saltLength, 1));
        return signature;
    }

    private SSLHandshakeException refused(SSLEngine engine, String message) {
        SSLHandshakeException refusal = new SSLHandshakeException(message);
        try {
            refusals.refused(PeerTrustManager.address(engine), "", Reason.INVALID, message);
        } catch (RuntimeException listenerFailure) {
            refusal.addSuppressed(listenerFailure);
        }
        return refusal;
    }
}
