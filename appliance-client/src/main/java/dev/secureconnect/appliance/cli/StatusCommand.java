package dev.secureconnect.appliance.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.access.TokenKeys;
import dev.secureconnect.appliance.admin.AdminRequest;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.exec.CommandCatalogue;
import dev.secureconnect.appliance.exec.CommandEntry;
import dev.secureconnect.appliance.files.FolderList;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.appliance.link.ApplianceStatus;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        description = "Shows whether SecureConnect is on, the link's state (connecting, connected,"
                + " refused and why, backing off until when) and the open connections: ticket, server, since, services, active"
                + " sessions.")
final class StatusCommand implements Callable<Integer> {

    private final Console console;

    @Mixin
    DirOption dir;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    StatusCommand(Console console) {
        this.console = console;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        ApplianceDirectory directory = dir.open();
        ApplianceStatus status = requireNonNull(
                Daemon.request(directory, AdminRequest.of("status")).status(), "a status answer has one");
        if (json) {
            ObjectNode tree = Json.COMPACT.valueToTree(status);
            tree.set("audit", audit(directory));
            JsonOutput.print(console.out(), Json.COMPACT, tree);
        } else {
            print(status, access(directory), console.out());
        }
        return 0;
    }

    /**
     * The audit log's state as {@code audit status} reads it ({@link AuditCommand.AuditState}: normal or degraded, the
     * records held in the spill file and its size), or {@code {"state": "unreadable", "error": …}}.
     */
    private static JsonNode audit(ApplianceDirectory directory) {
        try {
            return Json.COMPACT.valueToTree(AuditCommand.state(directory));
        } catch (ApplianceException e) {
            return Json.COMPACT.createObjectNode().put("state", "unreadable").put("error", e.getMessage());
        }
    }

    /** What support may use besides services: the token key, the commands, the folders (read from DIR). */
    static List<String> access(ApplianceDirectory directory) {
        List<String> lines = new ArrayList<>();
        try {
            lines.add("audit:         " + AuditCommand.describe(directory).substring("audit: ".length()));
        } catch (ApplianceException e) {
            lines.add("audit:         unreadable: " + e.getMessage());
        }
        lines.add("token key:     "
                + (TokenKeys.pinned(directory)
                        ? "pinned (" + directory.tokenKeysFile().getFileName() + ")"
                        : "none: every support session is refused until 'sc-appliance token-key --dir " + directory
                                + " --file F'"));
        try {
            List<String> commands = CommandCatalogue.read(directory).commands().stream()
                    .map(CommandEntry::name)
                    .toList();
            lines.add("commands:      " + (commands.isEmpty() ? "none" : String.join(", ", commands)));
        } catch (ApplianceException e) {
            lines.add("commands:      unreadable: " + e.getMessage());
        }
        try {
            List<String> folders = FolderList.read(directory).folders().stream()
                    .map(f -> f.path() + (f.write() ? " (read-write)" : " (read-only)"))
                    .toList();
            lines.add("folders:       " + (folders.isEmpty() ? "none" : String.join(", ", folders)));
        } catch (ApplianceException e) {
            lines.add("folders:       unreadable: " + e.getMessage());
        }
        return lines;
    }

    static void print(ApplianceStatus status, List<String> access, PrintWriter out) {
        out.println("SecureConnect: " + (status.enabled() ? "enabled" : "disabled"));
        out.println("appliance:     " + status.serial());
        out.println("server:        " + status.server());
        out.println("link:          " + describe(status.link()));
        out.println("services:      "
                + (status.services().isEmpty() ? "none allow-listed" : String.join(", ", status.services())));
        access.forEach(out::println);
        if (status.connections().isEmpty()) {
            out.println("connections:   none");
            return;
        }
        out.println();
        TextTable table = new TextTable("TICKET", "STATUS", "SERVER", "SINCE", "SERVICES", "SESSIONS");
        for (ApplianceStatus.Connection row : status.connections()) {
            String state = row.reason() == null ? row.status() : row.status() + ": " + row.reason();
            table.row(
                    row.ticket(),
                    state,
                    row.server(),
                    row.since(),
                    row.services().isEmpty() ? "none" : String.join(",", row.services()),
                    row.activeSessions());
        }
        table.print(out);
    }

    private static String describe(ApplianceStatus.Link link) {
        StringBuilder text = new StringBuilder(link.state());
        switch (link.state()) {
            case "backing-off" ->
                text.append(" until ").append(link.retryAt()).append(": ").append(link.reason());
            case "refused" ->
                text.append(": ").append(link.reason()).append(" (not retried until you connect a ticket again)");
            case "connected" ->
                text.append(" since ")
                        .append(link.since())
                        .append(link.serverIdentity() == null ? "" : " (" + link.serverIdentity() + ")");
            case "connecting" -> text.append(" since ").append(link.since());
            default -> {
                if (link.reason() != null) {
                    text.append(" (").append(link.reason()).append(")");
                }
            }
        }
        return text.toString();
    }
}
