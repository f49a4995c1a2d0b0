package dev.secureconnect.tunnel.audit;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * The event catalogue as a document: {@link EventType} is its one source of truth and {@code docs/events.md} its
 * rendering, which a test keeps equal. Regenerate after adding an event:
 * {@code java -cp tunnel-protocol/target/classes dev.secureconnect.tunnel.audit.EventCatalogue > docs/events.md}.
 */
public final class EventCatalogue {

    private EventCatalogue() {}

    /** The catalogue in Markdown: one table, by id, with name, severity (RFC 5424 code), category and meaning. */
    public static String markdown() {
        String rows = Arrays.stream(EventType.values())
                .sorted(Comparator.comparingInt(EventType::id))
                .map(type -> "| " + type.id() + " | `" + type.eventName() + "` | " + type.severity().name().toLowerCase()
                        + " (" + type.severity().code() + ") | " + type.category() + " | " + type.description() + " |")
                .collect(Collectors.joining("\n"));
        return """
                # Audit event catalogue

                Every event the support server and the appliance record, with its stable id: a SIEM rule written
                against an id or a name keeps working across releases (ids are never renumbered or reused). The
                server records the events it witnesses in its hash-chained database log (`sc-server audit list`), the
                appliance those of its own side in its hash-chained file (`sc-appliance audit`). Severities are RFC 5424
                (0 = most severe). Generated from `EventType` (tunnel-protocol); do not edit by hand.

                | id | name | severity | category | meaning |
                | --- | --- | --- | --- | --- |
                """ + rows + "\n";
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
