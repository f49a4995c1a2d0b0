package dev.secureconnect.pki;

import dev.secureconnect.cli.Failures;
import dev.secureconnect.cli.InjectingFactory;
import dev.secureconnect.cli.ManifestVersion;
import dev.secureconnect.cli.ToolCommandLine;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.pki.ca.PkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sc-pki}: the PKI admin's tool, run on an offline workstation. Exit codes: 0 done, 1 refused or failed
 * (one line on standard error says why), 2 usage error.
 */
@Command(
        name = "sc-pki",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = ManifestVersion.class,
        description = "Creates the SecureConnect CA and issues, revokes and lists its certificates.",
        subcommands = {
            InitCommand.class,
            IssueCommand.class,
            SignCsrCommand.class,
            RevokeCommand.class,
            CrlCommand.class,
            ListCommand.class,
            ShowCommand.class,
            AuditCommand.class
        })
public final class ScPki implements Runnable {

    static final int EXIT_REFUSED = 1;

    private static final Failures FAILURES = Failures.of(
                    "sc-pki", PkiException.class, CryptoException.class, IllegalArgumentException.class)
            .noteOnUnexpected("(nothing further was written)");

    public static void main(String[] args) {
        System.exit(run(Terminal.system(), args));
    }

    /** Runs one command line against {@code terminal}; returns the exit code. */
    public static int run(Terminal terminal, String... args) {
        CommandLine cli = new CommandLine(ScPki.class, new InjectingFactory<>(Terminal.class, terminal));
        cli.setOut(terminal.out());
        cli.setErr(terminal.err());
        return ToolCommandLine.execute(cli, FAILURES, args);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
