package dev.secureconnect.crypto.pki;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A {@link CertificateSigner} over an RSA private key held in memory. */
public final class SoftwareKeySigner implements CertificateSigner {

    static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public SoftwareKeySigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = requireNonNull(privateKey, "privateKey");
        this.publicKey = requireNonNull(publicKey, "publicKey");
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public ContentSigner contentSigner() {
        try {
            return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(privateKey);
        } catch (OperatorCreationException e) {
            throw new CryptoException("cannot sign with the CA key: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SoftwareKeySigner[" + publicKey.getAlgorithm() + "]";
    }
}
