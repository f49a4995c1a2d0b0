package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.callhome.BundleStore;
import dev.secureconnect.server.callhome.StoredBundle;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "callhome",
        description = "Lists and shows the diagnostic bundles appliances sent (Call Home).",
        subcommands = {CallHomeCommand.ListBundles.class, CallHomeCommand.Show.class})
final class CallHomeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list or show");
    }

    static BundleStore store(Database database, ServerDir server) {
        return new BundleStore(
                server.dir.toAbsolutePath().normalize(), database, server.audit(database), Clock.systemUTC());
    }

    /** One bundle for --json: times as ISO-8601 text. */
    static Map<String, Object> row(StoredBundle bundle) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", bundle.id());
        row.put("appliance", bundle.appliance());
        row.put("createdAt", bundle.createdAt().toString());
        row.put("receivedAt", bundle.receivedAt().toString());
        row.put("trigger", bundle.trigger());
        row.put("version", bundle.version());
        row.put("compressedBytes", bundle.compressedBytes());
        row.put("jsonBytes", bundle.jsonBytes());
        row.put("sha256", bundle.sha256());
        row.put("summary", bundle.summary());
        return row;
    }

    @Command(name = "list", description = "Lists the bundles received, newest first.")
    static final class ListBundles implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--appliance", paramLabel = "SERIAL", description = "Only this appliance's bundles.")
        String appliance;

        @Option(names = "--limit", paramLabel = "N", description = "At most N bundles (default 100).")
        int limit = 100;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 10_000) {
                throw new CliException("--limit " + limit + " (expected: 1-10000)");
            }
            List<StoredBundle> bundles;
            try (Database database = server.database()) {
                bundles = store(database, server).list(appliance, limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(
                        out,
                        Mappers.json(),
                        bundles.stream().map(CallHomeCommand::row).toList());
                return 0;
            }
            TextTable table =
                    new TextTable("ID", "APPLIANCE", "CREATED", "RECEIVED", "TRIGGER", "VERSION", "BYTES", "SUMMARY");
            for (StoredBundle bundle : bundles) {
                table.row(
                        bundle.id(),
                        bundle.appliance(),
                        bundle.createdAt(),
                        bundle.receivedAt(),
                        bundle.trigger(),
                        bundle.version(),
                        bundle.compressedBytes(),
                        bundle.summary());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "show", description = "Prints one bundle's JSON, exactly as the appliance sent it.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "ID", description = "The bundle's id, as 'callhome list' shows it.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String body;
            try (Database database = server.database()) {
                BundleStore store = store(database, server);
                Optional<StoredBundle> bundle = store.find(id.strip());
                if (bundle.isEmpty()) {
                    throw new CliException(
                            "no bundle has the id '" + dev.secureconnect.crypto.text.OneLine.clipped(id, 64)
                                    + "' (see 'sc-server callhome list')");
                }
                body = store.json(bundle.get());
            }
            spec.commandLine().getOut().println(body);
            return 0;
        }
    }
}
