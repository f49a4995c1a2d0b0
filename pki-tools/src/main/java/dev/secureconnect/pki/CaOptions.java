package dev.secureconnect.pki;

import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.pki.ca.CaDirectory;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** {@code --dir} and {@code --passphrase-file}: where the CA is and how its key is unlocked. */
final class CaOptions {

    static final String PASSPHRASE_ENV = "SC_PKI_PASSPHRASE";
    static final int MINIMUM_PASSPHRASE = 12;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CA directory.")
    Path dir;

    @Option(
            names = "--passphrase-file",
            paramLabel = "FILE",
            description =
                    "File whose first line is the CA passphrase (else env " + PASSPHRASE_ENV + ", else a prompt).")
    Path passphraseFile;

    CaDirectory open(Terminal terminal) {
        return CaDirectory.open(dir, terminal.clock());
    }

    char[] passphrase(Terminal terminal, boolean confirm) {
        return terminal.secret(
                "CA passphrase",
                passphraseFile,
                "--passphrase-file",
                PASSPHRASE_ENV,
                confirm,
                confirm ? MINIMUM_PASSPHRASE : 1);
    }

    /** Decrypts the issuing CA's key with the passphrase read the usual way. */
    CertificateAuthority unlock(Terminal terminal, CaDirectory ca) {
        char[] passphrase = passphrase(terminal, false);
        try {
            return ca.unlock(passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }
}
