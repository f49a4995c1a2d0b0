package dev.secureconnect.server.cli;

import dev.secureconnect.export.mail.MailAddresses;
import dev.secureconnect.server.appliances.ApplianceContacts;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "contacts",
        description = "The appliances' admin e-mail addresses, told when sessions start and end.",
        subcommands = {ContactsCommand.Set.class, ContactsCommand.ListContacts.class})
final class ContactsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: set or list");
    }

    @Command(name = "set", description = "Sets the contact addresses of one appliance (none: removes them).")
    static final class Set implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(index = "0", paramLabel = "SERIAL", description = "The appliance's serial.")
        String serial;

        @Option(names = "--email", paramLabel = "ADDRESS", description = "A contact address; repeat for several.")
        List<String> emails = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<String> addresses = new ArrayList<>();
            for (String email : emails) {
                addresses.add(MailAddresses.parse(email, "--email").getAddress());
            }
            try (Database database = server.database()) {
                new ApplianceContacts(database, Clock.systemUTC()).set(serial, addresses);
            }
            spec.commandLine()
                    .getOut()
                    .println(
                            addresses.isEmpty()
                                    ? "removed the contacts of " + serial
                                    : "contacts of " + serial + ": " + String.join(", ", addresses));
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the appliances' contact addresses.")
    static final class ListContacts implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, List<String>> all;
            try (Database database = server.database()) {
                all = new ApplianceContacts(database, Clock.systemUTC()).all();
            }
            PrintWriter out = spec.commandLine().getOut();
            all.forEach((serial, addresses) -> out.printf("%-24s  %s%n", serial, String.join(", ", addresses)));
            return 0;
        }
    }
}
