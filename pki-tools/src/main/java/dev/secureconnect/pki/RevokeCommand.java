package dev.secureconnect.pki;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.pki.ca.IndexEntry;
import dev.secureconnect.pki.ca.PkiException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "revoke", description = "Revokes a certificate and writes a fresh CRL to DIR/crl.pem.")
final class RevokeCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Mixin
    CaOptions ca;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    /** The certificate to revoke: by serial, or the certificate file itself. */
    static final class Which {
        @Option(
                names = "--serial",
                required = true,
                paramLabel = "HEX",
                description = "Serial number in hex (as 'sc-pki list' shows it).")
        String serial;

        @Option(
                names = "--cert",
                required = true,
                paramLabel = "FILE",
                description = "The certificate (PEM) to revoke, instead of its serial: it must be one this CA issued.")
        Path cert;
    }

    @Option(
            names = "--reason",
            paramLabel = "REASON",
            defaultValue = "unspecified",
            converter = ReasonConverter.class,
            description = "keyCompromise, superseded, cessationOfOperation, affiliationChanged, privilegeWithdrawn,"
                    + " certificateHold, cACompromise or unspecified (default).")
    RevocationReason reason;

    @Option(
            names = "--crl-days",
            paramLabel = "N",
            defaultValue = "30",
            description = "Validity of the new CRL in days (default ${DEFAULT-VALUE}).")
    int crlDays;

    RevokeCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Days.requirePositive(crlDays, "--crl-days");
        X509Certificate certificate = which.cert == null ? null : Pem.readCertificate(which.cert);
        String wanted = certificate == null ? normalise(which.serial) : CaDirectory.serialHex(certificate);
        CaDirectory directory = ca.open(terminal);
        try (CaDirectory.Lock lock = directory.lock()) {
            IndexEntry entry = directory
                    .index()
                    .find(wanted)
                    .orElseThrow(() -> new PkiException(
                            certificate == null
                                    ? "no certificate with serial " + wanted + " in " + directory.path()
                                            + " (see 'sc-pki list')"
                                    : which.cert + " was not issued by the CA in " + directory.path() + " (no serial "
                                            + wanted + " in its index)"));
            if (certificate != null
                    && !entry.fingerprint()
                            .equals(CertificateFingerprint.of(certificate).colonHex())) {
                throw new PkiException(which.cert + " is not the certificate the CA in " + directory.path()
                        + " issued with serial " + wanted + " (another CA's certificate?)");
            }
            if (CertificateRole.fromLabel(entry.role()).isAuthority()) {
                throw new PkiException("serial " + wanted + " is the " + entry.role()
                        + " certificate: a CA is replaced with a new 'sc-pki init', not revoked through its own CRL");
            }
            if (entry.revoked()) {
                throw new PkiException("serial " + wanted + " (" + entry.role() + " " + entry.identity()
                        + ") was already revoked on " + entry.revokedAt() + " (" + entry.reason() + ")");
            }
            CertificateAuthority authority = ca.unlock(terminal, directory);
            directory.recordRevoked(authority, entry, reason, terminal.actor(), Duration.ofDays(crlDays));
            terminal.out()
                    .println("revoked " + entry.role() + " " + entry.identity() + " (serial " + entry.serial() + ", "
                            + reason.label() + "); new CRL written to "
                            + directory.path().resolve(CaDirectory.CRL));
        }
        return 0;
    }

    /** Accepts {@code 8F3A…}, {@code 8f:3a:…} or {@code 0x8f3a…}; refuses anything that is not hex. */
    static String normalise(String serial) {
        String hex = serial.trim().replace(":", "");
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        hex = hex.replaceFirst("^0+(?=.)", "");
        if (!hex.matches("[0-9A-Fa-f]{1,40}")) {
            throw new PkiException("serial '" + serial + "' is not a hexadecimal serial number (see 'sc-pki list')");
        }
        return hex.toUpperCase(Locale.ROOT);
    }

    static final class ReasonConverter implements CommandLine.ITypeConverter<RevocationReason> {
        @Override
        public RevocationReason convert(String value) {
            try {
                return RevocationReason.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
