package dev.secureconnect.server.cluster;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.storage.Database;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster's node table, {@code cluster_nodes}: this node's row and everyone's. A node {@link #join joins} at start
 * (refused while a live node has its name), writes its {@link #heartbeat} every third of its lease, and
 * {@link #leave leaves} at a clean stop. A node is alive while its last heartbeat plus its lease is in the future, by
 * the database's clock.
 *
 * <p>A name whose row is alive is taken, unless the row names this machine and a process id that no longer runs: a
 * node restarted after a crash (kill -9) takes its name back at once instead of waiting a lease.
 *
 * <p>Every method reads or writes the database: call them on a blocking thread. Thread-safe.
 */
public final class ClusterNodes {

    private final Database database;
    private final String node;
    private final Duration lease;
    private final String instance = UUID.randomUUID().toString();
    private final String host = localHost();
    private final long pid = ProcessHandle.current().pid();
    private final String now;

    /**
     * @param node this node's name
     * @param lease how long this node counts as alive after a heartbeat
     */
    public ClusterNodes(Database database, String node, Duration lease) {
        this.database = requireNonNull(database, "database");
        this.node = requireNonNull(node, "node");
        this.lease = requireNonNull(lease, "lease");
        this.now = database.dialect().currentTimeMillis();
    }

    /** This node's name. */
    public String node() {
        return node;
    }

    /** The machine this node runs on, as its row names it. */
    public String host() {
        return host;
    }

    /** This process's id, as its row names it. */
    public long pid() {
        return pid;
    }

    /**
     * Takes this node's name: inserts its row, or replaces a row whose node is dead (or crashed on this machine).
     *
     * @return the row it replaced, if any
     * @throws NodeNameTakenException if a live node has the name
     */
    public Optional<ClusterNode> join(String version) {
        requireNonNull(version, "version");
        return database.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO cluster_nodes (node, instance,"
                    + " host, pid, started, heartbeat, lease_millis, version, addresses) VALUES (?, ?, ?, ?, " + now
                    + ", " + now + ", ?, ?, '{}') ON CONFLICT (node) DO NOTHING")) {
                insert.setString(1, node);
                insert.setString(2, instance);
                insert.setString(3, host);
                insert.setLong(4, pid);
                insert.setLong(5, lease.toMillis());
                insert.setString(6, version);
                if (insert.executeUpdate() == 1) {
                    return Optional.<ClusterNode>empty();
                }
            }
            Row previous = read(connection, node)
                    .orElseThrow(() -> new SQLException("the row of node " + node + " vanished while joining"));
            if (previous.node().alive() && !crashedHere(previous.node())) {
                throw new NodeNameTakenException(previous.node());
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE cluster_nodes SET instance = ?,"
                    + " host = ?, pid = ?, started = " + now + ", heartbeat = " + now + ", lease_millis = ?,"
                    + " version = ?, addresses = '{}' WHERE node = ? AND instance = ?")) {
                update.setString(1, instance);
                update.setString(2, host);
                update.setLong(3, pid);
                update.setLong(4, lease.toMillis());
                update.setString(5, version);
                update.setString(6, node);
                update.setString(7, previous.instance());
                if (update.executeUpdate() == 0) { // another process took it between the read and the update
                    throw new NodeNameTakenException(
                            read(connection, node).map(Row::node).orElse(previous.node()));
                }
            }
            return Optional.of(previous.node());
        });
    }

    /** Records the listeners this node serves (a JSON object), once they are bound. */
    public void serving(String addressesJson) {
        requireNonNull(addressesJson, "addressesJson");
        database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE cluster_nodes SET addresses = ? WHERE node = ? AND instance = ?")) {
                update.setString(1, addressesJson);
                update.setString(2, node);
                update.setString(3, instance);
                return update.executeUpdate();
            }
        });
    }

    /**
     * Writes this node's heartbeat.
     *
     * @return empty while the name is this process's; the process that took it otherwise (this node's heartbeat had
     *     stopped for longer than its lease and another process with the same name started)
     */
    public Optional<ClusterNode> heartbeat() {
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE cluster_nodes SET heartbeat = " + now + " WHERE node = ? AND instance = ?")) {
                update.setString(1, node);
                update.setString(2, instance);
                if (update.executeUpdate() == 1) {
                    return Optional.<ClusterNode>empty();
                }
            }
            return read(connection, node).map(Row::node);
        });
    }

    /** Gives the name up at a clean stop (deletes this process's row), with the link leases it still holds. */
    public void leave() {
        database.inTransaction(connection -> {
            try (PreparedStatement delete =
                            connection.prepareStatement("DELETE FROM cluster_nodes WHERE node = ? AND instance = ?");
                    PreparedStatement leases = connection.prepareStatement("DELETE FROM link_leases WHERE node = ?")) {
                delete.setString(1, node);
                delete.setString(2, instance);
                if (delete.executeUpdate() == 0) {
                    return 0; // the name is another process's now: so are the leases under it
                }
                leases.setString(1, node);
                return leases.executeUpdate();
            }
        });
    }

    /** Every node of the table, alive or dead, by name. */
    public static List<ClusterNode> list(Database database) {
        String now = database.dialect().currentTimeMillis();
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(select(now) + " ORDER BY node");
                    ResultSet rs = select.executeQuery()) {
                List<ClusterNode> nodes = new ArrayList<>();
                while (rs.next()) {
                    nodes.add(row(rs).node());
                }
                return List.copyOf(nodes);
            }
        });
    }

    /** Whether {@code row} is a process of this machine that no longer runs (a crash, a kill -9). */
    private boolean crashedHere(ClusterNode row) {
        return row.host().equals(host)
                && row.pid() != pid
                && ProcessHandle.of(row.pid()).map(ProcessHandle::isAlive).isEmpty();
    }

    private Optional<Row> read(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(select(now) + " WHERE node = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static String select(String now) {
        return "SELECT node, host, pid, started, heartbeat, CASE WHEN heartbeat + lease_millis > " + now
                + " THEN 1 ELSE 0 END, version, addresses, instance FROM cluster_nodes";
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                new ClusterNode(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        Instant.ofEpochMilli(rs.getLong(5)),
                        rs.getInt(6) == 1,
                        rs.getString(7),
                        rs.getString(8)),
                rs.getString(9));
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private record Row(ClusterNode node, String instance) {}
}
