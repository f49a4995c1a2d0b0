package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.engineer.internal.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cases}: the support cases Call Home opened, with their state and the access each needs. */
@Command(
        name = "cases",
        description = "Lists support cases: id, appliance, ticket, severity, state, title and the access scope. Once"
                + " the appliance's admin approved a case, get its token with 'sc-engineer access SERIAL --case"
                + " CASE'.")
final class CasesCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/cases";

    private final Console console;

    @Option(names = "--appliance", paramLabel = "SERIAL", description = "Only this appliance's cases.")
    String appliance;

    @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
    boolean json;

    CasesCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        String path =
                appliance == null ? PATH : PATH + "?appliance=" + URLEncoder.encode(appliance, StandardCharsets.UTF_8);
        JsonNode answer = Api.get(console, path);
        if (json) {
            JsonOutput.print(console.out(), Json.MAPPER, answer);
            return 0;
        }
        TextTable table = new TextTable("ID", "APPLIANCE", "TICKET", "SEVERITY", "STATE", "TITLE", "SCOPE");
        for (JsonNode row : answer.path("cases")) {
            table.row(
                    row.path("id").asText(),
                    row.path("appliance").asText(),
                    row.path("ticket").asText(),
                    row.path("severity").asText(),
                    row.path("state").asText(),
                    row.path("title").asText(),
                    scope(row));
        }
        table.print(console.out());
        return 0;
    }

    private static String scope(JsonNode row) {
        List<String> parts = new ArrayList<>();
        for (String what : List.of("services", "commands", "folders")) {
            List<String> items = new ArrayList<>();
            row.path(what).forEach(item -> items.add(item.asText()));
            parts.add(what + " " + (items.isEmpty() ? "-" : String.join(",", items)));
        }
        parts.add("for " + row.path("duration").asText());
        return String.join("; ", parts);
    }
}
