package dev.secureconnect.pki;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.pki.ca.PkiException;
import java.lang.reflect.Constructor;
import org.jspecify.annotations.Nullable;
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
        versionProvider = ScPki.Version.class,
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

    public static void main(String[] args) {
        System.exit(run(Terminal.system(), args));
    }

    /** Runs one command line against {@code terminal}; returns the exit code. */
    public static int run(Terminal terminal, String... args) {
        CommandLine cli = new CommandLine(ScPki.class, new TerminalFactory(terminal));
        cli.setOut(terminal.out());
        cli.setErr(terminal.err());
        cli.setParameterExceptionHandler((e, arguments) -> {
            terminal.err().println("sc-pki: " + oneLine(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            terminal.err().flush();
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            terminal.err().println("sc-pki: " + describe(e));
            terminal.err().flush();
            return EXIT_REFUSED;
        });
        int code = cli.execute(args);
        terminal.out().flush();
        return code;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    private static String describe(Exception e) {
        if (e instanceof PkiException || e instanceof CryptoException || e instanceof IllegalArgumentException) {
            return oneLine(e.getMessage());
        }
        return "unexpected failure: " + oneLine(String.valueOf(e)) + " (nothing further was written)";
    }

    static String oneLine(@Nullable String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", "; ");
    }

    /** Gives every command that asks for it the {@link Terminal} of this run. */
    private record TerminalFactory(Terminal terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == Terminal.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(terminal));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The version from the jar's manifest (or "development" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ScPki.class.getPackage().getImplementationVersion();
            return new String[] {"sc-pki " + (version == null ? "development" : version)};
        }
    }
}
