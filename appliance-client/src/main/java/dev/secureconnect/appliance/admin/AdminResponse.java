package dev.secureconnect.appliance.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.link.ApplianceStatus;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one admin request: {@code ok} with a message and the status after it, or not with a one-line error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"ok", "message", "error", "status"})
public record AdminResponse(
        boolean ok,
        @Nullable String message,
        @Nullable String error,
        @Nullable ApplianceStatus status) {

    public static AdminResponse done(@Nullable String message, ApplianceStatus status) {
        return new AdminResponse(true, message, null, status);
    }

    public static AdminResponse failed(String error) {
        return new AdminResponse(false, null, error, null);
    }
}
