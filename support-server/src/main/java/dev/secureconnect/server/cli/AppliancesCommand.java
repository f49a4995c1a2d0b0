package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.appliances.ApplianceCheckpoints;
import dev.secureconnect.server.appliances.ApplianceStatus;
import dev.secureconnect.server.appliances.ApplianceStore;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "appliances",
        description = "Lists the appliances that have connected: online or offline, tickets, since,"
                + " address, services, and the latest signed checkpoint of each one's own audit log.",
        subcommands = {InviteCommand.class, RevokeCommand.class})
final class AppliancesCommand implements Callable<Integer> {

    // not a required mixin: 'appliances invite' takes its own --dir, and picocli would ask the parent for one too
    @Option(names = "--dir", paramLabel = "DIR", description = "The server directory (holds server.yaml).")
    java.nio.file.@Nullable Path dir;

    ServerDir server = new ServerDir();

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(
            names = "--checkpoint",
            paramLabel = "SERIAL",
            description =
                    "Instead of the list: the latest signed"
                            + " checkpoint of this appliance's audit log that the server holds, as 'sc-appliance audit verify --anchor"
                            + " FILE' reads it (it proves that the appliance's log still holds every record up to it, unchanged).")
    String checkpoint;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "With --checkpoint: write it to FILE instead of printing it.")
    java.nio.file.Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (dir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--dir=DIR'");
        }
        server = ServerDir.of(dir);
        if (checkpoint != null) {
            return writeCheckpoint();
        }
        if (out != null) {
            throw new CliException("--out FILE goes with --checkpoint SERIAL");
        }
        List<ApplianceStatus> appliances;
        Map<String, ApplianceCheckpoints.Held> checkpoints;
        try (Database database = server.database()) {
            appliances = new ApplianceStore(
                            database, Clock.systemUTC(), server.config().node())
                    .list();
            checkpoints = new ApplianceCheckpoints(database, server.audit(database), Clock.systemUTC()).all();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(
                    out,
                    Mappers.json(),
                    appliances.stream()
                            .map(appliance -> row(appliance, Optional.ofNullable(checkpoints.get(appliance.serial()))))
                            .toList());
            return 0;
        }
        TextTable table = new TextTable("SERIAL", "STATE", "TICKETS", "SINCE", "ADDRESS", "SERVICES", "AUDIT LOG");
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
                    String.join(",", appliance.services()),
                    held(Optional.ofNullable(checkpoints.get(appliance.serial()))));
        }
        table.print(out);
        return 0;
    }

    /** "held N records signed at T", or that no checkpoint was received. */
    static String held(Optional<ApplianceCheckpoints.Held> held) {
        return held.map(h -> "held " + h.checkpoint().seq() + " records signed at "
                        + h.checkpoint().signedAt())
                .orElse("no signed checkpoint received");
    }

    static Map<String, Object> row(ApplianceStatus appliance, Optional<ApplianceCheckpoints.Held> held) {
        Map<String, Object> row = row(appliance);
        row.put(
                "auditCheckpoint",
                held.map(h -> {
                            Map<String, Object> checkpoint = new LinkedHashMap<>();
                            checkpoint.put("seq", h.checkpoint().seq());
                            checkpoint.put("hash", h.checkpoint().hash());
                            checkpoint.put("signedAt", h.checkpoint().signedAt().toString());
                            checkpoint.put("receivedAt", h.receivedAt().toString());
                            return checkpoint;
                        })
                        .orElse(null));
        return row;
    }

    private int writeCheckpoint() throws java.io.IOException {
        String serial = checkpoint;
        Optional<ApplianceCheckpoints.Held> held;
        try (Database database = server.database()) {
            held = new ApplianceCheckpoints(database, server.audit(database), Clock.systemUTC()).held(serial);
        }
        ApplianceCheckpoints.Held found = held.orElseThrow(() -> new CliException("the server holds no audit"
                + " checkpoint of appliance " + serial + ": it has not sent one over its link yet (check the serial"
                + " with 'sc-server appliances')"));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("serial", found.checkpoint().serial());
        line.put("seq", found.checkpoint().seq());
        line.put("hash", found.checkpoint().hash());
        line.put("signedAt", found.checkpoint().signedAt().toString());
        line.put("jws", found.checkpoint().jws());
        String text = Mappers.json().writeValueAsString(line);
        if (out == null) {
            spec.commandLine().getOut().println(text);
        } else {
            dev.secureconnect.crypto.files.DurableFiles.write(
                    out.toAbsolutePath(),
                    (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    dev.secureconnect.crypto.files.DurableFiles.Access.READABLE);
            spec.commandLine()
                    .getOut()
                    .println("wrote the checkpoint of " + serial + " (seq "
                            + found.checkpoint().seq() + ", signed "
                            + found.checkpoint().signedAt() + ") to " + out);
        }
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
