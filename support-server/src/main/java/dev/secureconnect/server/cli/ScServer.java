package dev.secureconnect.server.cli;

import dev.secureconnect.cli.Failures;
import dev.secureconnect.cli.InstanceDirectory;
import dev.secureconnect.cli.LoggingDefaults;
import dev.secureconnect.cli.ManifestVersion;
import dev.secureconnect.cli.ToolCommandLine;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.server.cluster.NodeNameTakenException;
import dev.secureconnect.server.config.ConfigException;
import dev.secureconnect.server.enrolment.EnrolmentException;
import dev.secureconnect.server.storage.StorageException;
import dev.secureconnect.server.tickets.TicketException;
import dev.secureconnect.server.tokens.TokenException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sc-server}: the support server daemon and its admin commands. Exit codes: 0 done, 1 refused or failed
 * (one line on standard error says why), 2 usage error.
 */
@Command(
        name = "sc-server",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = ManifestVersion.class,
        description =
                "Runs the SecureConnect support server and administers its tickets, appliances, engineers, access tokens and audit log.",
        subcommands = {
            InitCommand.class,
            RunCommand.class,
            TicketsCommand.class,
            AppliancesCommand.class,
            AuditCommand.class,
            EngineersCommand.class,
            TokensCommand.class,
            TokenKeyCommand.class,
            SinksCommand.class,
            ReportsCommand.class,
            ContactsCommand.class,
            BlocksCommand.class,
            CallHomeCommand.class,
            CasesCommand.class,
            EnrolmentCaCommand.class,
            ClusterCommand.class
        })
public final class ScServer implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Failures FAILURES = Failures.of(
            "sc-server",
            CryptoException.class,
            ConfigException.class,
            StorageException.class,
            TicketException.class,
            TokenException.class,
            IllegalArgumentException.class,
            CliException.class,
            EnrolmentException.class,
            NodeNameTakenException.class);

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) {
            // admin commands print their result; operator logging is for the daemon
            LoggingDefaults.command();
        }
        System.exit(run(
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                args));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ScServer());
        InstanceDirectory.useFor(cli, "server");
        cli.setOut(out);
        cli.setErr(err);
        return ToolCommandLine.execute(cli, FAILURES, args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
