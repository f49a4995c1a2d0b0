package dev.secureconnect.appliance.access;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.events.EventType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one verdict of the appliance's session authorisation: every policy a session request is put to — the link
 * being open, the access token ({@link SessionAuthorizer}), then the target's own policy (the allow-list for
 * {@code CONNECT}, the command catalogue for exec, the allowed folders for files) — answers with one, and the first
 * refusal ends the request. Nothing is allowed that a policy did not {@link #allow}.
 *
 * @param value what the policy granted when allowed (the verified token, the stream target, the command, the file);
 *     on a refusal what the audit record may still name (a token that verified but is refused), else null
 * @param status the status a refusal is answered with (403 refused, 404 no such command or file); 200 when allowed
 * @param code the refusal's reason code, stable and short (e.g. {@code expired}, {@code not-allow-listed}); null when
 *     allowed
 * @param reason the refusal's message, one line, safe to send to the peer ({@code sc-reason}) and to audit; null when
 *     allowed
 * @param event the audit event the refusal calls for besides {@code stream.refused} ({@code token.refused},
 *     {@code command.refused}, …), or null
 * @param details that event's details, in order
 * @param <T> what is granted
 */
public record AccessVerdict<T>(
        @Nullable T value,
        int status,
        @Nullable String code,
        @Nullable String reason,
        @Nullable EventType event,
        Map<String, Object> details) {

    public AccessVerdict {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static <T> AccessVerdict<T> allow(@Nullable T value) {
        return new AccessVerdict<>(value, 200, null, null, null, Map.of());
    }

    /** A refusal answered with {@code status}, audited as {@code stream.refused} only. */
    public static <T> AccessVerdict<T> deny(int status, String code, String reason) {
        if (status < 400) {
            throw new IllegalArgumentException("a refusal's status is 4xx or 5xx, not " + status);
        }
        return new AccessVerdict<>(
                null, status, requireNonNull(code, "code"), requireNonNull(reason, "reason"), null, Map.of());
    }

    /** This refusal, audited first as {@code event} with {@code eventDetails} (in their order). */
    public AccessVerdict<T> audited(EventType event, Map<String, Object> eventDetails) {
        if (allowed()) {
            throw new IllegalStateException("only a refusal is audited as " + event.eventName());
        }
        return new AccessVerdict<>(value, status, code, reason, requireNonNull(event, "event"), eventDetails);
    }

    /** This refusal, naming {@code known} (e.g. the token that verified) in its audit records. */
    public AccessVerdict<T> naming(@Nullable T known) {
        return new AccessVerdict<>(known, status, code, reason, event, details);
    }

    public boolean allowed() {
        return code == null;
    }

    /** This refusal as the verdict of a later step: the pipeline stops here. */
    @SuppressWarnings("unchecked")
    public <U> AccessVerdict<U> refusal() {
        if (allowed()) {
            throw new IllegalStateException("an allowed verdict is not a refusal");
        }
        return (AccessVerdict<U>) new AccessVerdict<>(null, status, code, reason, event, details);
    }
}
