package dev.secureconnect.server.cli;

import dev.secureconnect.server.audit.AuditLog;
import dev.secureconnect.server.audit.AuditRecord;
import dev.secureconnect.server.audit.AuditVerification;
import dev.secureconnect.server.storage.Database;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", description = "Lists and verifies the hash-chained audit log.",
        subcommands = {AuditCommand.ListRecords.class, AuditCommand.Verify.class})
final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: list or verify");
    }

    @Command(name = "list", description = "Lists audit records after a sequence number.")
    static final class ListRecords implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--after", paramLabel = "SEQ", defaultValue = "0", description = "Only records after this sequence number.")
        long after;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most this many records (default ${DEFAULT-VALUE}).")
        int limit;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (after < 0 || limit < 1 || limit > AuditLog.MAX_LIST_LIMIT) {
                throw new CliException("--after must be ≥ 0 and --limit between 1 and " + AuditLog.MAX_LIST_LIMIT);
            }
            List<AuditRecord> records;
            try (Database database = server.database()) {
                records = server.audit(database).list(after, limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(records.stream().map(AuditCommand::row).toList()));
                return 0;
            }
            for (AuditRecord record : records) {
                var event = record.event();
                out.printf("%6d  %s  %-4d %-26s %-7s %s%n", record.seq(), record.time(), event.type().id(),
                        event.type().eventName(), event.outcome().code(), context(record));
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Verifies the hash chain; exit 1 names the first bad sequence number.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AuditVerification result;
            try (Database database = server.database()) {
                result = server.audit(database).verify();
            }
            if (!result.ok()) {
                throw new CliException("audit log verification failed at seq " + result.firstBadSeq() + ": " + result.message());
            }
            spec.commandLine().getOut().println("audit log intact: " + result.checked() + " records, head seq " + result.headSeq());
            return 0;
        }
    }

    private static String context(AuditRecord record) {
        var event = record.event();
        StringBuilder text = new StringBuilder();
        append(text, "actor", event.actor());
        append(text, "appliance", event.applianceSerial());
        append(text, "ticket", event.ticket());
        append(text, "session", event.sessionId());
        append(text, "source", event.sourceAddress());
        event.details().forEach((key, value) -> append(text, key, value));
        return text.toString().trim();
    }

    private static void append(StringBuilder text, String key, String value) {
        if (value != null && !value.isEmpty()) {
            text.append(key).append('=').append(value.contains(" ") ? '"' + value + '"' : value).append(' ');
        }
    }

    static Map<String, Object> row(AuditRecord record) {
        var event = record.event();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("seq", record.seq());
        row.put("time", record.time().toString());
        row.put("eventId", event.type().id());
        row.put("event", event.type().eventName());
        row.put("severity", event.type().severity().name().toLowerCase(java.util.Locale.ROOT));
        row.put("outcome", event.outcome().code());
        row.put("actor", event.actor());
        row.put("appliance", event.applianceSerial());
        row.put("ticket", event.ticket());
        row.put("session", event.sessionId());
        row.put("source", event.sourceAddress());
        row.put("details", event.details());
        row.put("prevHash", record.prevHash());
        row.put("hash", record.hash());
        return row;
    }
}
