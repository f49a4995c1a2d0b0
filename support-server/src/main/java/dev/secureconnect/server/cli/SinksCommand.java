package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.events.EventType;
import dev.secureconnect.export.DeliveryException;
import dev.secureconnect.export.Destination;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.config.Sink;
import dev.secureconnect.server.sinks.Destinations;
import dev.secureconnect.server.sinks.ExportedEvents;
import dev.secureconnect.server.sinks.SinkCursor;
import dev.secureconnect.server.sinks.SinkCursors;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
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
        name = "sinks",
        description = "Export sinks: where the audit log is delivered (syslog, webhook, file).",
        subcommands = {
            SinksCommand.Add.class,
            SinksCommand.Remove.class,
            SinksCommand.ListSinks.class,
            SinksCommand.Status.class,
            SinksCommand.Test.class
        })
final class SinksCommand implements Runnable {

    /** How soon a running server applies a changed server.yaml. */
    static final String PICKED_UP = "a running server applies it within 2 seconds";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "say what to do: add, remove, list, status or test");
    }

    @Command(
            name = "add",
            description = "Adds an export sink to server.yaml (checked first); a running server"
                    + " starts delivering to it within 2 seconds.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Unique name: a-z 0-9 _ -.")
        String name;

        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "syslog, webhook or file.")
        String type;

        @Option(names = "--transport", paramLabel = "T", description = "syslog: udp, tcp (default) or tls.")
        String transport;

        @Option(names = "--target", paramLabel = "HOST:PORT", description = "syslog: the receiver.")
        String target;

        @Option(names = "--format", paramLabel = "F", description = "syslog: rfc5424 (default), cef, leef or json.")
        String format;

        @Option(
                names = "--facility",
                paramLabel = "F",
                description = "syslog: facility name or number (default audit).")
        String facility;

        @Option(names = "--ca", paramLabel = "FILE", description = "tls/https: the receiver's CA (PEM).")
        String ca;

        @Option(names = "--cert", paramLabel = "FILE", description = "syslog tls: client certificate (PEM).")
        String certificate;

        @Option(names = "--key", paramLabel = "FILE", description = "syslog tls: the client certificate's key (PEM).")
        String key;

        @Option(names = "--url", paramLabel = "URL", description = "webhook: the http(s):// address.")
        String url;

        @Option(
                names = "--secret-file",
                paramLabel = "FILE",
                description = "webhook: the HMAC-SHA256 secret (mode 0600).")
        String secretFile;

        @Option(names = "--path", paramLabel = "FILE", description = "file: the JSON-lines file.")
        String path;

        @Option(names = "--max-bytes", paramLabel = "N", description = "file: rotate past this size (default 100 MiB).")
        Long maxBytes;

        @Option(names = "--keep", paramLabel = "N", description = "file: rotated files kept (default 10).")
        Integer keep;

        @Option(names = "--min-severity", paramLabel = "S", description = "Only events at least this severe.")
        String minSeverity;

        @Option(
                names = "--events",
                paramLabel = "IDS",
                split = ",",
                description = "Only these ids or ranges: 1200-1299,1600.")
        List<String> events;

        @Option(
                names = "--categories",
                paramLabel = "C",
                split = ",",
                description = "Only these categories (docs/events.md).")
        List<String> categories;

        @Option(names = "--start-at", paramLabel = "WHERE", description = "oldest (default: the whole log) or now.")
        String startAt;

        @Option(names = "--replace", description = "Replace a sink of the same name (its cursor is kept).")
        boolean replace;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ServerConfig config = server.config();
            Sink sink = new Sink(
                    name,
                    type,
                    transport,
                    target,
                    format,
                    facility,
                    ca,
                    certificate,
                    key,
                    url,
                    secretFile,
                    path,
                    maxBytes,
                    keep,
                    minSeverity,
                    events,
                    categories,
                    startAt,
                    null,
                    null);
            new Destinations(server.dir.toAbsolutePath().normalize(), config.node()).check(sink);
            List<Sink> sinks = new ArrayList<>(config.sinks());
            boolean exists = sinks.removeIf(existing -> existing.name().equals(name));
            if (exists && !replace) {
                throw new CliException("a sink named '" + name + "' exists already: remove it first, or add --replace");
            }
            sinks.add(sink);
            try (Database database = server.database()) {
                // the record first: server.yaml is written only in its transaction, so no change goes unrecorded
                server.audit(database).inTransaction(transaction -> {
                    ServerAuditRecord record = transaction.append(ServerAuditEvent.builder(EventType.SINK_ADDED)
                            .actor(ServerDir.actor())
                            .detail("sink", name)
                            .detail("type", sink.type())
                            .detail("target", sink.describe())
                            .detail("format", sink.format())
                            .build());
                    ConfigFile.write(server.dir, config.withSinks(sinks));
                    return record;
                });
            }
            spec.commandLine()
                    .getOut()
                    .println((exists ? "replaced" : "added") + " sink " + name + ": " + sink.describe() + "; "
                            + PICKED_UP);
            return 0;
        }
    }

    @Command(name = "remove", description = "Removes an export sink from server.yaml and forgets its cursor.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "NAME", description = "The sink, as 'sinks list' shows it.")
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ServerConfig config = server.config();
            List<Sink> sinks = new ArrayList<>(config.sinks());
            sinks.remove(named(config, name, server));
            try (Database database = server.database()) {
                // the record first: server.yaml is written only in its transaction, so no change goes unrecorded
                server.audit(database).inTransaction(transaction -> {
                    ServerAuditRecord record = transaction.append(ServerAuditEvent.builder(EventType.SINK_REMOVED)
                            .actor(ServerDir.actor())
                            .detail("sink", name)
                            .build());
                    ConfigFile.write(server.dir, config.withSinks(sinks));
                    return record;
                });
                new SinkCursors(database, Clock.systemUTC()).remove(name);
            }
            spec.commandLine().getOut().println("removed sink " + name + "; " + PICKED_UP);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the configured export sinks.")
    static final class ListSinks implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<Sink> sinks = server.config().sinks();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, Mappers.json(), sinks);
                return 0;
            }
            TextTable table = new TextTable("NAME", "DESTINATION", "FILTER");
            for (Sink sink : sinks) {
                table.row(sink.name(), sink.describe(), filter(sink));
            }
            table.print(out);
            return 0;
        }

        private static String filter(Sink sink) {
            List<String> parts = new ArrayList<>();
            if (sink.minSeverity() != null) {
                parts.add("severity <= " + sink.minSeverity());
            }
            if (!sink.events().isEmpty()) {
                parts.add("events " + String.join(",", sink.events()));
            }
            if (!sink.categories().isEmpty()) {
                parts.add("categories " + String.join(",", sink.categories()));
            }
            return parts.isEmpty() ? "all events" : String.join("; ", parts);
        }
    }

    @Command(
            name = "status",
            description = "Per sink: the last delivered record, the lag behind the log and the" + " last error.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ServerConfig config = server.config();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Database database = server.database()) {
                long head = server.audit(database).lastSeq();
                SinkCursors cursors = new SinkCursors(database, Clock.systemUTC());
                List<String> names =
                        new ArrayList<>(config.sinks().stream().map(Sink::name).toList());
                cursors.all().stream()
                        .map(SinkCursor::name)
                        .filter(n -> !names.contains(n))
                        .forEach(names::add);
                for (String name : names) {
                    Optional<Sink> sink = config.sinks().stream()
                            .filter(s -> s.name().equals(name))
                            .findFirst();
                    rows.add(row(
                            name,
                            sink.map(Sink::describe).orElse(name.equals("mail") ? "mail notifier" : "(not configured)"),
                            cursors.get(name),
                            head));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, Mappers.json(), rows);
                return 0;
            }
            TextTable table = new TextTable("NAME", "DESTINATION", "DELIVERED", "LAG", "STATUS", "LAST ERROR");
            for (Map<String, Object> row : rows) {
                table.row(
                        row.get("name"),
                        row.get("destination"),
                        row.get("deliveredSeq"),
                        row.get("lag"),
                        row.get("status"),
                        row.get("lastError") == null ? "" : row.get("lastErrorAt") + " " + row.get("lastError"));
            }
            table.print(out);
            return 0;
        }

        private static Map<String, Object> row(
                String name, String destination, Optional<SinkCursor> cursor, long head) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("destination", destination);
            row.put("deliveredSeq", cursor.map(SinkCursor::deliveredSeq).orElse(null));
            row.put("headSeq", head);
            row.put("lag", cursor.map(c -> head - c.deliveredSeq()).orElse(null));
            row.put("status", cursor.isEmpty() ? "waiting" : cursor.get().failing() ? "failing" : "ok");
            row.put(
                    "failingSince",
                    cursor.map(SinkCursor::failingSince).map(Object::toString).orElse(null));
            row.put("lastError", cursor.map(SinkCursor::lastError).orElse(null));
            row.put(
                    "lastErrorAt",
                    cursor.map(SinkCursor::lastErrorAt).map(Object::toString).orElse(null));
            row.put(
                    "deliveredAt",
                    cursor.map(SinkCursor::deliveredAt).map(Object::toString).orElse(null));
            return row;
        }
    }

    @Command(
            name = "test",
            description = "Appends a sink.test event and delivers it to one sink now; exit 1 with"
                    + " the reason if the receiver does not take it.")
    static final class Test implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Parameters(paramLabel = "NAME", description = "The sink, as 'sinks list' shows it.")
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ServerConfig config = server.config();
            Sink sink = named(config, name, server);
            ServerAuditRecord record;
            try (Database database = server.database()) {
                ServerAuditLog audit = server.audit(database);
                record = audit.append(ServerAuditEvent.builder(EventType.SINK_TEST)
                        .actor(ServerDir.actor())
                        .detail("sink", name)
                        .build());
            }
            try (Destination destination =
                    new Destinations(server.dir.toAbsolutePath().normalize(), config.node()).open(sink)) {
                destination.deliver(List.of(ExportedEvents.of(record)));
            } catch (DeliveryException e) {
                throw new CliException("sink " + name + " (" + sink.describe() + ") did not take test record "
                        + record.seq() + ": " + e.getMessage());
            }
            spec.commandLine()
                    .getOut()
                    .println("delivered test record " + record.seq() + " to sink " + name + " (" + sink.describe()
                            + ")");
            return 0;
        }
    }

    /** The configured sink called {@code name}. */
    private static Sink named(ServerConfig config, String name, ServerDir server) {
        return config.sinks().stream()
                .filter(sink -> sink.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new CliException(
                        "no sink named '" + name + "' (see 'sc-server sinks list --dir " + server.dir + "')"));
    }
}
