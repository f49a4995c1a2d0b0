package dev.secureconnect.appliance.cli;

import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code connect} and {@code disconnect}: the tickets the link carries. */
final class TicketCommands {

    private TicketCommands() {}

    @Command(
            name = "connect",
            description = "Connects a support ticket: the daemon offers it to the server (dialling if"
                    + " needed); a ticket the server refused is offered again.")
    static final class Connect implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(
                names = "--ticket",
                required = true,
                paramLabel = "NUMBER",
                converter = Converters.Ticket.class,
                description = "The 8-digit ticket number support gave you.")
        TicketNumber ticket;

        @Option(
                names = "--wait",
                paramLabel = "DURATION",
                converter = Converters.Wait.class,
                description =
                        "Wait up to this long (e.g. 10s, at most 2m) for the server's verdict; a refusal exits 1.")
        Duration waitFor;

        Connect(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            AdminRequest request = new AdminRequest(
                    "connect", ticket.value(), null, waitFor == null ? null : Durations.format(waitFor));
            console.out()
                    .println(Daemon.request(dir.open(), request, waitFor == null ? Duration.ZERO : waitFor)
                            .message());
            return 0;
        }
    }

    @Command(name = "disconnect", description = "Disconnects one ticket or all of them, closing their support streams.")
    static final class Disconnect implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(
                    names = "--ticket",
                    paramLabel = "NUMBER",
                    converter = Converters.Ticket.class,
                    description = "The ticket to disconnect.")
            TicketNumber ticket;

            @Option(names = "--all", description = "Disconnect every ticket.")
            boolean all;
        }

        Disconnect(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            AdminRequest request = which.all
                    ? new AdminRequest("disconnect", null, true, null)
                    : new AdminRequest("disconnect", which.ticket.value(), null, null);
            console.out().println(Daemon.request(dir.open(), request).message());
            return 0;
        }
    }
}
