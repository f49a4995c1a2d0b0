package dev.secureconnect.engineer.cli;

import dev.secureconnect.cli.Failures;
import dev.secureconnect.cli.InjectingFactory;
import dev.secureconnect.cli.LoggingDefaults;
import dev.secureconnect.cli.ManifestVersion;
import dev.secureconnect.cli.ToolCommandLine;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.tunnel.link.LinkException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sc-engineer}: the support engineer's tool. Exit codes: 0 done, 1 refused or failed (one line on standard
 * error says why), 2 usage error; {@code exec} exits with the remote command's status, or 255 when it could not run.
 */
@Command(
        name = "sc-engineer",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = ManifestVersion.class,
        description = "SecureConnect for support engineers: log in with your certificate and a TOTP code, get an"
                + " access token for one appliance and ticket, then forward ports, use ssh, run catalogue commands"
                + " and copy files through the support server.",
        subcommands = {
            LoginCommand.class,
            LogoutCommand.class,
            AppliancesCommand.class,
            SessionsCommand.class,
            AccessCommand.class,
            ForwardCommand.class,
            ProxyCommand.class,
            ExecCommand.class,
            GetCommand.class,
            PutCommand.class,
            AgentCommand.class,
            CasesCommand.class
        })
public final class Cli implements Runnable {

    static final int EXIT_FAILED = 1;
    static final String NAME = "sc-engineer";
    private static final Failures FAILURES = Failures.of(
            NAME, EngineerException.class, CryptoException.class, LinkException.class, IllegalArgumentException.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs a command line with the process's streams; returns the exit code. */
    public static int main(String[] args) {
        LoggingDefaults.command();
        return run(Console.system(), args);
    }

    /** Runs one command line against {@code console}; returns the exit code. */
    public static int run(Console console, String... args) {
        CommandLine cli = new CommandLine(Cli.class, new InjectingFactory<>(Console.class, console));
        java.util.Objects.requireNonNull(cli.getSubcommands().get("exec"), "exec")
                .setStopAtPositional(true); // ARGS may look like options
        cli.setOut(console.out());
        cli.setErr(console.err());
        int code = ToolCommandLine.execute(cli, FAILURES, args);
        console.stdout().flush();
        return code;
    }

    /** Prints why a command failed, on one line. */
    static void failed(Console console, Exception e) {
        FAILURES.print(console.err(), e, false);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
