package dev.secureconnect.pki;

import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.pki.ca.CaDirectory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", description = "Creates a root CA and the issuing CA below it in a new directory.")
final class InitCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Mixin
    CaOptions ca;

    @Option(
            names = "--name",
            required = true,
            paramLabel = "NAME",
            description = "Organisation name; the CAs are called \"NAME Root CA\" and \"NAME Issuing CA\".")
    String name;

    @Option(
            names = "--key-size",
            paramLabel = "BITS",
            defaultValue = "2048",
            description = "RSA key size: 2048, 3072 or 4096 (default ${DEFAULT-VALUE}).")
    int keySize;

    @Option(
            names = "--root-days",
            paramLabel = "N",
            defaultValue = "7300",
            description = "Root CA validity in days (default ${DEFAULT-VALUE}).")
    int rootDays;

    @Option(
            names = "--issuing-days",
            paramLabel = "N",
            defaultValue = "3650",
            description = "Issuing CA validity in days (default ${DEFAULT-VALUE}).")
    int issuingDays;

    @Option(
            names = "--crl-days",
            paramLabel = "N",
            defaultValue = "30",
            description = "Validity of the first CRL in days (default ${DEFAULT-VALUE}).")
    int crlDays;

    InitCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        RsaKeySize size = RsaKeySize.of(keySize);
        Days.requirePositive(rootDays, "--root-days");
        Days.requirePositive(crlDays, "--crl-days");
        Days.requirePositive(issuingDays, "--issuing-days");
        char[] passphrase = ca.passphrase(terminal, true);
        CaDirectory directory;
        try {
            directory = CaDirectory.initialize(
                    ca.dir,
                    new CaDirectory.Setup(
                            name,
                            size,
                            Duration.ofDays(rootDays),
                            Duration.ofDays(issuingDays),
                            Duration.ofDays(crlDays)),
                    passphrase,
                    terminal.actor(),
                    terminal.clock());
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        terminal.out().println("created CA \"" + name + "\" in " + directory.path());
        terminal.out()
                .println("  root CA:    " + CaDirectory.ROOT_CERT + " (key " + CaDirectory.ROOT_KEY
                        + ": needed only to renew the issuing CA; keep it offline)");
        terminal.out().println("  issuing CA: " + CaDirectory.ISSUING_CERT + ", CRL: " + CaDirectory.CRL);
        return 0;
    }
}
