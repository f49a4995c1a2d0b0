package dev.secureconnect.appliance.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One admin request.
 *
 * @param command one of {@link #COMMANDS} ({@code callhome-…}: Call Home, independent of the SecureConnect switch)
 * @param ticket the ticket number for {@code connect} and {@code disconnect}
 * @param all {@code disconnect} every ticket
 * @param waitFor {@code connect}: how long to wait for the server's verdict, e.g. {@code 10s}; null for not at all
 * @param session {@code close-session}: the server's id of the open session to disconnect
 * @param caseId {@code approve} and {@code decline}: the support case
 * @param duration {@code approve}: how long, e.g. {@code 2h} (at most the case's own); null for the case's
 * @param reason {@code decline}: the admin's reason, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"command", "ticket", "all", "waitFor", "session", "caseId", "duration", "reason"})
public record AdminRequest(
        String command,
        @Nullable String ticket,
        @Nullable Boolean all,
        @Nullable String waitFor,
        @Nullable String session,
        @Nullable String caseId,
        @Nullable String duration,
        @Nullable String reason) {

    public static final List<String> COMMANDS = List.of(
            "status",
            "enable",
            "disable",
            "connect",
            "disconnect",
            "reload",
            "sessions",
            "close-session",
            "callhome-preview",
            "callhome-send",
            "callhome-enable",
            "callhome-disable",
            "callhome-status",
            "callhome-history",
            "cases",
            "approve",
            "decline");

    /** A request about a session or tickets (no case). */
    public AdminRequest(
            String command,
            @Nullable String ticket,
            @Nullable Boolean all,
            @Nullable String waitFor,
            @Nullable String session) {
        this(command, ticket, all, waitFor, session, null, null, null);
    }

    /** A request about a support case. */
    public static AdminRequest ofCase(
            String command, String caseId, @Nullable String duration, @Nullable String reason) {
        return new AdminRequest(command, null, null, null, null, caseId, duration, reason);
    }

    /** A request about tickets (no session). */
    public AdminRequest(String command, @Nullable String ticket, @Nullable Boolean all, @Nullable String waitFor) {
        this(command, ticket, all, waitFor, null, null, null, null);
    }

    public static AdminRequest of(String command) {
        return new AdminRequest(command, null, null, null, null, null, null, null);
    }
}
