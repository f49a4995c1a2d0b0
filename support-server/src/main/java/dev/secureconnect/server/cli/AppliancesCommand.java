package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.appliances.ApplianceStatus;
import dev.secureconnect.server.appliances.ApplianceStore;
import dev.secureconnect.server.storage.Database;
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

@Command(
        name = "appliances",
        description = "Lists the appliances that have connected: online or offline, tickets, since, address, services.")
final class AppliancesCommand implements Callable<Integer> {

    @Mixin
    ServerDir server;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<ApplianceStatus> appliances;
        try (Database database = server.database()) {
            appliances = new ApplianceStore(
                            database, Clock.systemUTC(), server.config().node())
                    .list();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(
                    out,
                    Mappers.json(),
                    appliances.stream().map(AppliancesCommand::row).toList());
            return 0;
        }
        TextTable table = new TextTable("SERIAL", "STATE", "TICKETS", "SINCE", "ADDRESS", "SERVICES");
        for (ApplianceStatus appliance : appliances) {
            table.row(
                    appliance.serial(),
                    appliance.online() ? "online" : "offline",
                    String.join(
                            ",",
                            appliance.tickets().stream()
                                    .map(TicketNumber::value)
                                    .toList()),
                    appliance.since(),
                    appliance.remoteAddress() == null ? "" : appliance.remoteAddress(),
                    String.join(",", appliance.services()));
        }
        table.print(out);
        return 0;
    }

    static Map<String, Object> row(ApplianceStatus appliance) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("serial", appliance.serial());
        row.put("online", appliance.online());
        row.put("tickets", appliance.tickets().stream().map(TicketNumber::value).toList());
        row.put("since", appliance.since().toString());
        row.put("address", appliance.remoteAddress());
        row.put("services", appliance.services());
        row.put("lastSeen", appliance.lastSeen().toString());
        row.put("node", appliance.node());
        row.put("downReason", appliance.downReason());
        return row;
    }
}
