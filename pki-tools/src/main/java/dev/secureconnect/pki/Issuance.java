package dev.secureconnect.pki;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.files.DurableFiles.Access;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pem.Pkcs12Bundle;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.pki.ca.IndexEntry;
import dev.secureconnect.pki.ca.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Issues one leaf certificate from an unlocked CA and hands it over: checks first (duplicates, output folder),
 * then the issuance log and index, then the files in {@code OUT}.
 */
final class Issuance {

    static final String CERT = "cert.pem";
    static final String CHAIN = "chain.pem";
    static final String CA = "ca.pem";
    static final String KEY = "key.pem";
    static final String P12 = "identity.p12";

    private final Terminal terminal;
    private final CaDirectory directory;
    private final CertificateAuthority authority;

    Issuance(Terminal terminal, CaDirectory directory, CertificateAuthority authority) {
        this.terminal = terminal;
        this.directory = directory;
        this.authority = authority;
    }

    /** Refuses a second valid certificate for an appliance serial unless the admin asked to renew. */
    void requireNoValidAppliance(CertificateIdentity identity, boolean renew) {
        if (identity.role() != CertificateRole.APPLIANCE || renew) {
            return;
        }
        for (IndexEntry entry : directory.index().certificates()) {
            if (entry.role().equals(CertificateRole.APPLIANCE.label())
                    && entry.identity().equals(identity.id())
                    && entry.statusAt(terminal.clock().instant()).equals(IndexEntry.VALID)) {
                throw new PkiException("appliance " + identity.id() + " already has a valid certificate (serial "
                        + entry.serial() + ", until " + entry.notAfter() + "): revoke it first or pass --renew");
            }
        }
    }

    /** Makes sure {@code out} can take the files, so that nothing is recorded for a certificate that cannot be delivered. */
    static void prepareOutput(Path out, List<String> names) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new PkiException("cannot create the output folder " + out + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(out)) {
            throw new PkiException("the output folder " + out + " is not writable");
        }
        for (String name : names) {
            if (Files.exists(out.resolve(name))) {
                throw new PkiException(
                        out.resolve(name) + " already exists: choose another --out folder or move the old files away");
            }
        }
    }

    /**
     * Issues, records and writes the certificate.
     *
     * @param privateKey the subject's key to write as key.pem, or null when the subject keeps it (CSR)
     * @param p12Password for identity.p12, or null for no bundle
     */
    X509Certificate issue(
            CertificateIdentity identity,
            PublicKey publicKey,
            @Nullable PrivateKey privateKey,
            int days,
            String action,
            Path out,
            char @Nullable [] p12Password) {
        return issueBy(authority, identity, publicKey, privateKey, days, action, out, p12Password);
    }

    /**
     * As {@link #issue}, but signed by {@code issuer} (the root, for the enrolment CA); the log entry is still
     * signed by the issuing CA, whose key {@code sc-pki audit verify} checks the log with.
     */
    X509Certificate issueBy(
            CertificateAuthority issuer,
            CertificateIdentity identity,
            PublicKey publicKey,
            @Nullable PrivateKey privateKey,
            int days,
            String action,
            Path out,
            char @Nullable [] p12Password) {
        X509Certificate certificate = issuer.issue(identity, publicKey, Duration.ofDays(days));
        directory.recordIssued(authority, certificate, action, terminal.actor(), describe(identity, days));

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(CERT, ascii(Pem.certificates(List.of(certificate))));
        files.put(CHAIN, ascii(Pem.certificates(List.of(issuer.certificate()))));
        files.put(CA, ascii(Pem.certificates(List.of(issuer.root()))));
        if (privateKey != null) {
            files.put(KEY, ascii(Pem.privateKey(privateKey)));
        }
        if (p12Password != null) {
            files.put(
                    P12,
                    new Pkcs12Bundle(
                                    java.util.Objects.requireNonNull(privateKey, "privateKey"),
                                    List.of(certificate, issuer.certificate(), issuer.root()))
                            .encode(p12Password));
        }
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            boolean secret = file.getKey().equals(KEY) || file.getKey().equals(P12);
            Path target = out.resolve(file.getKey());
            if (Files.exists(target)) { // an output folder never overwrites an earlier certificate
                throw new PkiException(
                        target + " already exists: choose another --out folder or move the old files away");
            }
            try {
                DurableFiles.write(target, file.getValue(), secret ? Access.OWNER_ONLY : Access.READABLE);
            } catch (IOException e) {
                throw new PkiException("cannot write " + target + ": " + e.getMessage(), e);
            }
            written.add(file.getKey());
        }
        terminal.out()
                .println("issued " + identity.describe() + ": serial " + CaDirectory.serialHex(certificate)
                        + ", valid until " + certificate.getNotAfter().toInstant());
        terminal.out()
                .println("  SHA-256 " + CertificateFingerprint.of(certificate).colonHex());
        terminal.out().println("  wrote " + String.join(", ", written) + " to " + out);
        return certificate;
    }

    private static String describe(CertificateIdentity identity, int days) {
        StringBuilder detail =
                new StringBuilder(identity.describe()).append(", ").append(days).append(" days");
        if (!identity.uri().isEmpty()) {
            detail.append(", ").append(identity.uri());
        }
        return detail.toString();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
