package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.tickets.Ticket;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tickets",
        description = "Opens, lists and closes support tickets.",
        subcommands = {TicketsCommand.Open.class, TicketsCommand.ListTickets.class, TicketsCommand.Close.class})
final class TicketsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: open, list or close");
    }

    static TicketStore store(Database database, ServerDir server) {
        return new TicketStore(database, server.audit(database), Clock.systemUTC());
    }

    @Command(name = "open", description = "Opens a ticket and prints its new 8-digit number.")
    static final class Open implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--title", required = true, paramLabel = "TEXT", description = "What the ticket is about.")
        String title;

        @Option(names = "--appliance", paramLabel = "SERIAL", description = "Only this appliance may quote the ticket.")
        String appliance;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = server.database()) {
                Ticket ticket = store(database, server).open(title, appliance, ServerDir.actor());
                spec.commandLine().getOut().println(ticket.number().value());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the tickets.")
    static final class ListTickets implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<Ticket> tickets;
            try (Database database = server.database()) {
                tickets = store(database, server).list();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(
                        out,
                        Mappers.json(),
                        tickets.stream().map(TicketsCommand::row).toList());
                return 0;
            }
            TextTable table = new TextTable("TICKET", "STATUS", "APPLIANCE", "OPENED", "TITLE");
            for (Ticket ticket : tickets) {
                table.row(
                        ticket.number().value(),
                        ticket.status().code(),
                        ticket.applianceSerial() == null ? "any" : ticket.applianceSerial(),
                        ticket.openedAt(),
                        ticket.title());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "close", description = "Closes a ticket: appliances can no longer quote it and its admission ends.")
    static final class Close implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "NUMBER", description = "The 8-digit ticket number.")
        String number;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            TicketNumber ticket = TicketNumber.parse(number);
            try (Database database = server.database()) {
                store(database, server).close(ticket, ServerDir.actor());
            }
            spec.commandLine().getOut().println("closed ticket " + ticket.value());
            return 0;
        }
    }

    static Map<String, Object> row(Ticket ticket) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("number", ticket.number().value());
        row.put("status", ticket.status().code());
        row.put("title", ticket.title());
        row.put("appliance", ticket.applianceSerial());
        row.put("openedAt", String.valueOf(ticket.openedAt()));
        row.put("openedBy", ticket.openedBy());
        row.put("closedAt", ticket.closedAt() == null ? null : ticket.closedAt().toString());
        row.put("closedBy", ticket.closedBy());
        return row;
    }
}
