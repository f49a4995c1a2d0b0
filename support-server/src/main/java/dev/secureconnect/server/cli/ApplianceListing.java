package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options of a list of what the server keeps per appliance, newest first ({@code callhome list}, {@code cases
 * list}): {@code --appliance}, {@code --limit} and {@code --json}, and how the list is printed.
 */
final class ApplianceListing {

    @Option(names = "--appliance", paramLabel = "SERIAL", description = "Only this appliance's.")
    @Nullable
    String appliance;

    @Option(names = "--limit", paramLabel = "N", description = "At most N (default 100, at most 10000).")
    int limit = 100;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** @throws CliException if {@code --limit} is out of range */
    int limit() {
        if (limit < 1 || limit > 10_000) {
            throw new CliException("--limit " + limit + " (expected: 1-10000)");
        }
        return limit;
    }

    /** Prints {@code items}: one JSON array of {@code jsonRow} with {@code --json}, else {@code table}'s rows. */
    <T> void print(
            PrintWriter out,
            List<T> items,
            Function<T, Object> jsonRow,
            TextTable table,
            Function<T, @Nullable Object[]> tableRow) {
        if (json) {
            JsonOutput.print(out, Mappers.json(), items.stream().map(jsonRow).toList());
            return;
        }
        for (T item : items) {
            table.row(tableRow.apply(item));
        }
        table.print(out);
    }
}
