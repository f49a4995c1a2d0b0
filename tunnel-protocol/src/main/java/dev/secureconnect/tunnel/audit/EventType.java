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
    TICKET_OPENED(1000, "ticket.opened", Severity.NOTICE),
    TICKET_CLOSED(1001, "ticket.closed", Severity.NOTICE),
    TICKET_REFUSED(1002, "ticket.refused", Severity.WARNING),

    // appliance links 1100-1199
    APPLIANCE_CONNECTED(1100, "appliance.connected", Severity.NOTICE),
    APPLIANCE_DISCONNECTED(1101, "appliance.disconnected", Severity.NOTICE),
    APPLIANCE_CLONE_SUSPECTED(1102, "appliance.clone-suspected", Severity.ALERT),
    HANDSHAKE_REFUSED(1103, "handshake.refused", Severity.WARNING),

    // streams 1200-1299
    STREAM_OPENED(1200, "stream.opened", Severity.NOTICE),
    STREAM_REFUSED(1201, "stream.refused", Severity.WARNING),
    STREAM_CLOSED(1202, "stream.closed", Severity.NOTICE),

    // appliance admin 1300-1399
    SECURECONNECT_ENABLED(1300, "secureconnect.enabled", Severity.NOTICE),
    SECURECONNECT_DISABLED(1301, "secureconnect.disabled", Severity.NOTICE),
    TICKET_CONNECTED(1302, "ticket.connected", Severity.NOTICE),
    TICKET_DISCONNECTED(1303, "ticket.disconnected", Severity.NOTICE),
    SERVICE_ALLOWED(1304, "service.allowed", Severity.NOTICE),
    SERVICE_REMOVED(1305, "service.removed", Severity.NOTICE),

    // link as the appliance sees it 1400-1499
    LINK_UP(1400, "link.up", Severity.INFORMATIONAL),
    LINK_DOWN(1401, "link.down", Severity.WARNING),
    LINK_REFUSED(1402, "link.refused", Severity.WARNING),

    // engineers: enrolment and login 1500-1599
    ENGINEER_ENROLLED(1500, "engineer.enrolled", Severity.NOTICE),
    ENGINEER_DISABLED(1501, "engineer.disabled", Severity.NOTICE),
    ENGINEER_ENABLED(1502, "engineer.enabled", Severity.NOTICE),
    TOTP_RESET(1503, "engineer.totp-reset", Severity.NOTICE),
    LOGIN_OK(1510, "login.ok", Severity.INFORMATIONAL),
    LOGIN_FAILED(1511, "login.failed", Severity.WARNING),
    LOGIN_LOCKED(1512, "login.locked", Severity.WARNING),
    TOTP_REPLAY(1513, "login.totp-replay", Severity.WARNING),
    LOGOUT(1514, "logout", Severity.INFORMATIONAL),

    // access tokens 1600-1699
    TOKEN_ISSUED(1600, "token.issued", Severity.NOTICE),
    TOKEN_REFUSED(1601, "token.refused", Severity.WARNING),
    TOKEN_REVOKED(1602, "token.revoked", Severity.NOTICE),
    TOKEN_MISUSED(1603, "token.misused", Severity.ALERT),

    // engineer sessions, commands and files 1700-1799
    SESSION_STARTED(1700, "session.started", Severity.NOTICE),
    SESSION_ENDED(1701, "session.ended", Severity.NOTICE),
    SESSION_REFUSED(1702, "session.refused", Severity.WARNING),
    COMMAND_RUN(1710, "command.run", Severity.NOTICE),
    COMMAND_REFUSED(1711, "command.refused", Severity.WARNING),
    FILE_GET(1720, "file.get", Severity.NOTICE),
    FILE_PUT(1721, "file.put", Severity.NOTICE),
    FILE_REFUSED(1722, "file.refused", Severity.WARNING),

    // appliance admin: commands catalogue, file folders, token key 1800-1899
    COMMAND_ALLOWED(1800, "command.allowed", Severity.NOTICE),
    COMMAND_REMOVED(1801, "command.removed", Severity.NOTICE),
    FOLDER_ALLOWED(1802, "folder.allowed", Severity.NOTICE),
    FOLDER_REMOVED(1803, "folder.removed", Severity.NOTICE),
    REVOCATIONS_RECEIVED(1804, "token.revocations-received", Severity.INFORMATIONAL),
    TOKEN_KEY_PINNED(1805, "token-key.pinned", Severity.NOTICE);

    private static final Map<Integer, EventType> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::id, Function.identity()));

    private final int id;
    private final String eventName;
    private final Severity severity;

    EventType(int id, String eventName, Severity severity) {
        this.id = id;
        this.eventName = eventName;
        this.severity = severity;
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

    public static EventType byId(int id) {
        EventType type = BY_ID.get(id);
        if (type == null) {
            throw new IllegalArgumentException("unknown audit event id " + id);
        }
        return type;
    }
}
