package dev.secureconnect.server.tokens;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.crypto.token.TokenScope;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The access tokens issued by this server (table {@code access_tokens}): their claims, never the signed tokens.
 *
 * <p>Recording an issue and revoking append {@code token.issued} / {@code token.revoked} in the same transaction as
 * the change (through {@link ServerAuditLog#inTransaction}). A revocation is visible to every reader — the daemon's stream
 * checks and its {@link RevocationWatcher} — as soon as {@link #revoke} returns.
 *
 * <p>Thread-safe.
 */
public final class TokenStore {

    /** The longest revocation reason, in characters. */
    public static final int MAX_REASON_LENGTH = 200;

    private static final String COLUMNS = "id, engineer, appliance, ticket, issued_at, expires_at, reason, revoked_at,"
            + " revoked_by, revoke_reason";

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;

    public TokenStore(Database database, ServerAuditLog audit, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Records a token just signed and audits {@code token.issued} (actor = the engineer, with the token's id,
     * appliance, ticket, expiry and reason).
     *
     * @param source the engineer's address, or null
     * @throws StorageException if the database fails (the token must then not be handed out)
     */
    public void recordIssued(AccessToken token, String source) {
        requireNonNull(token, "token");
        audit.inTransaction(transaction -> {
            try (PreparedStatement insert = transaction
                    .connection()
                    .prepareStatement("INSERT INTO access_tokens (" + COLUMNS
                            + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)")) {
                insert.setString(1, token.id().toString());
                insert.setString(2, token.engineer());
                insert.setString(3, token.appliance());
                insert.setString(4, token.ticket());
                insert.setLong(5, token.issuedAt().toEpochMilli());
                insert.setLong(6, token.expiresAt().toEpochMilli());
                if (token.reason().isPresent()) {
                    insert.setString(7, token.reason().get());
                } else {
                    insert.setNull(7, Types.VARCHAR);
                }
                insert.executeUpdate();
            }
            return transaction.append(ServerAuditEvent.builder(EventType.TOKEN_ISSUED)
                    .actor(token.engineer())
                    .appliance(token.appliance())
                    .ticket(token.ticket())
                    .source(source)
                    .detail("tokenId", token.id().toString())
                    .detail("expiresAt", token.expiresAt().toString())
                    .detail("reason", token.reason().orElse(null))
                    .detail("caseId", token.scope().map(TokenScope::caseId).orElse(null))
                    .detail("scope", token.scope().map(TokenStore::scopeJson).orElse(null))
                    .build());
        });
    }

    /**
     * Revokes a token and audits {@code token.revoked}: from the moment this returns, the server refuses it at every
     * stream open, and the running daemon resets its streams and tells the appliances within about a second.
     *
     * @param id the token's id as typed (a UUID)
     * @param reason why, or null
     * @throws TokenException for an id that is not a UUID, an unknown token, or one revoked already
     */
    public StoredToken revoke(String id, String actor, String reason) {
        UUID token = parseId(id);
        requireNonNull(actor, "actor");
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && (why.length() > MAX_REASON_LENGTH || why.chars().anyMatch(Character::isISOControl))) {
            throw new TokenException(
                    TokenException.Reason.INVALID_INPUT,
                    "the reason must be one line of at most " + MAX_REASON_LENGTH + " characters");
        }
        Instant now = now();
        return audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            try (PreparedStatement update = connection.prepareStatement("UPDATE access_tokens SET revoked_at = ?,"
                    + " revoked_by = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, actor);
                update.setString(3, why);
                update.setString(4, token.toString());
                if (update.executeUpdate() == 0) {
                    StoredToken existing = find(connection, token)
                            .orElseThrow(() -> new TokenException(
                                    TokenException.Reason.UNKNOWN_TOKEN,
                                    "no access token has the id " + token + " (see 'sc-server tokens list --all')"));
                    throw new TokenException(
                            TokenException.Reason.ALREADY_REVOKED,
                            "access token " + token + " was revoked already, at " + existing.revokedAt() + " by "
                                    + existing.revokedBy());
                }
            }
            StoredToken revoked = find(connection, token).orElseThrow();
            transaction.append(ServerAuditEvent.builder(EventType.TOKEN_REVOKED)
                    .actor(actor)
                    .appliance(revoked.appliance())
                    .ticket(revoked.ticket())
                    .detail("tokenId", token.toString())
                    .detail("engineer", revoked.engineer())
                    .detail("expiresAt", revoked.expiresAt().toString())
                    .detail("reason", why)
                    .build());
            return revoked;
        });
    }

    /** Whether the token with this id has been revoked (read from the database, not from a cache). */
    public boolean isRevoked(UUID id) {
        requireNonNull(id, "id");
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT 1 FROM access_tokens WHERE id = ? AND revoked_at IS NOT NULL")) {
                select.setString(1, id.toString());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The token with this id. */
    public Optional<StoredToken> find(UUID id) {
        requireNonNull(id, "id");
        return database.withConnection(connection -> find(connection, id));
    }

    /** The tokens neither revoked nor expired, or with {@code all} every token; newest first. */
    public List<StoredToken> list(boolean all) {
        return database.withConnection(connection -> {
            String where = all ? "" : " WHERE revoked_at IS NULL AND expires_at > ?";
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM access_tokens" + where + " ORDER BY issued_at DESC, id")) {
                if (!all) {
                    select.setLong(1, now().toEpochMilli());
                }
                return readAll(select);
            }
        });
    }

    /** The revoked tokens that have not expired yet: what every appliance must refuse. */
    public List<StoredToken.Revocation> revokedUnexpired() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, expires_at FROM access_tokens"
                    + " WHERE revoked_at IS NOT NULL AND expires_at > ? ORDER BY id")) {
                select.setLong(1, now().toEpochMilli());
                try (ResultSet rs = select.executeQuery()) {
                    List<StoredToken.Revocation> revoked = new ArrayList<>();
                    while (rs.next()) {
                        revoked.add(new StoredToken.Revocation(
                                UUID.fromString(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2))));
                    }
                    return revoked;
                }
            }
        });
    }

    static UUID parseId(String id) {
        String text = id == null ? "" : id.strip();
        try {
            UUID parsed = UUID.fromString(text);
            if (parsed.toString().equalsIgnoreCase(text)) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw new TokenException(
                TokenException.Reason.INVALID_INPUT,
                "'" + shown.replaceAll("\\p{Cntrl}", "?")
                        + "' is not a token id (expected a UUID, as 'sc-server tokens list' shows)");
    }

    private static Optional<StoredToken> find(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM access_tokens WHERE id = ?")) {
            select.setString(1, id.toString());
            List<StoredToken> found = readAll(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static List<StoredToken> readAll(PreparedStatement select) throws SQLException {
        List<StoredToken> tokens = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long revokedAt = rs.getLong("revoked_at");
                Instant revoked = rs.wasNull() ? null : Instant.ofEpochMilli(revokedAt);
                tokens.add(new StoredToken(
                        UUID.fromString(rs.getString("id")),
                        rs.getString("engineer"),
                        rs.getString("appliance"),
                        rs.getString("ticket"),
                        Instant.ofEpochMilli(rs.getLong("issued_at")),
                        Instant.ofEpochMilli(rs.getLong("expires_at")),
                        rs.getString("reason"),
                        revoked,
                        rs.getString("revoked_by"),
                        rs.getString("revoke_reason")));
            }
        }
        return tokens;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The scope of a case's token as the audit shows it: {@code {"services":[…],"commands":[…],"folders":[…]}}. */
    private static String scopeJson(TokenScope scope) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("services", scope.services());
        json.put("commands", scope.commands());
        json.put("folders", scope.folders());
        try {
            return Mappers.json().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a token's scope: " + e.getOriginalMessage(), e);
        }
    }
}
