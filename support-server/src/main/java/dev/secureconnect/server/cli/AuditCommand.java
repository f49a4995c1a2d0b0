package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.audit.AuditAnchor;
import dev.secureconnect.server.audit.AuditBundle;
import dev.secureconnect.server.audit.AuditKey;
import dev.secureconnect.server.audit.AuditPublicKey;
import dev.secureconnect.server.audit.AuditSpill;
import dev.secureconnect.server.audit.AuditVerification;
import dev.secureconnect.server.audit.Checkpoints;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "audit",
        description = "Lists, verifies and exports the hash-chained, signed audit log.",
        subcommands = {
            AuditCommand.ListRecords.class,
            AuditCommand.Verify.class,
            AuditCommand.Export.class,
            AuditCommand.Key.class,
            AuditCommand.Status.class
        })
final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "say what to do: list, verify, export, key or status");
    }

    @Command(name = "list", description = "Lists audit records after a sequence number.")
    static final class ListRecords implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(
                names = "--after",
                paramLabel = "SEQ",
                defaultValue = "0",
                description = "Only records after this sequence number.")
        long after;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "1000",
                description = "At most this many records (default ${DEFAULT-VALUE}).")
        int limit;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (after < 0 || limit < 1 || limit > ServerAuditLog.MAX_LIST_LIMIT) {
                throw new CliException(
                        "--after must be ≥ 0 and --limit between 1 and " + ServerAuditLog.MAX_LIST_LIMIT);
            }
            List<ServerAuditRecord> records;
            try (Database database = server.database()) {
                records = server.audit(database).list(after, limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(
                        out,
                        Mappers.json(),
                        records.stream().map(AuditCommand::row).toList());
                return 0;
            }
            for (ServerAuditRecord record : records) {
                var event = record.event();
                out.printf(
                        "%6d  %s  %-4d %-26s %-7s %s%n",
                        record.seq(),
                        record.time(),
                        event.type().id(),
                        event.type().eventName(),
                        event.outcome().code(),
                        context(record));
            }
            return 0;
        }
    }

    @Command(
            name = "verify",
            description = "Verifies the hash chain and every signed checkpoint of the log, or an"
                    + " exported bundle; exit 1 names the first bad sequence number.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", description = "The server directory (holds server.yaml).")
        Path dir;

        @Option(
                names = "--bundle",
                paramLabel = "FILE",
                description = "Verify this exported bundle instead (no" + " server directory needed).")
        Path bundle;

        @Option(
                names = "--key",
                paramLabel = "FILE",
                description = "The audit public key (JWK) to require, as"
                        + " 'sc-server audit key' printed it; default: the server's own key, or the bundle's.")
        Path key;

        @Option(
                names = "--anchor",
                paramLabel = "FILE|BUNDLE",
                description = "With --dir: also prove that no record"
                        + " up to this anchor's checkpoint was removed or changed (an audit-anchor.json copied elsewhere, or an"
                        + " exported bundle, whose last checkpoint is used).")
        Path anchor;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if ((dir == null) == (bundle == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --dir DIR or --bundle FILE");
            }
            if (anchor != null && dir == null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--anchor checks the log of --dir DIR;"
                                + " give --dir DIR (a bundle is checked on its own with --bundle)");
            }
            AuditPublicKey pinned = key == null ? null : readKey(key);
            AuditVerification result;
            if (bundle != null) {
                result = AuditBundle.verify(bundle, pinned);
            } else {
                ServerDir server = ServerDir.of(dir);
                try (Database database = server.database()) {
                    AuditPublicKey own =
                            Files.exists(AuditKey.in(dir)) ? AuditKey.load(dir).publicKey() : null;
                    AuditPublicKey checking = pinned != null ? pinned : own;
                    if (anchor == null) {
                        result = server.audit(database).verify(checking);
                    } else if (checking == null) {
                        throw new CliException("--anchor needs the audit public key: " + AuditKey.in(dir)
                                + " does not exist; pass --key FILE (the key 'sc-server audit key' printed)");
                    } else {
                        result = readAnchor(anchor).verify(server.audit(database), checking);
                    }
                }
            }
            if (!result.ok()) {
                throw new CliException((bundle != null ? "bundle" : "audit log") + " verification failed at seq "
                        + result.firstBadSeq() + ": " + result.message());
            }
            spec.commandLine().getOut().println(result.message());
            return 0;
        }

        private static AuditAnchor readAnchor(Path file) {
            try {
                return AuditAnchor.read(file);
            } catch (IllegalArgumentException e) {
                throw new CliException("--anchor " + e.getMessage());
            }
        }

        private static AuditPublicKey readKey(Path file) throws IOException {
            try {
                return AuditPublicKey.parse(Files.readString(file));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new CliException("--key " + file + " does not exist");
            } catch (IllegalArgumentException e) {
                throw new CliException("--key " + file + " is " + e.getMessage());
            }
        }
    }

    @Command(
            name = "export",
            description = "Writes records SEQ..SEQ, with the signed checkpoints covering them and"
                    + " the audit public key, to a bundle that 'audit verify --bundle' checks on any machine.")
    static final class Export implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--from", required = true, paramLabel = "SEQ", description = "The first record.")
        long from;

        @Option(names = "--to", required = true, paramLabel = "SEQ", description = "The last record.")
        long to;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The bundle to write (JSON).")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ServerConfig config = server.config();
            AuditKey key = AuditKey.loadOrCreate(server.dir);
            AuditBundle.Exported exported;
            try (Database database = server.database()) {
                ServerAuditLog audit = server.audit(database);
                Checkpoints checkpoints = new Checkpoints(
                        database,
                        audit,
                        key,
                        config.node(),
                        Clock.systemUTC(),
                        Optional.of(AuditAnchor.in(server.dir)));
                exported = AuditBundle.export(audit, checkpoints, key, config.node(), ServerDir.actor(), from, to, out);
            }
            spec.commandLine()
                    .getOut()
                    .println("exported records " + exported.from() + ".." + exported.to() + " to "
                            + out + " (" + exported.records() + " records through the checkpoint at "
                            + exported.signedThrough()
                            + ", " + exported.checkpoints() + " signature(s), audit key " + exported.keyId() + ")");
            return 0;
        }
    }

    @Command(
            name = "key",
            description = "Prints the audit public key (JWK) that signs checkpoints: pin it where"
                    + " bundles are checked ('audit verify --bundle F --key KEY').")
    static final class Key implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the JWK to FILE instead of printing it.")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            server.config();
            String jwk = AuditKey.loadOrCreate(server.dir).publicKey().json();
            if (out == null) {
                spec.commandLine().getOut().println(jwk);
            } else {
                Files.writeString(out, jwk + "\n", StandardCharsets.UTF_8);
            }
            return 0;
        }
    }

    @Command(
            name = "status",
            description = "Says whether the audit log commits (ok) or is degraded: records held in"
                    + " the daemon's spill file (run/audit-spill.jsonl) because the database could not take them. Exit 1"
                    + " while degraded.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ServerConfig.Audit settings = server.config().audit();
            AuditSpill spill = AuditSpill.open(
                    server.dir.resolve(AuditSpill.FILE), settings.spillMaxRecords(), settings.spillMaxBytes());
            PrintWriter out = spec.commandLine().getOut();
            List<AuditSpill.Spilled> held = spill.records();
            if (held.isEmpty()) {
                out.println("audit: ok");
                return 0;
            }
            out.println("audit: degraded: " + held.size() + " record(s) held in " + spill.file() + " since "
                    + held.get(0).spilledAt() + (spill.full() ? " (full: sessions closed, new ones refused)" : "")
                    + "; the daemon appends them once the database commits again");
            return 1;
        }
    }

    private static String context(ServerAuditRecord record) {
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

    private static void append(StringBuilder text, String key, @Nullable String value) {
        if (value != null && !value.isEmpty()) {
            text.append(key)
                    .append('=')
                    .append(value.contains(" ") ? '"' + value + '"' : value)
                    .append(' ');
        }
    }

    static Map<String, Object> row(ServerAuditRecord record) {
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
