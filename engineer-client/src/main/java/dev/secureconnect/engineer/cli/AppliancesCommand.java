package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.engineer.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code appliances}: the appliances connected to the server now, with their tickets and services. */
@Command(
        name = "appliances",
        description = "Lists the appliances connected to the server: serial, open tickets," + " allow-listed services.")
final class AppliancesCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/appliances";

    private final Console console;

    @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
    boolean json;

    AppliancesCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        JsonNode answer = Api.get(console, PATH);
        if (json) {
            JsonOutput.print(console.out(), Json.MAPPER, answer);
            return 0;
        }
        TextTable table = new TextTable("SERIAL", "TICKETS", "SERVICES", "SINCE", "ADDRESS");
        for (JsonNode appliance : answer.path("appliances")) {
            List<String> tickets = new ArrayList<>();
            appliance.path("tickets").forEach(ticket -> tickets.add(ticket.asText()));
            List<String> services = new ArrayList<>();
            appliance
                    .path("services")
                    .forEach(service -> services.add(service.path("name").asText() + ":"
                            + service.path("port").asText()));
            table.row(
                    appliance.path("serial").asText(),
                    tickets.isEmpty() ? "-" : String.join(",", tickets),
                    services.isEmpty() ? "-" : String.join(",", services),
                    Api.text(appliance, "since"),
                    Api.text(appliance, "address"));
        }
        table.print(console.out());
        return 0;
    }
}
