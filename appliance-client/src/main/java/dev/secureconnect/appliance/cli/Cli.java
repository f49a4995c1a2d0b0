package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.cli.Failures;
import dev.secureconnect.cli.InjectingFactory;
import dev.secureconnect.cli.InstanceDirectory;
import dev.secureconnect.cli.LoggingDefaults;
import dev.secureconnect.cli.ManifestVersion;
import dev.secureconnect.cli.ToolCommandLine;
import dev.secureconnect.crypto.CryptoException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sc-appliance}: the appliance admin's tool and daemon. Exit codes: 0 done, 1 refused or failed (one line on
 * standard error says why), 2 usage error.
 */
@Command(
        name = "sc-appliance",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = ManifestVersion.class,
        description = "SecureConnect on this appliance: enrol it, run its daemon, turn support access on and off,"
                + " connect tickets, allow-list services, pin the token key, choose the commands and folders support"
                + " may use, and read what support did.",
        subcommands = {
            InitCommand.class,
            EnrolCommand.class,
            RunCommand.class,
            SwitchCommands.Enable.class,
            SwitchCommands.Disable.class,
            TicketCommands.Connect.class,
            TicketCommands.Disconnect.class,
            StatusCommand.class,
            ServicesCommand.class,
            TokenKeyCommand.class,
            CommandsCommand.class,
            FilesCommand.class,
            AuditCommand.class,
            ConsoleCommand.class,
            CallHomeCommand.class,
            CaseCommands.Cases.class,
            CaseCommands.Approve.class,
            CaseCommands.Decline.class
        })
public final class Cli implements Runnable {

    static final int EXIT_REFUSED = 1;
    static final String NAME = "sc-appliance";
    private static final Failures FAILURES =
            Failures.of(NAME, ApplianceException.class, CryptoException.class, IllegalArgumentException.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs a command line with the process's streams; returns the exit code. */
    public static int main(String[] args) {
        LoggingDefaults.daemon();
        return run(Console.system(), args);
    }

    /** Runs one command line against {@code console}; returns the exit code. */
    public static int run(Console console, String... args) {
        CommandLine cli = new CommandLine(Cli.class, new InjectingFactory<>(Console.class, console));
        InstanceDirectory.useFor(cli, "appliance");
        cli.setOut(console.out());
        cli.setErr(console.err());
        return ToolCommandLine.execute(cli, FAILURES, args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
