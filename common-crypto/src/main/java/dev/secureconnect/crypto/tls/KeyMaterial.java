package dev.secureconnect.crypto.tls;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an endpoint proves its identity with in a TLS handshake: its private key and its certificate chain, leaf
 * first, then the CA certificates a peer needs to reach the root (the issuing CA, optionally the root).
 *
 * <p>The key is RSA of at least 2048 bits and belongs to the leaf certificate; {@link #toString()} never prints it.
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @throws CryptoException if the chain is empty or out of order, the key is not RSA of at least 2048 bits, or the
     *     key does not belong to the leaf certificate
     */
    public KeyMaterial {
        requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new CryptoException("no certificate given for the private key");
        }
        X509Certificate leaf = chain.get(0);
        RsaKeySize.requireAcceptable(leaf.getPublicKey(), "the key of certificate " + subject(leaf));
        requireMatchingKey(privateKey, leaf);
        for (int i = 1; i < chain.size(); i++) {
            X509Certificate child = chain.get(i - 1);
            X509Certificate parent = chain.get(i);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
                throw new CryptoException("the certificate chain is out of order: " + subject(child) + " is issued by "
                        + child.getIssuerX500Principal().getName() + ", not by " + subject(parent)
                        + " (list the certificate, then its issuing CA, then the root)");
            }
        }
    }

    /**
     * Reads an endpoint's key and certificates from PEM files, as {@code sc-pki} writes them.
     *
     * @param certificateFile the endpoint's certificate (more certificates after it are taken as its chain)
     * @param keyFile its unencrypted PKCS#8 or traditional RSA private key
     * @param chainFile the CA certificates above it, issuing CA first; {@code null} when {@code certificateFile}
     *     already holds them. Certificates that appear in both files are sent once.
     * @throws CryptoException with a one-line message naming the file and what is wrong with it: missing, not a
     *     regular file, unreadable, not PEM, holding no certificate or key, a key that does not belong to the
     *     certificate, an RSA key under 2048 bits
     */
    public static KeyMaterial load(Path certificateFile, Path keyFile, @Nullable Path chainFile) {
        List<X509Certificate> chain =
                new ArrayList<>(Pem.readCertificates(requireReadable(certificateFile, "certificate")));
        if (chainFile != null) {
            for (X509Certificate ca : Pem.readCertificates(requireReadable(chainFile, "certificate chain"))) {
                if (!chain.contains(ca)) {
                    chain.add(ca);
                }
            }
        }
        PrivateKey key = Pem.readPrivateKey(requireReadable(keyFile, "private key"), null);
        try {
            return new KeyMaterial(key, chain);
        } catch (CryptoException e) {
            throw new CryptoException(certificateFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** The endpoint's own certificate, the first of {@link #chain()}. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Names the certificate and the size of the chain; never the key. */
    @Override
    public String toString() {
        return "KeyMaterial[certificate=" + subject(certificate()) + ", serial="
                + certificate().getSerialNumber().toString(16) + ", chain=" + chain.size()
                + " certificate(s), privateKey=" + privateKey.getAlgorithm() + " (hidden)]";
    }

    static Path requireReadable(Path file, String what) {
        requireNonNull(file, what + " file");
        if (!Files.exists(file)) {
            throw new CryptoException("the " + what + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new CryptoException("the " + what + " file " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new CryptoException("the " + what + " file " + file + " cannot be read by this user: check its owner"
                    + " and permissions");
        }
        return file;
    }

    /** Proves that {@code key} is the private half of the certificate's public key by signing and verifying. */
    private static void requireMatchingKey(PrivateKey key, X509Certificate certificate) {
        if (!"RSA".equalsIgnoreCase(key.getAlgorithm())) {
            throw new CryptoException("the private key is " + key.getAlgorithm() + " but certificate "
                    + subject(certificate) + " has an RSA key: use the key the certificate was issued for");
        }
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new CryptoException(
                    "the private key cannot be checked against certificate " + subject(certificate) + ": "
                            + e.getMessage(),
                    e);
        }
        if (!matches) {
            throw new CryptoException("the private key does not belong to certificate " + subject(certificate)
                    + ": use the key the certificate was issued for");
        }
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
