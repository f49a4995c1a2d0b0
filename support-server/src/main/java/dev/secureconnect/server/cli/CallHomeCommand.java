package dev.secureconnect.server.cli;

import dev.secureconnect.cli.TextTable;
import dev.secureconnect.server.callhome.BundleStore;
import dev.secureconnect.server.callhome.StoredBundle;
import dev.secureconnect.server.storage.Database;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

        @Mixin
        ApplianceListing listing;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            int limit = listing.limit();
            List<StoredBundle> bundles;
            try (Database database = server.database()) {
                bundles = store(database, server).list(listing.appliance, limit);
            }
            listing.print(
                    spec.commandLine().getOut(),
                    bundles,
                    CallHomeCommand::row,
                    new TextTable("ID", "APPLIANCE", "CREATED", "RECEIVED", "TRIGGER", "VERSION", "BYTES", "SUMMARY"),
                    bundle -> new Object[] {
                        bundle.id(),
                        bundle.appliance(),
                        bundle.createdAt(),
                        bundle.receivedAt(),
                        bundle.trigger(),
                        bundle.version(),
                        bundle.compressedBytes(),
                        bundle.summary()
                    });
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
