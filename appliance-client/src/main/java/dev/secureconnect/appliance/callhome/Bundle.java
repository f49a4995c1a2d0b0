package dev.secureconnect.appliance.callhome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One diagnostic bundle, exactly as it leaves the appliance (as JSON, {@value #FORMAT}). Every text in it that came
 * from the machine (log tails, health-check output, link events) has been through {@link Redaction}.
 *
 * @param id a UUID: the server stores a bundle once, however often it is sent
 * @param trigger {@code schedule} or {@code admin} ({@code sc-appliance callhome send})
 * @param system the machine's facts, null when they could not be read ({@code systemError} says why)
 * @param spool what the spool dropped since the last bundle that left
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "format",
    "id",
    "serial",
    "createdAt",
    "trigger",
    "product",
    "system",
    "systemError",
    "link",
    "services",
    "healthChecks",
    "logs",
    "redactions",
    "spool"
})
public record Bundle(
        String format,
        String id,
        String serial,
        String createdAt,
        String trigger,
        Product product,
        @Nullable SystemFacts system,
        @Nullable String systemError,
        LinkReport link,
        List<Service> services,
        List<HealthChecks.Result> healthChecks,
        List<LogTails.Tail> logs,
        Redactions redactions,
        SpoolReport spool) {

    public static final String FORMAT = "secureconnect-callhome-v1";

    public Bundle {
        services = List.copyOf(services);
        healthChecks = List.copyOf(healthChecks);
        logs = List.copyOf(logs);
    }

    /** The software: {@code sc-appliance}'s version and the Java runtime it runs on. */
    @JsonPropertyOrder({"name", "version", "runtime"})
    public record Product(String name, String version, String runtime) {}

    /**
     * An allow-listed service and whether its port accepted a connection on 127.0.0.1.
     *
     * @param accepting whether a TCP connection was accepted within a second
     */
    @JsonPropertyOrder({"name", "port", "accepting"})
    public record Service(String name, int port, boolean accepting) {}

    /** What redaction took out: the total and the count per rule. */
    @JsonPropertyOrder({"total", "byRule"})
    public record Redactions(int total, Map<String, Integer> byRule) {
        public Redactions {
            byRule = Map.copyOf(byRule);
        }
    }

    /**
     * The link as the bundle reports it.
     *
     * @param state the link's state ({@code disabled}, {@code idle}, {@code connected}, …)
     * @param recentEvents the link's last audit events, oldest first
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"secureConnect", "state", "reason", "since", "recentEvents"})
    public record LinkReport(
            boolean secureConnect,
            String state,
            @Nullable String reason,
            @Nullable String since,
            List<LinkEvent> recentEvents) {
        public LinkReport {
            recentEvents = List.copyOf(recentEvents);
        }
    }

    /** One audit record of the link: when, which event, its outcome and reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"time", "event", "outcome", "reason"})
    public record LinkEvent(
            String time,
            String event,
            @Nullable String outcome,
            @Nullable String reason) {}

    /**
     * Bundles the spool dropped (it was full) since the last bundle that reached the server.
     *
     * @param dropped how many
     * @param droppedIds their ids, oldest first (at most the last 100)
     */
    @JsonPropertyOrder({"dropped", "droppedIds"})
    public record SpoolReport(long dropped, List<String> droppedIds) {
        public static final SpoolReport NONE = new SpoolReport(0, List.of());

        public SpoolReport {
            droppedIds = List.copyOf(droppedIds);
        }
    }
}
