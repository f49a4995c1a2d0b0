package dev.secureconnect.appliance.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.link.ApplianceStatus;
import dev.secureconnect.appliance.link.OpenSession;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one admin request: {@code ok} with a message and the status after it, or not with a one-line error.
 *
 * @param sessions {@code sessions}: the open sessions, oldest first; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"ok", "message", "error", "status", "sessions"})
public record AdminResponse(
        boolean ok,
        @Nullable String message,
        @Nullable String error,
        @Nullable ApplianceStatus status,
        @Nullable List<OpenSession> sessions) {

    public AdminResponse {
        sessions = sessions == null ? null : List.copyOf(sessions);
    }

    public static AdminResponse done(@Nullable String message, ApplianceStatus status) {
        return new AdminResponse(true, message, null, status, null);
    }

    public static AdminResponse sessions(List<OpenSession> sessions, ApplianceStatus status) {
        return new AdminResponse(true, null, null, status, sessions);
    }

    public static AdminResponse failed(String error) {
        return new AdminResponse(false, null, error, null, null);
    }
}
