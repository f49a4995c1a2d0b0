package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.exec.AllowedCommands;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.appliance.internal.ByteSizes;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code commands add|remove|list}: the catalogue of commands support may run ({@code DIR/commands.json}), each a
 * fixed argv run without a shell. Changes are made under the directory's lock and audited; the daemon reads the
 * catalogue on every exec request, so no reload is needed.
 */
@Command(
        name = "commands",
        description = "Lists and changes the commands support may run (default: none).",
        subcommands = {CommandsCommand.Add.class, CommandsCommand.Remove.class, CommandsCommand.ListCommands.class})
final class CommandsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: add, remove or list");
    }

    @Command(
            name = "add",
            description = "Adds a command: NAME runs exactly ARGV (after --), no shell; the program is an"
                    + " absolute path or a name looked up now on " + CommandEntry.PATH + ".")
    static final class Add implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "e.g. collect-logs: 1 to 32 of" + " A-Z a-z 0-9 . _ -")
        String name;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "60s",
                converter = Converters.Wait.class,
                description = "Killed after this long (default ${DEFAULT-VALUE}; at most 24h).")
        Duration timeout;

        @Option(
                names = "--max-output",
                paramLabel = "SIZE",
                defaultValue = "64MiB",
                description = "Output beyond this is"
                        + " cut off and the command killed (default ${DEFAULT-VALUE}; e.g. 512KiB, 1GiB).")
        String maxOutput;

        @Option(
                names = "--allow-args",
                description =
                        "Let the engineer add arguments (each checked: at most 32, 256"
                                + " characters, only A-Z a-z 0-9 . _ / : = @ %% + , -, none starting with - unless --allow-options).")
        boolean allowArgs;

        @Option(
                names = "--allow-options",
                description =
                        "With --allow-args: let an added argument start with - (an"
                                + " option of the program; e.g. tar's --checkpoint-action=exec=… runs a program). Default: refused.")
        boolean allowOptions;

        @Option(
                names = "--arg-pattern",
                paramLabel = "N=REGEX",
                description =
                        "With --allow-args: the N-th added"
                                + " argument (from 1) must match REGEX as a whole, e.g. 1='[a-z0-9._-]+'. Repeat for other positions.")
        Map<Integer, String> argPatterns = new LinkedHashMap<>();

        @Parameters(paramLabel = "ARGV", arity = "1..*", description = "The program and its fixed arguments, after --.")
        List<String> argv = new ArrayList<>();

        Add(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            long cap;
            try {
                cap = ByteSizes.parse(maxOutput);
            } catch (IllegalArgumentException e) {
                throw new ApplianceException("max-output: " + e.getMessage(), e);
            }
            CommandEntry entry = AllowedCommands.add(
                    directory,
                    new ApplianceAuditLog(directory, console.clock()),
                    console.user(),
                    CommandEntry.resolve(name, argv, timeout, cap, allowArgs, allowOptions, argPatterns));
            console.out().println("command " + entry.name() + " added: " + entry.describe());
            return 0;
        }
    }

    @Command(name = "remove", description = "Removes a command from the catalogue (a run in progress is not stopped).")
    static final class Remove implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The command's name.")
        String name;

        Remove(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            AllowedCommands.remove(directory, new ApplianceAuditLog(directory, console.clock()), console.user(), name);
            console.out().println("command " + name + " removed from the catalogue");
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the commands support may run.")
    static final class ListCommands implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        ListCommands(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            List<CommandEntry> commands = CommandCatalogue.read(dir.open()).commands();
            if (json) {
                JsonOutput.print(console.out(), Json.COMPACT, commands);
            } else if (commands.isEmpty()) {
                console.out()
                        .println("no command is in the catalogue: add one with 'sc-appliance commands add --dir "
                                + dir.dir + " --name NAME -- PROGRAM [ARGS…]'");
            } else {
                TextTable table = new TextTable("NAME", "ARGV", "TIMEOUT", "MAX OUTPUT", "ARGS");
                commands.forEach(c -> table.row(
                        c.name(),
                        String.join(" ", c.argv()),
                        Durations.format(c.timeout()),
                        ByteSizes.format(c.maxOutputBytes()),
                        c.describeArgs()));
                table.print(console.out());
            }
            return 0;
        }
    }
}
