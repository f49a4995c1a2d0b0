package dev.secureconnect.engineer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.engineer.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sessions}: this engineer's session streams active on the server. */
@Command(name = "sessions", description = "Lists your sessions active on the server: forwards, exec, file transfers.")
final class SessionsCommand implements Callable<Integer> {

    static final String PATH = "/api/v1/sessions";

    private final Console console;

    @Option(names = "--json", description = "Print the server's JSON answer instead of a table.")
    boolean json;

    SessionsCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        JsonNode answer = Api.get(console, PATH);
        if (json) {
            JsonOutput.print(console.out(), Json.MAPPER, answer);
            return 0;
        }
        TextTable table = new TextTable(
                "ID", "APPLIANCE", "TICKET", "KIND", "TARGET", "STARTED", "TO-APPLIANCE", "FROM-APPLIANCE");
        for (JsonNode session : answer.path("sessions")) {
            table.row(
                    Api.text(session, "id"),
                    Api.text(session, "appliance"),
                    Api.text(session, "ticket"),
                    Api.text(session, "kind"),
                    Api.text(session, "target"),
                    Api.text(session, "startedAt"),
                    Api.text(session, "bytesToAppliance"),
                    Api.text(session, "bytesFromAppliance"));
        }
        table.print(console.out());
        return 0;
    }
}
