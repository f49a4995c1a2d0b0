package dev.secureconnect.engineer.cli;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.engineer.EngineerException;
import dev.secureconnect.cli.OneLine;
import dev.secureconnect.tunnel.link.LinkException;
import java.lang.reflect.Constructor;
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
        versionProvider = Cli.Version.class,
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
            PutCommand.class
        })
public final class Cli implements Runnable {

    static final int EXIT_FAILED = 1;
    static final String NAME = "sc-engineer";

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
        java.util.Objects.requireNonNull(cli.getSubcommands().get("exec"), "exec").setStopAtPositional(true); // ARGS may look like options
        cli.setOut(console.out());
        cli.setErr(console.err());
        cli.setParameterExceptionHandler((e, arguments) -> {
            console.err().println(NAME + ": " + OneLine.of(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            console.err().flush();
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            failed(console, e);
            return EXIT_FAILED;
        });
        int code = cli.execute(args);
        console.out().flush();
        console.stdout().flush();
        console.err().flush();
        return code;
    }

    /** Prints why a command failed, on one line. */
    static void failed(Console console, Exception e) {
        console.err().println(NAME + ": " + describe(e));
        console.err().flush();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    static String describe(Exception e) {
        if (e instanceof EngineerException || e instanceof CryptoException || e instanceof LinkException
                || e instanceof IllegalArgumentException) {
            return OneLine.of(e.getMessage());
        }
        return "unexpected failure: " + OneLine.of(String.valueOf(e));
    }

    /**
     * Operator logging on standard error, warnings only, unless the caller configured slf4j-simple otherwise:
     * standard output carries payload ({@code proxy}, {@code exec}) and nothing else.
     */
    private static void defaultLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
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
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {NAME + " " + (version == null ? "development" : version)};
        }
    }
}
