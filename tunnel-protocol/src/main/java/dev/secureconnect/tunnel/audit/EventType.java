package dev.secureconnect.tunnel.audit;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of audit events the server and the appliance emit. Ids are stable forever: a SIEM rule written
 * against an id keeps working across releases. Add new events with new ids; never renumber or reuse one.
 */
public enum EventType {
    // tickets 1000-1099
    TICKET_OPENED(1000, "ticket.opened", Severity.NOTICE,
            "support opened a ticket (number, title, appliance)"),
    TICKET_CLOSED(1001, "ticket.closed", Severity.NOTICE,
            "support closed a ticket; links stop carrying it"),
    TICKET_REFUSED(1002, "ticket.refused", Severity.WARNING,
            "the server refused a ticket an appliance connected with (unknown, closed, for another appliance)"),

    // appliance links 1100-1199
    APPLIANCE_CONNECTED(1100, "appliance.connected", Severity.NOTICE,
            "an appliance link is up (address, version, tickets, services)"),
    APPLIANCE_DISCONNECTED(1101, "appliance.disconnected", Severity.NOTICE,
            "an appliance link is down, with the reason (GOAWAY text, dead link, kill switch)"),
    APPLIANCE_CLONE_SUSPECTED(1102, "appliance.clone-suspected", Severity.ALERT,
            "a second link with the certificate of an appliance already connected"),
    HANDSHAKE_REFUSED(1103, "handshake.refused", Severity.WARNING,
            "a TLS handshake refused on a listener (revoked, expired, unknown CA, wrong role, no certificate)"),

    // streams 1200-1299
    STREAM_OPENED(1200, "stream.opened", Severity.NOTICE,
            "a session started: engineer, appliance, ticket, token id, kind (connect, exec, get, put), target"),
    STREAM_REFUSED(1201, "stream.refused", Severity.WARNING,
            "a session refused by the server or the appliance, with the status and reason"),
    STREAM_CLOSED(1202, "stream.closed", Severity.NOTICE,
            "a session ended: bytes each way, duration, reason"),

    // appliance admin 1300-1399
    SECURECONNECT_ENABLED(1300, "secureconnect.enabled", Severity.NOTICE,
            "the appliance admin turned SecureConnect on"),
    SECURECONNECT_DISABLED(1301, "secureconnect.disabled", Severity.NOTICE,
            "the appliance admin turned SecureConnect off (kill switch: every stream and the link closed)"),
    TICKET_CONNECTED(1302, "ticket.connected", Severity.NOTICE,
            "the appliance admin connected a ticket"),
    TICKET_DISCONNECTED(1303, "ticket.disconnected", Severity.NOTICE,
            "the appliance admin disconnected a ticket"),
    SERVICE_ALLOWED(1304, "service.allowed", Severity.NOTICE,
            "the appliance admin allow-listed a loopback service"),
    SERVICE_REMOVED(1305, "service.removed", Severity.NOTICE,
            "the appliance admin removed a service from the allow-list"),

    // link as the appliance sees it 1400-1499
    LINK_UP(1400, "link.up", Severity.INFORMATIONAL,
            "the appliance link to the server is up"),
    LINK_DOWN(1401, "link.down", Severity.WARNING,
            "the appliance link to the server is down, with the reason"),
    LINK_REFUSED(1402, "link.refused", Severity.WARNING,
            "the server refused the appliance link or a ticket, with its reason"),

    // engineers: enrolment and login 1500-1599
    ENGINEER_ENROLLED(1500, "engineer.enrolled", Severity.NOTICE,
            "the operator enrolled an engineer (certificate, TOTP secret issued)"),
    ENGINEER_DISABLED(1501, "engineer.disabled", Severity.NOTICE,
            "the operator disabled an engineer"),
    ENGINEER_ENABLED(1502, "engineer.enabled", Severity.NOTICE,
            "the operator enabled an engineer again"),
    TOTP_RESET(1503, "engineer.totp-reset", Severity.NOTICE,
            "the operator gave an engineer a new TOTP secret"),
    LOGIN_OK(1510, "login.ok", Severity.INFORMATIONAL,
            "an engineer logged in (certificate + TOTP)"),
    LOGIN_FAILED(1511, "login.failed", Severity.WARNING,
            "a login failed (wrong code, unknown or disabled engineer)"),
    LOGIN_LOCKED(1512, "login.locked", Severity.WARNING,
            "a login refused because the engineer is locked out after repeated failures"),
    TOTP_REPLAY(1513, "login.totp-replay", Severity.WARNING,
            "a TOTP code (time step) presented a second time"),
    LOGOUT(1514, "logout", Severity.INFORMATIONAL,
            "an engineer logged out"),

    // access tokens 1600-1699
    TOKEN_ISSUED(1600, "token.issued", Severity.NOTICE,
            "an access token issued: engineer, appliance, ticket, token id, expiry, reason"),
    TOKEN_REFUSED(1601, "token.refused", Severity.WARNING,
            "an access token refused, at issue or on use, with the reason (expired, revoked, wrong-audience, ...)"),
    TOKEN_REVOKED(1602, "token.revoked", Severity.NOTICE,
            "the operator revoked an access token"),
    TOKEN_MISUSED(1603, "token.misused", Severity.ALERT,
            "an access token presented by someone it was not issued to (another engineer certificate)"),

    // commands and files 1700-1799 (sessions themselves are the stream events 1200-1299)
    COMMAND_RUN(1710, "command.run", Severity.NOTICE,
            "a catalogue command ran for an engineer: name, arguments, exit status, output size"),
    COMMAND_REFUSED(1711, "command.refused", Severity.WARNING,
            "a command refused (unknown name, arguments not allowed)"),
    FILE_GET(1720, "file.get", Severity.NOTICE,
            "an engineer fetched a file: path, size, SHA-256"),
    FILE_PUT(1721, "file.put", Severity.NOTICE,
            "an engineer stored a file: path, size, SHA-256"),
    FILE_REFUSED(1722, "file.refused", Severity.WARNING,
            "a file request refused (outside the allowed folders, traversal, link, not writable)"),

    // appliance admin: commands catalogue, file folders, token key 1800-1899
    COMMAND_ALLOWED(1800, "command.allowed", Severity.NOTICE,
            "the appliance admin added a command to the catalogue"),
    COMMAND_REMOVED(1801, "command.removed", Severity.NOTICE,
            "the appliance admin removed a command from the catalogue"),
    FOLDER_ALLOWED(1802, "folder.allowed", Severity.NOTICE,
            "the appliance admin allowed a folder for file transfers"),
    FOLDER_REMOVED(1803, "folder.removed", Severity.NOTICE,
            "the appliance admin removed an allowed folder"),
    REVOCATIONS_RECEIVED(1804, "token.revocations-received", Severity.INFORMATIONAL,
            "the appliance received the list of revoked tokens from the server"),
    TOKEN_KEY_PINNED(1805, "token-key.pinned", Severity.NOTICE,
            "the appliance admin pinned the token-verification key of the server"),

    // the audit log and its export 1900-1999
    AUDIT_CHECKPOINT(1900, "audit.checkpoint", Severity.INFORMATIONAL,
            "the server signed the chain head with its audit key (this record is the one signed)"),
    SINK_DELIVERY_FAILING(1910, "sink.delivery-failing", Severity.ERROR,
            "an export sink or the mail notifier stopped delivering (receiver down, refused, TLS error); retrying"),
    SINK_DELIVERY_RECOVERED(1911, "sink.delivery-recovered", Severity.NOTICE,
            "an export sink or the mail notifier delivers again; nothing was lost while it was failing"),
    SINK_ADDED(1912, "sink.added", Severity.NOTICE,
            "the operator added or changed an export sink"),
    SINK_REMOVED(1913, "sink.removed", Severity.NOTICE,
            "the operator removed an export sink"),
    SINK_TEST(1914, "sink.test", Severity.INFORMATIONAL,
            "the operator sent a test event to one export sink"),
    AUDIT_EXPORTED(1920, "audit.exported", Severity.NOTICE,
            "the operator exported a range of the audit log as a verifiable bundle");

    private static final Map<Integer, EventType> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::id, Function.identity()));

    /** The categories, by the hundreds of the id. */
    private static final Map<Integer, String> CATEGORIES = Map.of(
            10, "tickets", 11, "appliance links", 12, "sessions", 13, "appliance admin", 14, "appliance link",
            15, "engineers and logins", 16, "access tokens", 17, "commands and files", 18, "appliance access settings",
            19, "audit and export");

    private final int id;
    private final String eventName;
    private final Severity severity;
    private final String description;

    EventType(int id, String eventName, Severity severity, String description) {
        this.id = id;
        this.eventName = eventName;
        this.severity = severity;
        this.description = description;
    }

    public int id() {
        return id;
    }

    /** The dotted name SIEM rules and listings show, e.g. {@code stream.opened}. */
    public String eventName() {
        return eventName;
    }

    public Severity severity() {
        return severity;
    }

    /** What happened, in one line for a person reading a SIEM rule or {@code docs/events.md}. */
    public String description() {
        return description;
    }

    /** The category SIEM filters group events by ({@code sessions}, {@code access tokens}, ...): the id's hundreds. */
    public String category() {
        return CATEGORIES.get(id / 100);
    }

    public static EventType byId(int id) {
        EventType type = BY_ID.get(id);
        if (type == null) {
            throw new IllegalArgumentException("unknown audit event id " + id);
        }
        return type;
    }
}
