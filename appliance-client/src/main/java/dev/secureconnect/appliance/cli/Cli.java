package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.daemon.ApplianceDaemon;
import dev.secureconnect.cli.OneLine;
import dev.secureconnect.crypto.CryptoException;
import java.lang.reflect.Constructor;
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
        versionProvider = Cli.Version.class,
        description = "SecureConnect on this appliance: enrol it, run its daemon, turn support access on and off,"
                + " connect tickets, allow-list services, pin the token key, choose the commands and folders support"
                + " may use, and read what support did.",
        subcommands = {
            InitCommand.class,
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
            AuditCommand.class
        })
public final class Cli implements Runnable {

    static final int EXIT_REFUSED = 1;
    static final String NAME = "sc-appliance";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs a command line with the process's streams; returns the exit code. */
    public static int main(String[] args) {
        defaultLogging();
        return run(Console.system(), args);
    }

    /** Runs one command line against {@code console}; returns the exit code. */
    public static int run(Console console, String... args) {
        CommandLine cli = new CommandLine(Cli.class, new ConsoleFactory(console));
        cli.setOut(console.out());
        cli.setErr(console.err());
        cli.setParameterExceptionHandler((e, arguments) -> {
            console.err().println(NAME + ": " + OneLine.of(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            console.err().flush();
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            console.err().println(NAME + ": " + describe(e));
            console.err().flush();
            return EXIT_REFUSED;
        });
        int code = cli.execute(args);
        console.out().flush();
        console.err().flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    private static String describe(Exception e) {
        if (e instanceof ApplianceException || e instanceof CryptoException || e instanceof IllegalArgumentException) {
            return OneLine.of(e.getMessage());
        }
        return "unexpected failure: " + OneLine.of(String.valueOf(e));
    }

    /** Operator logging on standard error unless the caller configured slf4j-simple otherwise. */
    private static void defaultLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Gives every command that asks for it the {@link Console} of this run. */
    private record ConsoleFactory(Console console) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == Console.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(console));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The version from the jar's manifest (or "development" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + ApplianceDaemon.version()};
        }
    }
}
