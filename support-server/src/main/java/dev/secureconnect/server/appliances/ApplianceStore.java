package dev.secureconnect.server.appliances;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance link status table, as seen by one server node.
 *
 * <p>The node that accepts an appliance's link calls {@link #linkUp}, keeps the row fresh with {@link #seen} and
 * {@link #updateTickets}, and calls {@link #linkDown} when the link ends; at start it calls {@link #markAllOffline}
 * for the links a crash left marked online. A node only ever takes down links it holds: if the appliance has
 * re-linked through another node meanwhile, that node's row stands. Each change is one SQL statement, so it never
 * waits behind a long transaction.
 *
 * <p>Thread-safe.
 */
public final class ApplianceStore {

    /** The {@code downReason} {@link #markAllOffline} records. */
    public static final String SERVER_RESTARTED = "server restarted";

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceStore.class);
    private static final ObjectMapper JSON = Mappers.json();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final String COLUMNS =
            "serial, online, since, last_seen, node, remote_address, tickets, services, down_reason";

    private final Database database;
    private final Clock clock;
    private final String node;

    /**
     * @param node this server node's name, as other nodes and {@code sc-server appliances} show it
     */
    public ApplianceStore(Database database, Clock clock, String node) {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
        this.node = requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("node: '' (expected: the server node's name)");
        }
    }

    /** Records that {@code serial}'s link is up on this node, replacing whatever was recorded for it before. */
    public ApplianceStatus linkUp(
            String serial, String remoteAddress, List<TicketNumber> tickets, List<String> services) {
        long now = clock.millis();
        database.withConnection(connection -> linkUp(connection, now, serial, remoteAddress, tickets, services));
        Instant at = Instant.ofEpochMilli(now);
        return new ApplianceStatus(serial, true, at, remoteAddress, tickets, List.copyOf(services), at, node, null);
    }

    /**
     * {@link #linkUp(String, String, List, List)} as part of the caller's transaction on {@code connection} (which the
     * caller commits), so that many links and their audit records can share one commit.
     */
    public void linkUp(
            Connection connection,
            String serial,
            String remoteAddress,
            List<TicketNumber> tickets,
            List<String> services)
            throws SQLException {
        linkUp(connection, clock.millis(), serial, remoteAddress, tickets, services);
    }

    /** Returns the rows changed (1). */
    private int linkUp(
            Connection connection,
            long now,
            String serial,
            String remoteAddress,
            List<TicketNumber> tickets,
            List<String> services)
            throws SQLException {
        requireNonNull(serial, "serial");
        List<String> ticketNumbers = tickets.stream().map(TicketNumber::value).toList();
        int changed;
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO appliance_links (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (serial) DO UPDATE SET"
                + " online = excluded.online, since = excluded.since, last_seen = excluded.last_seen,"
                + " node = excluded.node, remote_address = excluded.remote_address, tickets = excluded.tickets,"
                + " services = excluded.services, down_reason = NULL")) {
            upsert.setString(1, serial);
            upsert.setBoolean(2, true);
            upsert.setLong(3, now);
            upsert.setLong(4, now);
            upsert.setString(5, node);
            setNullable(upsert, 6, remoteAddress);
            upsert.setString(7, json(ticketNumbers));
            upsert.setString(8, json(List.copyOf(services)));
            changed = upsert.executeUpdate();
        }
        LOG.debug("appliance {} linked from {} on node {} with tickets {}", serial, remoteAddress, node, ticketNumbers);
        return changed;
    }

    /** Records the tickets now connected on {@code serial}'s link; false if this node holds no link for it. */
    public boolean updateTickets(String serial, List<TicketNumber> tickets) {
        requireNonNull(serial, "serial");
        String ticketsJson = json(tickets.stream().map(TicketNumber::value).toList());
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE appliance_links SET tickets = ?,"
                    + " last_seen = ? WHERE serial = ? AND node = ? AND online")) {
                update.setString(1, ticketsJson);
                update.setLong(2, clock.millis());
                update.setString(3, serial);
                update.setString(4, node);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Records a sign of life (a PING answered) on {@code serial}'s link; false if this node holds no link for it. */
    public boolean seen(String serial) {
        requireNonNull(serial, "serial");
        return database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE appliance_links SET last_seen = ? WHERE serial = ? AND node = ? AND online")) {
                update.setLong(1, clock.millis());
                update.setString(2, serial);
                update.setString(3, node);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records that {@code serial}'s link on this node is down, clearing its tickets.
     *
     * @return false if this node held no link for it (already down, or the appliance re-linked through another node)
     */
    public boolean linkDown(String serial, String reason) {
        return database.withConnection(connection -> linkDown(connection, serial, reason));
    }

    /**
     * {@link #linkDown(String, String)} as part of the caller's transaction on {@code connection} (which the caller
     * commits), so that many links and their audit records can share one commit.
     */
    public boolean linkDown(Connection connection, String serial, String reason) throws SQLException {
        requireNonNull(serial, "serial");
        requireNonNull(reason, "reason");
        boolean changed;
        try (PreparedStatement update = connection.prepareStatement("UPDATE appliance_links SET online = FALSE,"
                + " since = ?, tickets = '[]', down_reason = ? WHERE serial = ? AND node = ? AND online")) {
            update.setLong(1, clock.millis());
            update.setString(2, reason);
            update.setString(3, serial);
            update.setString(4, node);
            changed = update.executeUpdate() == 1;
        }
        if (changed) {
            LOG.debug("appliance {} link down on node {}: {}", serial, node, reason);
        }
        return changed;
    }

    /**
     * Marks every link this node holds offline, with reason {@value #SERVER_RESTARTED}: what a daemon does at start,
     * since a link does not survive its process.
     *
     * @return how many links were marked offline
     */
    public int markAllOffline() {
        long now = clock.millis();
        int count = database.withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE appliance_links SET online = FALSE,"
                    + " since = ?, tickets = '[]', down_reason = ? WHERE node = ? AND online")) {
                update.setLong(1, now);
                update.setString(2, SERVER_RESTARTED);
                update.setString(3, node);
                return update.executeUpdate();
            }
        });
        if (count > 0) {
            LOG.info("marked {} appliance link(s) of node {} offline after a restart", count, node);
        }
        return count;
    }

    /** Every appliance that ever linked, by serial. */
    public List<ApplianceStatus> list() {
        return database.withConnection(connection -> {
            try (PreparedStatement select =
                            connection.prepareStatement("SELECT " + COLUMNS + " FROM appliance_links ORDER BY serial");
                    ResultSet rs = select.executeQuery()) {
                List<ApplianceStatus> all = new ArrayList<>();
                while (rs.next()) {
                    all.add(read(rs));
                }
                return all;
            }
        });
    }

    /** The status of one appliance, if it ever linked. */
    public Optional<ApplianceStatus> find(String serial) {
        requireNonNull(serial, "serial");
        return database.withConnection(connection -> find(connection, serial));
    }

    private static Optional<ApplianceStatus> find(Connection connection, String serial) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM appliance_links WHERE serial = ?")) {
            select.setString(1, serial);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static ApplianceStatus read(ResultSet rs) throws SQLException {
        String serial = rs.getString("serial");
        return new ApplianceStatus(
                serial,
                rs.getBoolean("online"),
                Instant.ofEpochMilli(rs.getLong("since")),
                rs.getString("remote_address"),
                strings(serial, rs.getString("tickets")).stream()
                        .map(TicketNumber::new)
                        .toList(),
                strings(serial, rs.getString("services")),
                Instant.ofEpochMilli(rs.getLong("last_seen")),
                rs.getString("node"),
                rs.getString("down_reason"));
    }

    private static List<String> strings(String serial, String json) {
        try {
            return JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new StorageException("appliance " + serial + ": unreadable list in the appliance_links table", e);
        }
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a list of strings", e);
        }
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
