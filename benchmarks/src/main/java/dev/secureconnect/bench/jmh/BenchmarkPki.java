package dev.secureconnect.bench.jmh;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A throw-away SecureConnect PKI for the benchmarks' set-up, made with common-crypto's {@link CertificateAuthority}
 * as {@code sc-pki} makes the real one: a root CA, an issuing CA below it, and server, appliance and engineer
 * certificates from the issuing CA. RSA key generation is the slow part, so every leaf shares one 2048-bit key pair.
 */
final class BenchmarkPki {

    static final String ORGANISATION = "SecureConnect Bench";

    /** How long the leaf certificates are valid: long enough for a clock that a benchmark moves forward. */
    static final Duration LEAF_VALIDITY = Duration.ofDays(365);

    /** A certificate with its key pair and chain (the certificate, the issuing CA, the root). */
    record Issued(KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chain) {
        Issued {
            chain = List.copyOf(chain);
        }

        /** What an endpoint presents in a TLS handshake with this certificate. */
        KeyMaterial keys() {
            return new KeyMaterial(keyPair.getPrivate(), chain);
        }
    }

    private static @Nullable BenchmarkPki shared; // guarded by BenchmarkPki.class

    private final CertificateAuthority root;
    private final CertificateAuthority issuing;
    private final KeyPair leafKeys;

    /** One PKI per JVM, made on first use: a JMH fork runs one benchmark, the unit test runs them all. */
    static synchronized BenchmarkPki shared() {
        if (shared == null) {
            shared = new BenchmarkPki();
        }
        return shared;
    }

    private BenchmarkPki() {
        root = CertificateAuthority.createRoot(ORGANISATION, rsa(), Duration.ofDays(3650), Clock.systemUTC());
        KeyPair issuingKeys = rsa();
        X509Certificate issuingCertificate =
                root.createIssuingCa(ORGANISATION, issuingKeys.getPublic(), Duration.ofDays(3000));
        issuing = new CertificateAuthority(
                issuingCertificate,
                List.of(root.certificate()),
                new SoftwareKeySigner(issuingKeys.getPrivate(), issuingKeys.getPublic()),
                Clock.systemUTC());
        leafKeys = rsa();
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
    Issued server() {
        return issue(CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1")));
    }

    Issued appliance(String serial) {
        return issue(CertificateIdentity.appliance(serial));
    }

    Issued engineer(String login) {
        return issue(CertificateIdentity.engineer(login, "Bench Engineer " + login, login + "@example.com"));
    }

    X509Certificate rootCertificate() {
        return root.certificate();
    }

    X509Certificate issuingCertificate() {
        return issuing.certificate();
    }

    /** Trust in this PKI's root, revocation checked against an empty CRL of the issuing CA written into {@code dir}. */
    TrustMaterial trustWithCrl(Path dir) {
        Path crl = write(
                dir.resolve("crl.pem"),
                Pem.crl(issuing.revocationList(List.of(), BigInteger.ONE, Duration.ofDays(30))));
        return TrustMaterial.withCrl(List.of(rootCertificate()), List.of(issuingCertificate()), crl);
    }

    /** Trust in this PKI's root without a CRL, as an appliance or an engineer checks the server. */
    TrustMaterial trustWithoutCrl() {
        return TrustMaterial.withoutRevocationCheck(List.of(rootCertificate()), List.of(issuingCertificate()));
    }

    private Issued issue(CertificateIdentity identity) {
        X509Certificate certificate = issuing.issue(identity, leafKeys.getPublic(), LEAF_VALIDITY);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuing.chain());
        return new Issued(leafKeys, certificate, chain);
    }

    private static KeyPair rsa() {
        return RsaKeyPairs.generate(RsaKeySize.DEFAULT);
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A new folder for one benchmark's files, under {@code java.io.tmpdir}. */
    static Path newFolder(String prefix) {
        try {
            return Files.createTempDirectory("sc-jmh-" + prefix + ".");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    /** Deletes {@code folder} and everything in it; null does nothing. */
    static void deleteTree(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
