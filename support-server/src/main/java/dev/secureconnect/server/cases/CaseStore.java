package dev.secureconnect.server.cases;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import dev.secureconnect.server.tickets.TicketStore;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cases ({@code cases}) and the de-duplication state of the rules ({@code case_alerts}). {@link #fire} takes the
 * firings of one evaluation and opens a case for each key that {@link AlertState#opens opens}, with its
 * {@code case.opened} record in the same transaction. Thread-safe; every method blocks (the blocking executor or a
 * CLI).
 */
public final class CaseStore {

    private static final Logger LOG = LoggerFactory.getLogger(CaseStore.class);
    private static final ObjectMapper JSON = Mappers.json(new JavaTimeModule());
    private static final String COLUMNS = "id, appliance, rule_name, title, severity, bundle_id, dedup_key, state,"
            + " scope, opened_at, updated_at, state_reason";

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;
    private final RandomGenerator random;

    public CaseStore(Database database, ServerAuditLog audit, Clock clock) {
        this(database, audit, clock, new SecureRandom());
    }

    CaseStore(Database database, ServerAuditLog audit, Clock clock, RandomGenerator random) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
    }

    /** Which firings an evaluation is about: a bundle (every key of the appliance) or a missed heartbeat. */
    public enum Evaluation {
        /** A bundle arrived: the keys of the appliance that did not fire are seen clear. */
        BUNDLE,
        /** Its heartbeat was missed: only heartbeat rules were evaluated, no other key is seen clear. */
        MISSED_HEARTBEAT
    }

    /**
     * Applies one evaluation of the rules for {@code appliance}: opens a case for each firing whose key opens, and
     * records the keys seen firing and (for a bundle) the keys seen clear.
     *
     * @param bundleId the bundle evaluated, null for a missed heartbeat
     * @return the cases opened
     */
    public synchronized List<SupportCase> fire(
            String appliance, @Nullable String bundleId, List<Firing> firings, Evaluation evaluation) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<SupportCase> opened = new ArrayList<>();
        Set<String> fired = new HashSet<>();
        for (Firing firing : firings) {
            String key = OneLine.clipped(firing.dedupKey(appliance), 255);
            if (!fired.add(key)) {
                continue; // two firings of one evaluation with the same key: one problem
            }
            Optional<SupportCase> made = audit.inTransaction(transaction -> {
                Connection connection = transaction.connection();
                AlertState state = state(connection, appliance, key);
                if (!AlertState.opens(state, now, firing.rule().rearm())) {
                    try (PreparedStatement update = connection.prepareStatement("UPDATE case_alerts SET fired_at = ?,"
                            + " clear_since = NULL WHERE appliance = ? AND dedup_key = ?")) {
                        update.setLong(1, now.toEpochMilli());
                        update.setString(2, appliance);
                        update.setString(3, key);
                        update.executeUpdate();
                    }
                    return Optional.empty();
                }
                SupportCase opening = open(transaction, appliance, bundleId, firing, key, now);
                try (PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM case_alerts WHERE appliance = ? AND dedup_key = ?")) {
                    delete.setString(1, appliance);
                    delete.setString(2, key);
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO case_alerts (appliance,"
                        + " dedup_key, rule_name, case_id, fired_at, clear_since) VALUES (?, ?, ?, ?, ?, NULL)")) {
                    insert.setString(1, appliance);
                    insert.setString(2, key);
                    insert.setString(3, firing.rule().name());
                    insert.setString(4, opening.id());
                    insert.setLong(5, now.toEpochMilli());
                    insert.executeUpdate();
                }
                return Optional.of(opening);
            });
            made.ifPresent(c -> {
                opened.add(c);
                LOG.info("case {} opened for {} by rule {}: {}", c.id(), appliance, c.rule(), c.title());
            });
        }
        if (evaluation == Evaluation.BUNDLE) {
            database.inTransaction(connection -> {
                List<String> firing = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT dedup_key FROM case_alerts WHERE appliance = ? AND clear_since IS NULL")) {
                    select.setString(1, appliance);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            firing.add(rs.getString(1));
                        }
                    }
                }
                for (String key : firing) {
                    if (!fired.contains(key)) {
                        try (PreparedStatement update = connection.prepareStatement("UPDATE case_alerts SET"
                                + " clear_since = ? WHERE appliance = ? AND dedup_key = ? AND clear_since IS NULL")) {
                            update.setLong(1, now.toEpochMilli());
                            update.setString(2, appliance);
                            update.setString(3, key);
                            update.executeUpdate();
                        }
                    }
                }
                return firing.size();
            });
        }
        return opened;
    }

    private SupportCase open(
            AuditTransaction transaction,
            String appliance,
            @Nullable String bundleId,
            Firing firing,
            String key,
            Instant now)
            throws SQLException {
        Connection connection = transaction.connection();
        AlertRule rule = firing.rule();
        SupportCase opening = new SupportCase(
                freeId(connection),
                appliance,
                rule.name(),
                OneLine.clipped(firing.title(appliance), 300),
                rule.severity(),
                bundleId,
                key,
                SupportCase.State.OPEN,
                rule.scope(),
                now,
                now,
                null);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO cases (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
            insert.setString(1, opening.id());
            insert.setString(2, appliance);
            insert.setString(3, opening.rule());
            insert.setString(4, opening.title());
            insert.setString(5, opening.severity().text());
            insert.setString(6, bundleId);
            insert.setString(7, key);
            insert.setString(8, opening.state().code());
            insert.setString(9, scopeJson(opening.scope()));
            insert.setLong(10, now.toEpochMilli());
            insert.setLong(11, now.toEpochMilli());
            insert.executeUpdate();
        }
        TicketStore.open(
                transaction,
                ticket(opening.id()),
                OneLine.clipped("case " + opening.id() + ": " + opening.title(), TicketStore.MAX_TITLE_LENGTH),
                appliance,
                "case " + opening.id(),
                now);
        transaction.append(ServerAuditEvent.builder(EventType.CASE_OPENED)
                .actor("rule " + rule.name())
                .appliance(appliance)
                .detail("caseId", opening.id())
                .detail("rule", rule.name())
                .detail("title", opening.title())
                .detail("severity", opening.severity().text())
                .detail("bundleId", bundleId)
                .detail("dedupKey", key)
                .detail("scope", scopeJson(opening.scope()))
                .build());
        return opening;
    }

    /** Closes a case that is not closed yet, and audits {@code case.closed}. */
    public SupportCase close(String id, String actor, String reason) {
        String why = OneLine.clipped(reason, 300);
        SupportCase closed = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            List<SupportCase> rows = select(connection, "id = ?", id, 1);
            if (rows.isEmpty()) {
                throw new CaseException("no case has the id '" + OneLine.quoted(id) + "' (see 'sc-server cases list')");
            }
            SupportCase current = rows.get(0);
            if (current.state() == SupportCase.State.CLOSED) {
                throw new CaseException("case " + current.id() + " is already closed");
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE cases SET state = ?, updated_at = ?, state_reason = ? WHERE id = ?")) {
                update.setString(1, SupportCase.State.CLOSED.code());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, why);
                update.setString(4, current.id());
                update.executeUpdate();
            }
            TicketStore.closeIfOpen(transaction, ticket(current.id()), actor, now);
            transaction.append(ServerAuditEvent.builder(EventType.CASE_CLOSED)
                    .actor(actor)
                    .appliance(current.appliance())
                    .detail("caseId", current.id())
                    .detail("reason", why)
                    .build());
            return new SupportCase(
                    current.id(),
                    current.appliance(),
                    current.rule(),
                    current.title(),
                    current.severity(),
                    current.bundleId(),
                    current.dedupKey(),
                    SupportCase.State.CLOSED,
                    current.scope(),
                    current.openedAt(),
                    now,
                    why);
        });
        LOG.info("case {} closed by {}", closed.id(), actor);
        return closed;
    }

    /** A case's ticket: the digits of its id (the appliance's admin connects it with {@code sc-appliance approve}). */
    public static TicketNumber ticket(String caseId) {
        return new TicketNumber(caseId.substring(1));
    }

    /**
     * Takes the appliance admin's decision on one of its cases (from the hello, or a Call Home): an open case becomes
     * approved or declined, audited ({@code case.approved}, {@code case.declined}) in the same transaction. A decision
     * on a case that is not open, or not this appliance's, changes nothing (it was taken already, or is not its to
     * take).
     *
     * @param via how the decision came ({@code link}, {@code callhome}), for the audit record
     * @return whether the case changed
     */
    public boolean decide(String appliance, CaseNotice.Decision decision, String via) {
        boolean changed = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            List<SupportCase> rows = select(connection, "id = ?", decision.caseId(), 1);
            if (rows.isEmpty()
                    || !rows.get(0).appliance().equals(appliance)
                    || rows.get(0).state() != SupportCase.State.OPEN) {
                return false;
            }
            boolean approved = decision.decision().equals("approved");
            String reason = approved ? "approved until " + decision.until() : OneLine.clipped(decision.reason(), 300);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Instant until = approvalEnd(decision, rows.get(0).scope(), now);
            try (PreparedStatement update = connection.prepareStatement("UPDATE cases SET state = ?, updated_at = ?,"
                    + " state_reason = ?, approved_until = ? WHERE id = ? AND state = ?")) {
                update.setString(1, (approved ? SupportCase.State.APPROVED : SupportCase.State.DECLINED).code());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, reason);
                if (approved) {
                    update.setLong(4, until.toEpochMilli());
                } else {
                    update.setNull(4, java.sql.Types.BIGINT);
                }
                update.setString(5, decision.caseId());
                update.setString(6, SupportCase.State.OPEN.code());
                if (update.executeUpdate() == 0) {
                    return false;
                }
            }
            ServerAuditEvent.Builder event = ServerAuditEvent.builder(
                            approved ? EventType.CASE_APPROVED : EventType.CASE_DECLINED)
                    .actor("appliance admin (" + via + ")")
                    .appliance(appliance)
                    .ticket(ticket(decision.caseId()).value())
                    .detail("caseId", decision.caseId());
            transaction.append(
                    approved
                            ? event.detail("until", decision.until()).build()
                            : event.detail("reason", decision.reason()).build());
            return true;
        });
        if (changed) {
            LOG.info("case {} of {} {} by its admin ({})", decision.caseId(), appliance, decision.decision(), via);
        }
        return changed;
    }

    /**
     * When an approval ends: the admin's {@code until}, but no later than the case's duration from now (the appliance
     * may shorten its approval, never extend it); the case's duration from now when the decision names no end.
     */
    private static Instant approvalEnd(CaseNotice.Decision decision, AccessScope scope, Instant now) {
        Instant longest = now.plus(scope.duration());
        if (decision.until().isEmpty()) {
            return longest;
        }
        Instant asked = Instant.parse(decision.until()).truncatedTo(ChronoUnit.MILLIS);
        return asked.isBefore(longest) ? asked : longest;
    }

    /**
     * When the approval of case {@code id} ends, if it is approved (a token for the case expires no later); empty for
     * an unknown case or one that is not approved.
     */
    public Optional<Instant> approvedUntil(String id) {
        return database.withConnection(connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT approved_until FROM cases WHERE id = ? AND state = ?")) {
                select.setString(1, id);
                select.setString(2, SupportCase.State.APPROVED.code());
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Instant>empty();
                    }
                    long until = rs.getLong(1);
                    return rs.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(until));
                }
            }
        });
    }

    /**
     * The appliances whose cases changed (opened, decided, closed) after {@code after}, each with the time of its
     * latest change: how the daemon hears of {@code sc-server cases close}, run in another process.
     */
    public List<Changed> changedAfter(Instant after) {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT appliance, MAX(updated_at) FROM cases WHERE updated_at > ? GROUP BY appliance")) {
                select.setLong(1, after.toEpochMilli());
                List<Changed> found = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(new Changed(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
                    }
                }
                return found;
            }
        });
    }

    /** An appliance whose cases last changed at {@code at}. */
    public record Changed(String appliance, Instant at) {}

    /** The appliance's newest cases as it learns of them ({@code POST /v1/cases}, a Call Home answer). */
    public CaseNotice.Cases notices(String appliance) {
        return new CaseNotice.Cases(list(appliance, CaseNotice.Cases.MAX).stream()
                .map(CaseStore::notice)
                .toList());
    }

    static CaseNotice notice(SupportCase c) {
        AccessScope scope = c.scope();
        return new CaseNotice(
                c.id(),
                ticket(c.id()).value(),
                c.title(),
                c.severity().text(),
                new CaseNotice.Scope(
                        scope.services(),
                        scope.commands(),
                        scope.folders(),
                        scope.duration().toSeconds()),
                c.openedAt().toString(),
                c.state().code());
    }

    public Optional<SupportCase> find(String id) {
        return database.withConnection(connection -> {
            List<SupportCase> rows = select(connection, "id = ?", id, 1);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        });
    }

    /** The newest {@code limit} cases, of {@code appliance} or of all; newest first. */
    public List<SupportCase> list(@Nullable String appliance, int limit) {
        return database.withConnection(connection -> appliance == null
                ? select(connection, null, null, limit)
                : select(connection, "appliance = ?", appliance, limit));
    }

    /** The de-duplication state of {@code appliance}'s key, for tests and {@code cases show}. */
    public Optional<AlertState> alert(String appliance, String key) {
        return database.withConnection(connection -> Optional.ofNullable(state(connection, appliance, key)));
    }

    private static @Nullable AlertState state(Connection connection, String appliance, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT rule_name, case_id, fired_at, clear_since"
                + " FROM case_alerts WHERE appliance = ? AND dedup_key = ?")) {
            select.setString(1, appliance);
            select.setString(2, key);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long clear = rs.getLong(4);
                Instant clearSince = rs.wasNull() ? null : Instant.ofEpochMilli(clear);
                return new AlertState(
                        appliance,
                        key,
                        rs.getString(1),
                        rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3)),
                        clearSince);
            }
        }
    }

    /**
     * A case id: {@code C} and a ticket number no ticket has yet ({@link TicketStore#freeNumber}). Every case opens its
     * ticket in the same transaction, so a number no ticket has is no case's either.
     */
    private String freeId(Connection connection) throws SQLException {
        return "C" + TicketStore.freeNumber(connection, random).value();
    }

    static String scopeJson(AccessScope scope) {
        try {
            return JSON.writeValueAsString(scope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an access scope: " + e.getOriginalMessage(), e);
        }
    }

    private static AccessScope scope(String id, String json) {
        try {
            return JSON.readValue(json, AccessScope.class);
        } catch (JsonProcessingException e) {
            throw new StorageException(
                    "the scope of case " + id + " cannot be read: " + OneLine.of(e.getOriginalMessage()), e);
        }
    }

    private static List<SupportCase> select(
            Connection connection, @Nullable String condition, @Nullable String value, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM cases" + (condition == null ? "" : " WHERE " + condition)
                + " ORDER BY opened_at DESC, id LIMIT " + Math.max(1, limit);
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (value != null) {
                select.setString(1, value);
            }
            List<SupportCase> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    rows.add(new SupportCase(
                            id,
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            CaseSeverity.of(rs.getString(5)),
                            rs.getString(6),
                            rs.getString(7),
                            SupportCase.State.of(rs.getString(8)),
                            scope(id, rs.getString(9)),
                            Instant.ofEpochMilli(rs.getLong(10)),
                            Instant.ofEpochMilli(rs.getLong(11)),
                            rs.getString(12)));
                }
            }
            return rows;
        }
    }
}
