package dev.secureconnect.pki;

import dev.secureconnect.crypto.files.DurableFiles;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.pki.ca.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "crl",
        description = "Signs a fresh CRL (new number and nextUpdate) and writes it to FILE and DIR/crl.pem.")
final class CrlCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Mixin
    CaOptions ca;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CRL (PEM).")
    Path out;

    @Option(
            names = "--crl-days",
            paramLabel = "N",
            defaultValue = "30",
            description = "Validity of the CRL in days (default ${DEFAULT-VALUE}).")
    int crlDays;

    CrlCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Days.requirePositive(crlDays, "--crl-days");
        Path folder = java.util.Objects.requireNonNull(out.toAbsolutePath().getParent(), "a file has a folder");
        if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
            throw new PkiException("cannot write " + out + ": " + folder + " is not a writable folder");
        }
        CaDirectory directory = ca.open(terminal);
        try (CaDirectory.Lock lock = directory.lock()) {
            CertificateAuthority authority = ca.unlock(terminal, directory);
            X509CRL crl = directory.recordCrl(authority, terminal.actor(), Duration.ofDays(crlDays));
            try {
                DurableFiles.write(out, Pem.crl(crl).getBytes(StandardCharsets.US_ASCII), DurableFiles.Access.READABLE);
            } catch (IOException e) {
                throw new PkiException("cannot write " + out + ": " + e.getMessage(), e);
            }
            terminal.out()
                    .println("wrote CRL with "
                            + (crl.getRevokedCertificates() == null
                                    ? 0
                                    : crl.getRevokedCertificates().size()) + " revoked certificate(s), next update "
                            + crl.getNextUpdate().toInstant() + ", to " + out);
        }
        return 0;
    }
}
