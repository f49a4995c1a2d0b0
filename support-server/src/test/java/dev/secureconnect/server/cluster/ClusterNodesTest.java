package dev.secureconnect.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The node table on SQLite and PostgreSQL: a node joins, beats and leaves; a second process with a live node's name is
 * refused with a line naming the other; a dead node's name (its lease expired by the database's clock) is taken, and
 * the node that had it learns so at its next heartbeat.
 */
class ClusterNodesTest {

    private static final Duration LEASE = Duration.ofSeconds(15);

    @StorageTest
    void aNodeJoinsBeatsAndLeaves(TestDatabase test) {
        ClusterNodes nodeA = new ClusterNodes(test.database(), "node-a", LEASE);

        assertThat(nodeA.join("1.2.3")).isEmpty();
        nodeA.serving("{\"appliance\":\"127.0.0.1:8443\"}");
        assertThat(nodeA.heartbeat()).isEmpty();

        List<ClusterNode> nodes = ClusterNodes.list(test.database());
        assertThat(nodes).hasSize(1);
        ClusterNode row = nodes.get(0);
        assertThat(row.name()).isEqualTo("node-a");
        assertThat(row.alive()).isTrue();
        assertThat(row.version()).isEqualTo("1.2.3");
        assertThat(row.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(row.host()).isEqualTo(nodeA.host());
        assertThat(row.addresses()).isEqualTo("{\"appliance\":\"127.0.0.1:8443\"}");
        assertThat(row.heartbeat()).isAfterOrEqualTo(row.started());

        nodeA.leave();
        assertThat(ClusterNodes.list(test.database())).isEmpty();
    }

    @StorageTest
    void aSecondProcessWithALiveNodesNameIsRefusedNamingTheOther(TestDatabase test) {
        new ClusterNodes(test.database(), "node-a", LEASE).join("1");
        try (Database second = Database.open(test.settings())) {
            ClusterNodes twin = new ClusterNodes(second, "node-a", LEASE);

            assertThatThrownBy(() -> twin.join("1"))
                    .isInstanceOf(NodeNameTakenException.class)
                    .hasMessageStartingWith("node name node-a is taken by a live node (" + twin.host() + " pid "
                            + ProcessHandle.current().pid() + ", heartbeat ")
                    .hasMessageContaining("give each node its own name (server.yaml node)")
                    .hasMessageNotContaining("\n");

            assertThat(new ClusterNodes(second, "node-b", LEASE).join("1")).isEmpty();
            assertThat(ClusterNodes.list(second))
                    .extracting(ClusterNode::name, ClusterNode::alive)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("node-a", true),
                            org.assertj.core.groups.Tuple.tuple("node-b", true));
        }
    }

    @StorageTest
    void aDeadNodesNameIsTakenAndItLearnsSoAtItsNextHeartbeat(TestDatabase test) {
        ClusterNodes dead = new ClusterNodes(test.database(), "node-a", Duration.ofMillis(300));
        dead.join("1");

        waitFor(
                "node-a's lease to expire",
                () -> !ClusterNodes.list(test.database()).get(0).alive());
        ClusterNodes successor = new ClusterNodes(test.database(), "node-a", LEASE);
        ClusterNode replaced = successor.join("2").orElseThrow();

        assertThat(replaced.name()).isEqualTo("node-a");
        assertThat(replaced.alive()).isFalse();
        assertThat(ClusterNodes.list(test.database()).get(0).version()).isEqualTo("2");
        assertThat(dead.heartbeat())
                .hasValueSatisfying(other -> assertThat(other.version()).isEqualTo("2"));
        dead.leave(); // the name is the successor's: its row stays
        assertThat(ClusterNodes.list(test.database())).hasSize(1);
    }

    static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Duration.ofMillis(20).toNanos());
        }
    }
}
