package dev.secureconnect.crypto.pki;

import java.security.PublicKey;
import org.bouncycastle.operator.ContentSigner;

/**
 * The private half of a certificate authority: signs certificates and CRLs. A software key today; a hardware
 * security module tomorrow implements the same two methods.
 */
public interface CertificateSigner {

    PublicKey publicKey();

    /** A fresh signer for one certificate or CRL (SHA-256 with RSA for software keys). */
    ContentSigner contentSigner();
}
