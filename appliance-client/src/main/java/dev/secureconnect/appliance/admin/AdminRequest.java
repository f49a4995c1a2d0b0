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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"command", "ticket", "all", "waitFor", "session"})
public record AdminRequest(
        String command,
        @Nullable String ticket,
        @Nullable Boolean all,
        @Nullable String waitFor,
        @Nullable String session) {

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
            "callhome-history");

    /** A request about tickets (no session). */
    public AdminRequest(String command, @Nullable String ticket, @Nullable Boolean all, @Nullable String waitFor) {
        this(command, ticket, all, waitFor, null);
    }

    public static AdminRequest of(String command) {
        return new AdminRequest(command, null, null, null, null);
    }
}
