package dev.secureconnect.server.tickets;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditTransaction;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.StorageException;
import dev.secureconnect.tunnel.link.TicketNumber;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support tickets in the database.
 *
 * <p>Opening and closing a ticket append {@code ticket.opened} / {@code ticket.closed} to the audit log <em>in the
 * same transaction</em> as the change (through {@link ServerAuditLog#inTransaction}): a ticket never exists, or closes,
 * without its audit record, and a crash between the two cannot leave one without the other. The price is that
 * ticket changes queue behind the audit head like every other append, which at ticket rates costs nothing.
 *
 * <p>New numbers are drawn from a {@link SecureRandom} (8 digits, never starting with 0, so they survive being
 * pasted into a spreadsheet) and checked against existing tickets while the audit head is held; every writer of
 * tickets holds it, so two processes cannot hand out the same number. At most {@value #MAX_NUMBER_DRAWS} draws are
 * tried.
 *
 * <p>Thread-safe.
 */
public final class TicketStore {

    /** How many random numbers {@link #open} tries before giving up. */
    static final int MAX_NUMBER_DRAWS = 16;

    /** The longest title, in characters. */
    public static final int MAX_TITLE_LENGTH = 200;

    private static final int MAX_NAME_LENGTH = 200;
    private static final int SMALLEST_NUMBER = 10_000_000;
    private static final int NUMBER_BOUND = 100_000_000;
    private static final String COLUMNS =
            "number, title, appliance_serial, status, opened_at, closed_at, opened_by, closed_by";
    private static final Logger LOG = LoggerFactory.getLogger(TicketStore.class);

    private final Database database;
    private final ServerAuditLog audit;
    private final Clock clock;
    private final RandomGenerator random;

    public TicketStore(Database database, ServerAuditLog audit, Clock clock) {
        this(database, audit, clock, new SecureRandom());
    }

    TicketStore(Database database, ServerAuditLog audit, Clock clock, RandomGenerator random) {
        this.database = requireNonNull(database, "database");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
    }

    /**
     * Opens a ticket with a new random number and audits it.
     *
     * @param title what the ticket is about: one line, at most {@value #MAX_TITLE_LENGTH} characters
     * @param applianceSerial the only appliance that may quote it, or {@code null} for any
     * @param actor who opens it
     * @throws TicketException for a missing or malformed title, serial or actor, or if no free number was found
     * @throws StorageException if the database fails
     */
    public Ticket open(String title, String applianceSerial, String actor) {
        String cleanTitle = oneLine("title", title, MAX_TITLE_LENGTH);
        String serial = applianceSerial == null ? null : oneLine("appliance serial", applianceSerial, MAX_NAME_LENGTH);
        String openedBy = oneLine("actor", actor, MAX_NAME_LENGTH);
        Ticket ticket = audit.inTransaction(transaction -> open(
                transaction,
                freeNumber(transaction.connection(), random),
                cleanTitle,
                serial,
                openedBy,
                clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        LOG.info("ticket {} opened by {} for {}", ticket.number(), openedBy, serial == null ? "any appliance" : serial);
        return ticket;
    }

    /**
     * Opens ticket {@code number} inside {@code transaction} and appends its {@code ticket.opened} there: for a record
     * that comes with a ticket of its own (a support case, whose ticket is its id's digits). The caller checked that the
     * number is free ({@link #freeNumber}) and that the title, serial and actor are one line each.
     */
    public static Ticket open(
            AuditTransaction transaction,
            TicketNumber number,
            String title,
            @Nullable String serial,
            String openedBy,
            Instant now)
            throws SQLException {
        try (PreparedStatement insert = transaction
                .connection()
                .prepareStatement("INSERT INTO tickets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL, ?, NULL)")) {
            insert.setString(1, number.value());
            insert.setString(2, title);
            setNullable(insert, 3, serial);
            insert.setString(4, Ticket.Status.OPEN.code());
            insert.setLong(5, now.toEpochMilli());
            insert.setString(6, openedBy);
            insert.executeUpdate();
        }
        transaction.append(ServerAuditEvent.builder(EventType.TICKET_OPENED)
                .actor(openedBy)
                .ticket(number.value())
                .appliance(serial)
                .detail("title", title)
                .build());
        return new Ticket(number, title, serial, Ticket.Status.OPEN, now, null, openedBy, null);
    }

    /**
     * Closes ticket {@code number} inside {@code transaction} if it is open, appending its {@code ticket.closed} there;
     * nothing when it is closed already or does not exist.
     *
     * @return whether it was open
     */
    public static boolean closeIfOpen(AuditTransaction transaction, TicketNumber number, String closedBy, Instant now)
            throws SQLException {
        Connection connection = transaction.connection();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE tickets SET status = ?, closed_at = ?, closed_by = ? WHERE number = ? AND status = ?")) {
            update.setString(1, Ticket.Status.CLOSED.code());
            update.setLong(2, now.toEpochMilli());
            update.setString(3, closedBy);
            update.setString(4, number.value());
            update.setString(5, Ticket.Status.OPEN.code());
            if (update.executeUpdate() == 0) {
                return false;
            }
        }
        Ticket closed = find(connection, number).orElseThrow(() -> unknown(number));
        transaction.append(ServerAuditEvent.builder(EventType.TICKET_CLOSED)
                .actor(closedBy)
                .ticket(number.value())
                .appliance(closed.applianceSerial())
                .build());
        return true;
    }

    /**
     * Closes an open ticket and audits it; appliances quoting it are refused from then on.
     *
     * @throws TicketException ({@link TicketException.Reason#UNKNOWN_TICKET}, {@link
     *     TicketException.Reason#ALREADY_CLOSED}) if there is no such open ticket
     * @throws StorageException if the database fails
     */
    public Ticket close(TicketNumber number, String actor) {
        requireNonNull(number, "number");
        String closedBy = oneLine("actor", actor, MAX_NAME_LENGTH);
        Ticket ticket = audit.inTransaction(transaction -> {
            Connection connection = transaction.connection();
            if (!closeIfOpen(transaction, number, closedBy, clock.instant())) {
                throw find(connection, number).isPresent()
                        ? new TicketException(
                                TicketException.Reason.ALREADY_CLOSED, "ticket " + number + " is already closed")
                        : unknown(number);
            }
            return find(connection, number).orElseThrow(() -> unknown(number));
        });
        LOG.info("ticket {} closed by {}", number, closedBy);
        return ticket;
    }

    /** Every ticket, oldest first. */
    public List<Ticket> list() {
        return database.withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT " + COLUMNS + " FROM tickets ORDER BY opened_at, number");
                    ResultSet rs = select.executeQuery()) {
                List<Ticket> tickets = new ArrayList<>();
                while (rs.next()) {
                    tickets.add(read(rs));
                }
                return tickets;
            }
        });
    }

    /** The ticket with this number, if there is one. */
    public Optional<Ticket> find(TicketNumber number) {
        requireNonNull(number, "number");
        return database.withConnection(connection -> find(connection, number));
    }

    /**
     * The ticket check of the appliance link: may the appliance {@code applianceSerial} use ticket {@code number}?
     * Accepted if the ticket is open and is for that appliance or for any; otherwise refused with a reason for the
     * appliance's admin. Nothing is audited here: the link audits the refusal with its connection's details.
     */
    public Admission admit(TicketNumber number, String applianceSerial) {
        requireNonNull(number, "number");
        return admit(number, find(number), applianceSerial);
    }

    /**
     * The verdict on {@code number} for {@code applianceSerial} given the ticket as already read with {@link #find}:
     * for checking many links against one read of their ticket.
     */
    public static Admission admit(TicketNumber number, Optional<Ticket> ticket, String applianceSerial) {
        requireNonNull(number, "number");
        requireNonNull(applianceSerial, "applianceSerial");
        if (ticket.isEmpty()) {
            return Admission.refused(number, Admission.Refusal.UNKNOWN_TICKET);
        }
        if (!ticket.get().isOpen()) {
            return Admission.refused(number, Admission.Refusal.TICKET_CLOSED);
        }
        String boundTo = ticket.get().applianceSerial();
        if (boundTo != null && !boundTo.equals(applianceSerial)) {
            return Admission.refused(number, Admission.Refusal.OTHER_APPLIANCE);
        }
        return Admission.accepted(number);
    }

    /**
     * A random 8-digit number that no ticket has yet: the one picker of ticket numbers, for {@link #open} and for a
     * record that opens a ticket of its own in the same transaction (a support case, whose id is {@code C} and its
     * ticket's digits). Call it inside the audit head's transaction ({@link ServerAuditLog#inTransaction}), as every
     * writer of tickets does, so that no other writer takes the number before it is inserted.
     *
     * @throws TicketException ({@link TicketException.Reason#NO_FREE_NUMBER}) after {@value #MAX_NUMBER_DRAWS} draws
     *     that all collided
     */
    public static TicketNumber freeNumber(Connection connection, RandomGenerator random) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM tickets WHERE number = ?")) {
            for (int draw = 1; draw <= MAX_NUMBER_DRAWS; draw++) {
                TicketNumber candidate =
                        new TicketNumber(Integer.toString(random.nextInt(SMALLEST_NUMBER, NUMBER_BOUND)));
                exists.setString(1, candidate.value());
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next()) {
                        return candidate;
                    }
                }
                LOG.debug("ticket number draw {} collided with an existing ticket", draw);
            }
        }
        throw new TicketException(
                TicketException.Reason.NO_FREE_NUMBER,
                "no free ticket number found in " + MAX_NUMBER_DRAWS + " random draws; try again");
    }

    private static Optional<Ticket> find(Connection connection, TicketNumber number) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM tickets WHERE number = ?")) {
            select.setString(1, number.value());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Ticket read(ResultSet rs) throws SQLException {
        long closedAt = rs.getLong("closed_at");
        boolean open = rs.wasNull();
        return new Ticket(
                new TicketNumber(rs.getString("number")),
                rs.getString("title"),
                rs.getString("appliance_serial"),
                Ticket.Status.ofCode(rs.getString("status")),
                Instant.ofEpochMilli(rs.getLong("opened_at")),
                open ? null : Instant.ofEpochMilli(closedAt),
                rs.getString("opened_by"),
                rs.getString("closed_by"));
    }

    private static TicketException unknown(TicketNumber number) {
        return new TicketException(TicketException.Reason.UNKNOWN_TICKET, "ticket " + number + " does not exist");
    }

    /** A required single line of text, stripped of surrounding white space. */
    private static String oneLine(String name, String value, int maxLength) {
        String stripped = value == null ? "" : value.strip();
        if (stripped.isEmpty()) {
            throw new TicketException(TicketException.Reason.INVALID_INPUT, name + " is missing");
        }
        if (stripped.length() > maxLength) {
            throw new TicketException(
                    TicketException.Reason.INVALID_INPUT,
                    name + " is too long: " + stripped.length() + " characters (expected: at most " + maxLength + ")");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new TicketException(
                    TicketException.Reason.INVALID_INPUT,
                    name + " must be one line of text, without control characters");
        }
        return stripped;
    }

    private static void setNullable(PreparedStatement statement, int index, @Nullable String value)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
