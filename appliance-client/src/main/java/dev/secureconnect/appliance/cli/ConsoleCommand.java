package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.console.ConsoleUsers;
import dev.secureconnect.events.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code console user add NAME}: the web console's local admin accounts. */
@Command(
        name = "console",
        description = "The web console (https://127.0.0.1:8765/ by default): its admin accounts.",
        subcommands = {ConsoleCommand.User.class})
final class ConsoleCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: user");
    }

    @Command(name = "user", description = "The console's accounts.", subcommands = ConsoleCommand.Add.class)
    static final class User implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: add");
        }
    }

    @Command(
            name = "add",
            description = "Adds a console account (or sets its password). The password is read from standard input"
                    + " (asked twice at a terminal); at least 12 characters.")
    static final class Add implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Parameters(index = "0", paramLabel = "NAME", description = "1 to 32 of A-Z a-z 0-9 . _ -")
        String name;

        Add(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            char[] password = password();
            boolean added;
            try {
                added = new ConsoleUsers(directory).add(name, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            new ApplianceAuditLog(directory, console.clock())
                    .append(ApplianceAuditEvent.of(EventType.CONSOLE_USER_ADDED, console.user())
                            .target(name)
                            .reason(added ? "account added" : "password changed")
                            .build());
            console.out()
                    .println((added ? "console account " : "new password for ") + name + (added ? " added" : " set")
                            + ": sign in at the console's address (DIR/run/console.url)");
            return 0;
        }

        private static char[] password() {
            java.io.Console terminal = System.console();
            if (terminal != null) {
                char[] first = terminal.readPassword("password for the console account: ");
                char[] again = terminal.readPassword("the same again: ");
                if (first == null || again == null || !Arrays.equals(first, again)) {
                    throw new ApplianceException("the two passwords differ: nothing changed");
                }
                Arrays.fill(again, '\0');
                return first;
            }
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new ApplianceException("no password on standard input: nothing changed");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new ApplianceException("cannot read the password from standard input: " + e.getMessage(), e);
            }
        }
    }
}
