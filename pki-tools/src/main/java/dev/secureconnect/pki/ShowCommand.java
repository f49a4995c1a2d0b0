package dev.secureconnect.pki;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.pki.ca.IndexEntry;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "show",
        description = "Shows a certificate: role, identity, validity, fingerprint, issuer, key size, status.")
final class ShowCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Parameters(paramLabel = "FILE", description = "A PEM certificate (the first one in the file is shown).")
    Path file;

    @Option(names = "--dir", paramLabel = "DIR", description = "CA directory whose index tells whether it was revoked.")
    Path dir;

    @Option(names = "--json", description = "Print one JSON object instead of lines.")
    boolean json;

    ShowCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        X509Certificate certificate = Pem.readCertificate(file);
        CertificateIdentity identity = CertificateIdentity.of(certificate);
        Instant now = terminal.clock().instant();
        String serial = CaDirectory.serialHex(certificate);
        if (json) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("role", identity.role().label());
            shown.put("identity", identity.describe());
            shown.put("uri", identity.uri().isEmpty() ? null : identity.uri());
            shown.put("subject", certificate.getSubjectX500Principal().getName());
            shown.put("issuer", certificate.getIssuerX500Principal().getName());
            shown.put("serial", serial);
            shown.put("notBefore", certificate.getNotBefore().toInstant().toString());
            shown.put("notAfter", certificate.getNotAfter().toInstant().toString());
            shown.put("keyAlgorithm", certificate.getPublicKey().getAlgorithm());
            shown.put(
                    "keyBits",
                    certificate.getPublicKey() instanceof RSAPublicKey rsa
                            ? rsa.getModulus().bitLength()
                            : null);
            shown.put("sha256", CertificateFingerprint.of(certificate).colonHex());
            String status = status(certificate, serial, now);
            shown.put(
                    "status",
                    status.substring(0, status.contains(" (") ? status.indexOf(" (") : status.length())
                            .replaceFirst("^revoked .*", "revoked")
                            .replaceFirst("^unknown to .*", "unknown")
                            .replace(' ', '-'));
            shown.put("statusDetail", status);
            shown.put("revocationChecked", dir != null);
            JsonOutput.print(terminal.out(), Mappers.json(), shown);
            return 0;
        }
        print("role", identity.role().label());
        print("identity", identity.describe() + (identity.uri().isEmpty() ? "" : " [" + identity.uri() + "]"));
        print("subject", certificate.getSubjectX500Principal().getName());
        print("issuer", certificate.getIssuerX500Principal().getName());
        print("serial", serial);
        print("valid from", certificate.getNotBefore().toInstant().toString());
        print("valid until", certificate.getNotAfter().toInstant().toString());
        print(
                "key",
                certificate.getPublicKey() instanceof RSAPublicKey rsa
                        ? "RSA " + rsa.getModulus().bitLength() + " bits"
                        : certificate.getPublicKey().getAlgorithm());
        print("sha256", CertificateFingerprint.of(certificate).colonHex());
        print("status", status(certificate, serial, now));
        return 0;
    }

    private String status(X509Certificate certificate, String serial, Instant now) {
        if (dir != null) {
            Optional<IndexEntry> entry =
                    CaDirectory.open(dir, terminal.clock()).index().find(serial);
            if (entry.isEmpty()) {
                return "unknown to " + dir + " (not issued by this CA)";
            }
            if (entry.get().revoked()) {
                return "revoked " + entry.get().revokedAt() + " (" + entry.get().reason() + ")";
            }
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            return "not yet valid";
        }
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            return "expired";
        }
        return dir == null ? "valid (dates only; add --dir DIR to check revocation)" : "valid";
    }

    private void print(String label, String value) {
        terminal.out().printf("%-12s %s%n", label + ":", value);
    }
}
