package dev.secureconnect.engineer.client;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pem.Pkcs12Bundle;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.engineer.EngineerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The engineer's side of the TLS handshake: the key and certificate chain from the engineer's PKCS#12 file, and the
 * CA certificates the server's certificate must chain to — those of {@code --ca} when given, else the CA
 * certificates in the PKCS#12 chain (the self-signed root at its end). The server's revocation is not checked (a
 * client has no CRL); its name is.
 */
public record Identity(KeyMaterial keys, TrustMaterial trust) {

    public Identity {
        requireNonNull(keys, "keys");
        requireNonNull(trust, "trust");
    }

    /**
     * @param p12 the engineer's PKCS#12 file
     * @param passphrase its passphrase
     * @param caFile a PEM file of CA certificates to trust instead of those in the PKCS#12 chain, or null
     * @throws EngineerException with a one-line message: missing file, wrong passphrase, no root CA, …
     */
    public static Identity load(Path p12, char[] passphrase, @Nullable Path caFile) {
        requireNonNull(p12, "p12");
        if (!Files.isRegularFile(p12)) {
            throw new EngineerException("identity file " + p12 + " does not exist or is not a file");
        }
        try {
            Pkcs12Bundle bundle = Pkcs12Bundle.read(p12, passphrase);
            KeyMaterial keys = new KeyMaterial(bundle.privateKey(), bundle.chain());
            List<X509Certificate> cas;
            String source;
            if (caFile != null) {
                if (!Files.isRegularFile(caFile)) {
                    throw new EngineerException("CA file " + caFile + " does not exist or is not a file");
                }
                cas = Pem.readCertificates(caFile);
                source = caFile.toString();
            } else {
                cas = bundle.chain().subList(1, bundle.chain().size());
                source = p12 + " (give the CA certificate with --ca FILE)";
            }
            return new Identity(keys, trustIn(cas, source));
        } catch (CryptoException e) {
            throw new EngineerException(e.getMessage(), e);
        }
    }

    private static TrustMaterial trustIn(List<X509Certificate> cas, String source) {
        List<X509Certificate> roots = new ArrayList<>();
        List<X509Certificate> intermediates = new ArrayList<>();
        for (X509Certificate ca : cas) {
            if (ca.getBasicConstraints() < 0) {
                continue; // not a CA certificate
            }
            if (ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) {
                roots.add(ca);
            } else {
                intermediates.add(ca);
            }
        }
        if (roots.isEmpty()) {
            throw new EngineerException("no root CA certificate to check the server against in " + source);
        }
        return TrustMaterial.withoutRevocationCheck(roots, intermediates);
    }

    public X509Certificate certificate() {
        return keys.certificate();
    }

    /** The RFC 8705 thumbprint of the engineer's certificate, as a session and a token are bound to it. */
    public String thumbprint() {
        return CertificateFingerprint.of(certificate()).thumbprint();
    }

    @Override
    public String toString() {
        return "Identity[" + keys + ", " + trust + "]";
    }
}
