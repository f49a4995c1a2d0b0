package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ScServer;
import dev.secureconnect.server.cluster.ClusterNode;
import dev.secureconnect.server.cluster.ClusterNodes;
import dev.secureconnect.server.cluster.LinkLease;
import dev.secureconnect.server.cluster.LinkLeases;
import dev.secureconnect.server.cluster.NodeNameTakenException;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server nodes on one database (SQLite here; the storage classes run on both databases in their own tests): a
 * third process with a live node's name is refused and audited, the appliance's newer connection to the other node
 * takes its link lease and the first node drops its link, audited, and {@code sc-server cluster status} shows both.
 */
class TwoNodesTest {

    @TempDir
    Path temp;

    @Test
    void theNewestConnectionWinsTheLinkAndANodeNameIsOneProcesssAtATime() throws Exception {
        try (RunningServer nodeA = new RunningServer(temp)) {
            Path dirB = copyOf(nodeA.dir, temp.resolve("node-b"));
            ServerConfig shared = ConfigFile.read(dirB)
                    .withDatabase(new ServerConfig.Database(
                            DatabaseSettings.sqlite(nodeA.dir).url(), null, null, null, null));

            assertThatThrownBy(() -> ServerDaemon.start(dirB, shared, nodeA.clock))
                    .isInstanceOf(NodeNameTakenException.class)
                    .hasMessageContaining("node name sc-server is taken by a live node")
                    .hasMessageContaining(" pid " + ProcessHandle.current().pid());
            ServerAuditRecord refused = nodeA.awaitAudit(EventType.CLUSTER_NODE_REFUSED, r -> true);
            assertThat(refused.event().details())
                    .containsEntry("node", "sc-server")
                    .containsEntry(
                            "otherPid", Long.toString(ProcessHandle.current().pid()));

            ConfigFile.write(dirB, shared.withNode("node-b"));
            try (ServerDaemon nodeB = ServerDaemon.start(dirB, ConfigFile.read(dirB), nodeA.clock);
                    FakeAppliance first = nodeA.connectAppliance()) {
                RunningServer.waitFor(
                        "the lease of node A", () -> leaseHolder(nodeA).equals("sc-server"));

                try (FakeAppliance second =
                        new FakeAppliance(nodeA.appliance, RunningServer.SERIAL, nodeB.applianceAddress(), List.of())) {
                    RunningServer.waitFor("the link on node B", () -> nodeB.links()
                            .acceptedTickets(RunningServer.SERIAL)
                            .isPresent());
                    RunningServer.waitFor("node A to drop its link", () -> !first.isActive());

                    ServerAuditRecord lost = nodeA.awaitAudit(EventType.CLUSTER_LINK_LEASE_LOST, r -> true);
                    assertThat(lost.event().applianceSerial()).isEqualTo(RunningServer.SERIAL);
                    assertThat(lost.event().details())
                            .containsEntry("node", "sc-server")
                            .containsEntry("holder", "node-b");
                    assertThat(second.isActive()).isTrue();
                    assertThat(leaseHolder(nodeA)).isEqualTo("node-b");
                    RunningServer.waitFor(
                            "node A's link gone",
                            () -> nodeA.daemon.links().connected().isEmpty());

                    String status = sc("cluster", "status", "--dir", dirB.toString());
                    List<String> lines = status.lines().toList();
                    assertThat(lines.get(0)).startsWith("NODE").contains("STATE", "HEARTBEAT", "LINKS");
                    assertThat(lines)
                            .anySatisfy(line ->
                                    assertThat(line).startsWith("node-b ").contains(" alive "));
                    assertThat(lines)
                            .anySatisfy(line ->
                                    assertThat(line).startsWith("sc-server ").contains(" alive "));
                    assertThat(lines)
                            .anySatisfy(line ->
                                    assertThat(line).startsWith("APPLIANCE").contains("EXPIRES"));
                    assertThat(lines).anySatisfy(line -> assertThat(line)
                            .startsWith(RunningServer.SERIAL + " ")
                            .contains(" node-b ", " live "));
                    assertThat(sc("cluster", "status", "--dir", dirB.toString(), "--json"))
                            .contains("\"node\" : \"node-b\"", "\"appliance\" : \"" + RunningServer.SERIAL + "\"");
                }
            }
            try (Database database = Database.open(DatabaseSettings.sqlite(nodeA.dir))) {
                assertThat(ClusterNodes.list(database))
                        .as("node B left at its clean stop")
                        .extracting(ClusterNode::name)
                        .containsExactly("sc-server");
            }
        }
    }

    private static String leaseHolder(RunningServer node) {
        try (Database database = Database.open(DatabaseSettings.sqlite(node.dir))) {
            return LinkLeases.list(database).stream()
                    .filter(lease -> lease.serial().equals(RunningServer.SERIAL) && lease.live())
                    .map(LinkLease::node)
                    .findFirst()
                    .orElse("");
        }
    }

    private static String sc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScServer.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(err.toString())
                .as("stderr of sc-server %s", String.join(" ", args))
                .isEmpty();
        assertThat(code).isZero();
        return out.toString();
    }

    /** A second node's directory: the first's configuration, keys and certificates, without its database or run/. */
    private static Path copyOf(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path relative = from.relativize(file);
                if (relative.startsWith("run")
                        || relative.getFileName().toString().startsWith("server.db")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
