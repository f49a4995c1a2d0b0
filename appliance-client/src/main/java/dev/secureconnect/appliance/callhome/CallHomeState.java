package dev.secureconnect.appliance.callhome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code DIR/callhome/state.json}: the admin's switch and what Call Home did, kept across restarts.
 *
 * @param enabled whether bundles go on the schedule (off until the admin turns it on)
 * @param lastSentAt when a bundle last reached the server
 * @param lastError why the last attempt failed, null once one succeeded
 * @param dropped bundles the spool dropped (or the server refused) since the last bundle that left
 * @param history the last {@value #HISTORY} bundles made, newest last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"enabled", "lastSentAt", "lastError", "dropped", "history"})
public record CallHomeState(
        boolean enabled,
        @Nullable String lastSentAt,
        @Nullable String lastError,
        List<String> dropped,
        List<Sent> history) {

    public static final int HISTORY = 100;
    public static final CallHomeState INITIAL = new CallHomeState(false, null, null, List.of(), List.of());

    public CallHomeState {
        dropped = dropped == null ? List.of() : List.copyOf(dropped);
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * One bundle made.
     *
     * @param outcome {@code sent}, {@code spooled}, {@code dropped} (spool full) or {@code refused} (by the server)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"id", "createdAt", "trigger", "sha256", "bytes", "outcome", "at", "detail"})
    public record Sent(
            String id,
            String createdAt,
            String trigger,
            String sha256,
            long bytes,
            String outcome,
            String at,
            @Nullable String detail) {}

    CallHomeState withEnabled(boolean on) {
        return new CallHomeState(on, lastSentAt, lastError, dropped, history);
    }

    /** {@code entry} recorded: a bundle of the same id replaces its earlier line. */
    CallHomeState with(Sent entry) {
        List<Sent> lines = new ArrayList<>(history);
        lines.removeIf(line -> line.id().equals(entry.id()));
        lines.add(entry);
        while (lines.size() > HISTORY) {
            lines.remove(0);
        }
        return new CallHomeState(enabled, lastSentAt, lastError, dropped, lines);
    }

    CallHomeState sent(String at) {
        return new CallHomeState(enabled, at, null, List.of(), history);
    }

    CallHomeState failed(String error) {
        return new CallHomeState(enabled, lastSentAt, error, dropped, history);
    }

    CallHomeState droppedAlso(List<String> ids) {
        List<String> all = new ArrayList<>(dropped);
        all.addAll(ids);
        while (all.size() > 100) {
            all.remove(0);
        }
        return new CallHomeState(enabled, lastSentAt, lastError, all, history);
    }
}
