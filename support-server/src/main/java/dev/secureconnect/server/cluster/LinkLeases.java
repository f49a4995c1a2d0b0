package dev.secureconnect.server.cluster;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.server.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The appliances' link leases, {@code link_leases}: which node holds each appliance's link.
 *
 * <p>The rule is <em>the appliance's newest connection wins</em>. The node that admits a link {@link #take takes} the
 * lease whoever held it, in the transaction that records the link; the node that held it finds another node's name on
 * it at its next {@link #renew} and drops its link. A lease that only expired would lock an appliance out for a lease
 * period after a network blip (its old link still up on a node that has not noticed yet), and the appliance holds its
 * key: a second connection with its certificate is the appliance's (a clone on two nodes shows as the lease moving to
 * and fro, each move audited {@code cluster.link-lease-lost}).
 *
 * <p>Leases are renewed with their node's heartbeat; a node whose heartbeat stops lets them expire, so readers of the
 * table (routing, {@code sc-server cluster status}) see its appliances as held by nobody.
 *
 * <p>Thread-safe. {@link #take} and {@link #release} run in the caller's transaction; the others read or write the
 * database: call them on a blocking thread.
 */
public final class LinkLeases {

    private final Database database;
    private final String node;
    private final Duration lease;
    private final String now;
    /** Serials whose lease this node took and committed, and has not released or lost since. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public LinkLeases(Database database, String node, Duration lease) {
        this.database = requireNonNull(database, "database");
        this.node = requireNonNull(node, "node");
        this.lease = requireNonNull(lease, "lease");
        this.now = database.dialect().currentTimeMillis();
    }

    /** Takes the lease of {@code serial} for this node, in {@code connection}'s transaction; see {@link #held}. */
    public void take(Connection connection, String serial) throws SQLException {
        requireNonNull(serial, "serial");
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO link_leases (serial, node, taken_at,"
                + " expires_at) VALUES (?, ?, " + now + ", " + now + " + ?) ON CONFLICT (serial) DO UPDATE SET"
                + " taken_at = CASE WHEN link_leases.node = excluded.node THEN link_leases.taken_at"
                + " ELSE excluded.taken_at END, node = excluded.node, expires_at = excluded.expires_at")) {
            upsert.setString(1, serial);
            upsert.setString(2, node);
            upsert.setLong(3, lease.toMillis());
            upsert.executeUpdate();
        }
    }

    /** The lease of {@code serial} that {@link #take} took is committed: {@link #renew} watches it from now on. */
    public void held(String serial) {
        held.add(requireNonNull(serial, "serial"));
    }

    /** Gives up the lease of {@code serial} (its link ended), in {@code connection}'s transaction, if still this node's. */
    public void release(Connection connection, String serial) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM link_leases WHERE serial = ? AND node = ?")) {
            delete.setString(1, serial);
            delete.setString(2, node);
            delete.executeUpdate();
        }
    }

    /** Stops watching the lease of {@code serial}: its link is ending (its {@link #release} follows). */
    public void dropped(String serial) {
        held.remove(serial);
    }

    /**
     * Renews this node's leases and finds those another node took.
     *
     * @return the serials of the held leases another node took, with that node's name, no longer watched: their
     *     links are to be dropped
     */
    public Map<String, String> renew() {
        return database.withConnection(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE link_leases SET expires_at = " + now + " + ? WHERE node = ?")) {
                update.setLong(1, lease.toMillis());
                update.setString(2, node);
                update.executeUpdate();
            }
            Set<String> watched = new HashSet<>(held);
            if (watched.isEmpty()) {
                return Map.<String, String>of();
            }
            try (PreparedStatement mine =
                    connection.prepareStatement("SELECT serial FROM link_leases WHERE node = ?")) {
                mine.setString(1, node);
                try (ResultSet rs = mine.executeQuery()) {
                    while (rs.next()) {
                        watched.remove(rs.getString(1));
                    }
                }
            }
            Map<String, String> lost = new LinkedHashMap<>();
            for (String serial : watched) {
                String holder = holder(connection, serial);
                if (holder != null && held.remove(serial)) {
                    lost.put(serial, holder);
                }
            }
            return lost;
        });
    }

    /** Every lease, by serial. */
    public static List<LinkLease> list(Database database) {
        String now = database.dialect().currentTimeMillis();
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT serial, node, taken_at, expires_at," + " CASE WHEN expires_at > " + now
                                    + " THEN 1 ELSE 0 END FROM link_leases ORDER BY serial");
                    ResultSet rs = select.executeQuery()) {
                List<LinkLease> leases = new ArrayList<>();
                while (rs.next()) {
                    leases.add(new LinkLease(
                            rs.getString(1),
                            rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)),
                            rs.getInt(5) == 1));
                }
                return List.copyOf(leases);
            }
        });
    }

    /** The node named on {@code serial}'s lease if it is another node; null when it is none or this one. */
    private @org.jspecify.annotations.Nullable String holder(Connection connection, String serial) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT node FROM link_leases WHERE serial = ?")) {
            select.setString(1, serial);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String holder = rs.getString(1);
                return holder.equals(node) ? null : holder;
            }
        }
    }
}
