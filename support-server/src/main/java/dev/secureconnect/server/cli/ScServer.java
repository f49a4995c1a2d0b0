package dev.secureconnect.server.cli;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.server.config.ConfigException;
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
        version = "sc-server 0.1.0",
        description = "Runs the SecureConnect support server and administers its tickets, appliances, engineers, access tokens and audit log.",
        subcommands = {InitCommand.class, RunCommand.class, TicketsCommand.class, AppliancesCommand.class, AuditCommand.class,
                EngineersCommand.class,
                TokensCommand.class, TokenKeyCommand.class, SinksCommand.class, ReportsCommand.class,
                ContactsCommand.class})
public final class ScServer implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) {
            // admin commands print their result; operator logging is for the daemon
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs one command line; returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ScServer());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println("sc-server: " + oneLine(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("sc-server: " + describe(e));
            err.flush();
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    static String describe(Exception e) {
        if (e instanceof CryptoException || e instanceof ConfigException || e instanceof StorageException
                || e instanceof TicketException || e instanceof TokenException || e instanceof IllegalArgumentException || e instanceof CliException) {
            return oneLine(e.getMessage());
        }
        return "unexpected failure: " + oneLine(String.valueOf(e));
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", "; ");
    }
}
