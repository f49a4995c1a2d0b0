package dev.secureconnect.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Link leases on SQLite and PostgreSQL, two nodes on one database: the appliance's newest connection takes the lease,
 * the node that held it finds out at its next renewal (once), a node releases only its own lease, a dead node's
 * leases expire, and a node that leaves gives its leases up.
 */
class LinkLeasesTest {

    private static final Duration LEASE = Duration.ofSeconds(15);

    @StorageTest
    void theNewestConnectionTakesTheLeaseAndTheOldHolderFindsOutOnce(TestDatabase test) {
        try (Database second = Database.open(test.settings())) {
            LinkLeases nodeA = new LinkLeases(test.database(), "node-a", LEASE);
            LinkLeases nodeB = new LinkLeases(second, "node-b", LEASE);
            take(test.database(), nodeA, "SN-1");
            take(test.database(), nodeA, "SN-2");
            assertThat(nodeA.renew()).isEmpty();

            take(second, nodeB, "SN-1"); // the appliance reconnected through node B

            assertThat(nodeA.renew()).isEqualTo(Map.of("SN-1", "node-b"));
            assertThat(nodeA.renew()).as("reported once").isEmpty();
            assertThat(nodeB.renew()).isEmpty();
            assertThat(LinkLeases.list(second))
                    .extracting(LinkLease::serial, LinkLease::node, LinkLease::live)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("SN-1", "node-b", true),
                            org.assertj.core.groups.Tuple.tuple("SN-2", "node-a", true));

            test.database().inTransaction(connection -> {
                nodeA.release(connection, "SN-1"); // node A's old link goes down after B took it
                return 0;
            });
            assertThat(LinkLeases.list(second)).extracting(LinkLease::node).containsExactly("node-b", "node-a");

            take(test.database(), nodeA, "SN-1"); // and back to A: B finds out in turn
            assertThat(nodeB.renew()).isEqualTo(Map.of("SN-1", "node-a"));
        }
    }

    @StorageTest
    void aDeadNodesLeasesExpireAndALeavingNodeGivesItsLeasesUp(TestDatabase test) {
        LinkLeases dead = new LinkLeases(test.database(), "node-a", Duration.ofMillis(300));
        take(test.database(), dead, "SN-1");
        ClusterNodesTest.waitFor(
                "the lease of SN-1 to expire",
                () -> !LinkLeases.list(test.database()).get(0).live());

        ClusterNodes nodeB = new ClusterNodes(test.database(), "node-b", LEASE);
        nodeB.join("1");
        LinkLeases leasesB = new LinkLeases(test.database(), "node-b", LEASE);
        take(test.database(), leasesB, "SN-1");
        take(test.database(), leasesB, "SN-2");
        List<LinkLease> taken = LinkLeases.list(test.database());
        assertThat(taken).extracting(LinkLease::node).containsExactly("node-b", "node-b");
        assertThat(taken).allMatch(LinkLease::live);

        nodeB.leave();
        assertThat(LinkLeases.list(test.database())).isEmpty();
    }

    private static void take(Database database, LinkLeases leases, String serial) {
        database.inTransaction(connection -> {
            leases.take(connection, serial);
            return 0;
        });
        leases.held(serial);
    }
}
