package dev.secureconnect.server.cli;

import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.cluster.ClusterNode;
import dev.secureconnect.server.cluster.ClusterNodes;
import dev.secureconnect.server.cluster.LinkLease;
import dev.secureconnect.server.cluster.LinkLeases;
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

@Command(
        name = "cluster",
        description = "Shows the server nodes that share this database and which appliance links each holds.",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: status");
    }

    @Command(
            name = "status",
            description = "Lists the nodes (alive while their heartbeat is within their lease, by the database's"
                    + " clock), then the appliances' link leases: which node holds each link, until when.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ServerDir server;

        @Option(names = "--json", description = "Print JSON: {\"nodes\": […], \"leases\": […]}.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<ClusterNode> nodes;
            List<LinkLease> leases;
            try (Database database = server.database()) {
                nodes = ClusterNodes.list(database);
                leases = LinkLeases.list(database);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put(
                        "nodes", nodes.stream().map(node -> row(node, leases)).toList());
                status.put("leases", leases.stream().map(ClusterCommand::row).toList());
                JsonOutput.print(out, Mappers.json(), status);
                return 0;
            }
            TextTable table = new TextTable(
                    "NODE", "STATE", "HOST", "PID", "STARTED", "HEARTBEAT", "VERSION", "LINKS", "ADDRESSES");
            for (ClusterNode node : nodes) {
                table.row(
                        node.name(),
                        node.alive() ? "alive" : "dead",
                        node.host(),
                        node.pid(),
                        node.started(),
                        node.heartbeat(),
                        node.version(),
                        links(node, leases),
                        node.addresses());
            }
            table.print(out);
            out.println();
            TextTable held = new TextTable("APPLIANCE", "NODE", "LEASE", "TAKEN", "EXPIRES");
            for (LinkLease lease : leases) {
                held.row(
                        lease.serial(),
                        lease.node(),
                        lease.live() ? "live" : "expired",
                        lease.takenAt(),
                        lease.expiresAt());
            }
            held.print(out);
            return 0;
        }
    }

    /** How many live leases {@code node} holds. */
    private static long links(ClusterNode node, List<LinkLease> leases) {
        return leases.stream()
                .filter(lease -> lease.live() && lease.node().equals(node.name()))
                .count();
    }

    private static Map<String, Object> row(ClusterNode node, List<LinkLease> leases) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("node", node.name());
        row.put("alive", node.alive());
        row.put("host", node.host());
        row.put("pid", node.pid());
        row.put("started", node.started().toString());
        row.put("heartbeat", node.heartbeat().toString());
        row.put("version", node.version());
        row.put("links", links(node, leases));
        try {
            row.put("addresses", Mappers.json().readTree(node.addresses()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) { // written by the node itself; shown as is
            row.put("addresses", node.addresses());
        }
        return row;
    }

    private static Map<String, Object> row(LinkLease lease) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("appliance", lease.serial());
        row.put("node", lease.node());
        row.put("live", lease.live());
        row.put("takenAt", lease.takenAt().toString());
        row.put("expiresAt", lease.expiresAt().toString());
        return row;
    }
}
