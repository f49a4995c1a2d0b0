package dev.secureconnect.cli;

import dev.secureconnect.crypto.text.OneLine;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs one command line of an sc-* tool. Exit codes: 0 done, 1 refused or failed (one line on standard error says
 * why, see {@link Failures}), 2 usage error (one line on standard error). Every command takes {@code --debug}. A name
 * that is not a subcommand is a usage error, also when {@code --help} follows it (picocli would print the parent's
 * help and exit 0, so that a script could not tell whether the command exists).
 */
public final class ToolCommandLine {

    private ToolCommandLine() {}

    /**
     * Runs {@code args} on {@code cli}, whose standard output and error the caller set, and returns the exit code.
     */
    public static int execute(CommandLine cli, Failures failures, String... args) {
        PrintWriter err = cli.getErr();
        if (cli.getCommandSpec().findOption(DebugOption.NAME) == null) {
            cli.addMixin("debug", new DebugOption());
        }
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println(failures.tool() + ": " + OneLine.of(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            failures.print(err, e, debug(parseResult));
            return 1;
        });
        cli.setExecutionStrategy(parseResult -> {
            refuseUnmatched(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        int code = cli.execute(args);
        cli.getOut().flush();
        err.flush();
        return code;
    }

    /** Whether {@code --debug} was given to any command of the line. */
    public static boolean debug(ParseResult parseResult) {
        for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
            if (command.hasMatchedOption(DebugOption.NAME)) {
                return true;
            }
        }
        return false;
    }

    private static void refuseUnmatched(ParseResult parseResult) {
        for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
            List<String> unmatched = command.unmatched();
            if (!unmatched.isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(
                        command.commandSpec().commandLine(), unmatched);
            }
        }
    }
}
