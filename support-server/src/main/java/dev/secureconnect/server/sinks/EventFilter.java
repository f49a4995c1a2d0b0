package dev.secureconnect.server.sinks;

import dev.secureconnect.events.EventType;
import dev.secureconnect.events.Severity;
import dev.secureconnect.server.config.Sink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which events a sink passes: {@code audit.checkpoint} always (the receiver's signed anchor); any other event at least
 * {@code minSeverity}, and, when given, an id within one of {@code ids} and a
 * category among {@code categories}. Events filtered out still move the sink's cursor.
 */
record EventFilter(Severity minSeverity, List<IdRange> ids, Set<String> categories) {

    /** A single id ({@code 1600}) or an inclusive range ({@code 1200-1299}). */
    record IdRange(int first, int last) {
        static IdRange parse(String text) {
            String value = text.trim();
            int dash = value.indexOf('-');
            try {
                return dash < 0
                        ? new IdRange(Integer.parseInt(value), Integer.parseInt(value))
                        : new IdRange(
                                Integer.parseInt(value.substring(0, dash).trim()),
                                Integer.parseInt(value.substring(dash + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "event filter '" + text + "' is not an id or a range like 1200-1299");
            }
        }

        boolean contains(int id) {
            return id >= first && id <= last;
        }
    }

    static final EventFilter ALL = new EventFilter(Severity.DEBUG, List.of(), Set.of());

    /**
     * The filter of a configured sink.
     *
     * @throws IllegalArgumentException one line, for an unknown severity or category or a malformed id range
     */
    static EventFilter of(Sink sink) {
        Severity severity = Severity.DEBUG;
        if (sink.minSeverity() != null && !sink.minSeverity().isBlank()) {
            severity = severity(sink.minSeverity());
        }
        List<IdRange> ranges = new ArrayList<>();
        for (String entry : sink.events()) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    ranges.add(IdRange.parse(part));
                }
            }
        }
        Set<String> known =
                Arrays.stream(EventType.values()).map(EventType::category).collect(Collectors.toSet());
        Set<String> categories = new TreeSet<>();
        for (String category : sink.categories()) {
            String normal = category.trim().toLowerCase(Locale.ROOT);
            if (!known.contains(normal)) {
                throw new IllegalArgumentException("sink '" + sink.name() + "': category '" + category
                        + "' is unknown (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
            categories.add(normal);
        }
        return new EventFilter(severity, List.copyOf(ranges), Set.copyOf(categories));
    }

    static Severity severity(String text) {
        String normal = text.trim().toLowerCase(Locale.ROOT);
        for (Severity severity : Severity.values()) {
            if (severity.name().toLowerCase(Locale.ROOT).equals(normal)
                    || String.valueOf(severity.code()).equals(normal)
                    || ("info".equals(normal) && severity == Severity.INFORMATIONAL)) {
                return severity;
            }
        }
        throw new IllegalArgumentException("severity '" + text + "' is unknown (emergency, alert, critical, error,"
                + " warning, notice, informational, debug)");
    }

    boolean passes(EventType type) {
        if (type == EventType.AUDIT_CHECKPOINT) {
            return true; // every sink gets the signed checkpoints: the receiver's anchor (audit verify --anchor)
        }
        return type.severity().code() <= minSeverity.code()
                && (ids.isEmpty() || ids.stream().anyMatch(range -> range.contains(type.id())))
                && (categories.isEmpty() || categories.contains(type.category()));
    }
}
