package dev.secureconnect.server.appliances;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The e-mail addresses of each appliance's admins ({@code appliance_contacts}): who is told when a support session
 * starts and ends. Set by the operator with {@code sc-server contacts set}.
 */
public final class ApplianceContacts {

    private static final ObjectMapper JSON = Mappers.json();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private final Database database;
    private final Clock clock;

    public ApplianceContacts(Database database, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Replaces the addresses of {@code serial}; an empty list removes them. */
    public void set(String serial, List<String> addresses) {
        requireNonNull(serial, "serial");
        database.inTransaction(connection -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM appliance_contacts WHERE appliance_serial = ?")) {
                delete.setString(1, serial);
                delete.executeUpdate();
            }
            if (!addresses.isEmpty()) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO appliance_contacts (appliance_serial, addresses, updated_at) VALUES (?, ?, ?)")) {
                    insert.setString(1, serial);
                    insert.setString(2, JSON.writeValueAsString(addresses));
                    insert.setLong(3, clock.millis());
                    insert.executeUpdate();
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return addresses.size();
        });
    }

    /** The addresses of {@code serial}, empty if none. */
    public List<String> of(String serial) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT addresses FROM appliance_contacts WHERE appliance_serial = ?")) {
                select.setString(1, serial);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? decode(serial, rs.getString(1)) : List.of();
                }
            }
        });
    }

    /** Every appliance with contacts, by serial. */
    public Map<String, List<String>> all() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT appliance_serial, addresses FROM appliance_contacts ORDER BY appliance_serial");
                    ResultSet rs = select.executeQuery()) {
                Map<String, List<String>> all = new LinkedHashMap<>();
                while (rs.next()) {
                    all.put(rs.getString(1), decode(rs.getString(1), rs.getString(2)));
                }
                return all;
            }
        });
    }

    private static List<String> decode(String serial, String json) {
        try {
            return JSON.readValue(json, LIST);
        } catch (JsonProcessingException e) {
            throw new StorageException(
                    "the contacts of appliance " + serial + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
