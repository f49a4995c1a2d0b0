package dev.secureconnect.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.json.Mappers;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one-line summary of an action, from its details: {@code command.run collect-logs --since 1h → exit 3},
 * {@code file.get /var/log/app.log (1,234 bytes, sha256 ab12cd34ef56…)}; the reason, when the record gives one,
 * after a dash.
 */
final class ActionSummaries {

    private static final ObjectMapper JSON = Mappers.json();
    private static final int SHA256_SHOWN = 12;

    private ActionSummaries() {}

    static String of(SessionEntry entry) {
        StringBuilder line = new StringBuilder(entry.type().eventName());
        switch (entry.type()) {
            case STREAM_OPENED -> kindAndTarget(line, entry);
            case STREAM_REFUSED -> {
                kindAndTarget(line, entry);
                append(line, " (status ", entry.detail("status"), ")");
            }
            case STREAM_CLOSED -> streamClosed(line, entry);
            case COMMAND_RUN -> {
                command(line, entry);
                commandResult(line, entry);
            }
            case COMMAND_REFUSED -> command(line, entry);
            case FILE_GET, FILE_PUT -> {
                append(line, " ", entry.detail("path"), "");
                fileFacts(line, entry);
            }
            case FILE_REFUSED -> append(line, " ", entry.detail("path"), "");
            default -> append(line, " (", entry.detail("label"), ")");
        }
        append(line, " — ", entry.detail(SessionEntry.REASON), "");
        return line.toString();
    }

    private static void kindAndTarget(StringBuilder line, SessionEntry entry) {
        append(line, " ", entry.detail(SessionEntry.KIND), "");
        append(line, " ", entry.detail(SessionEntry.TARGET), "");
    }

    private static void streamClosed(StringBuilder line, SessionEntry entry) {
        Long durationMs = Display.parseLong(entry.detail(SessionEntry.DURATION_MS));
        if (durationMs != null) {
            line.append(" after ").append(Display.duration(Duration.ofMillis(durationMs)));
        }
        Long in = Display.parseLong(entry.detail(SessionEntry.BYTES_TO_APPLIANCE));
        Long out = Display.parseLong(entry.detail(SessionEntry.BYTES_FROM_APPLIANCE));
        if (in != null || out != null) {
            line.append(durationMs != null ? ", " : " ");
            line.append(in == null ? "?" : Display.bytes(in))
                    .append(" in, ")
                    .append(out == null ? "?" : Display.bytes(out))
                    .append(" out");
        }
    }

    private static void command(StringBuilder line, SessionEntry entry) {
        String name = entry.detail("name");
        append(line, " ", name != null ? name : entry.detail(SessionEntry.TARGET), "");
        for (String arg : args(entry.detail(SessionEntry.ARGS))) {
            line.append(' ').append(quoted(arg));
        }
    }

    private static void commandResult(StringBuilder line, SessionEntry entry) {
        String exit = entry.detail("exitStatus");
        line.append(exit == null ? " → no exit status" : " → exit " + exit);
        StringBuilder facts = new StringBuilder();
        Long output = Display.parseLong(entry.detail("bytes"));
        if (output != null) {
            facts.append(Display.bytes(output)).append(" of output");
        }
        if ("true".equals(entry.detail("truncated"))) {
            facts.append(facts.isEmpty() ? "" : ", ").append("truncated");
        }
        if ("true".equals(entry.detail("timedOut"))) {
            facts.append(facts.isEmpty() ? "" : ", ").append("timed out");
        }
        if (!facts.isEmpty()) {
            line.append(" (").append(facts).append(')');
        }
    }

    private static void fileFacts(StringBuilder line, SessionEntry entry) {
        String size = entry.detail("size");
        String sha256 = entry.detail("sha256");
        if (size == null && sha256 == null) {
            return;
        }
        line.append(" (");
        if (size != null) {
            Long bytes = Display.parseLong(size);
            line.append(bytes == null ? size : Display.bytes(bytes));
        }
        if (sha256 != null) {
            line.append(size == null ? "" : ", ")
                    .append("sha256 ")
                    .append(sha256.length() > SHA256_SHOWN ? sha256.substring(0, SHA256_SHOWN) + "…" : sha256);
        }
        line.append(')');
    }

    /** A JSON array of strings as the list it is; anything else as one argument; nothing when absent. */
    static List<String> args(@Nullable String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        if (json.strip().startsWith("[")) {
            try {
                return List.of(JSON.readValue(json, String[].class));
            } catch (JsonProcessingException | NullPointerException e) {
                return List.of(json);
            }
        }
        return List.of(json);
    }

    private static String quoted(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static void append(StringBuilder line, String before, @Nullable String value, String after) {
        if (value != null && !value.isBlank()) {
            line.append(before).append(value).append(after);
        }
    }
}
