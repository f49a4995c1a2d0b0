package dev.secureconnect.appliance.link;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code sc-appliance status} shows: whether SecureConnect is on, the link's state, and one row per connected
 * ticket.
 *
 * @param services the allow-listed services as {@code name:port}
 */
@JsonPropertyOrder({"enabled", "serial", "server", "link", "connections", "services"})
public record ApplianceStatus(
        boolean enabled, String serial, String server, Link link, List<Connection> connections, List<String> services) {

    public ApplianceStatus {
        connections = List.copyOf(connections);
        services = List.copyOf(services);
    }

    /** The link's states. */
    public enum State {
        DISABLED("disabled"),
        IDLE("idle"),
        CONNECTING("connecting"),
        CONNECTED("connected"),
        REFUSED("refused"),
        BACKING_OFF("backing-off");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The link.
     *
     * @param state {@code disabled}, {@code idle} (no ticket connected), {@code connecting}, {@code connected},
     *     {@code refused} (the server refused every ticket; not retried until the admin acts) or {@code backing-off}
     * @param reason why it is refused or backing off (the last problem), else null
     * @param since when it entered this state
     * @param retryAt when backing off: the next attempt
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"state", "reason", "since", "retryAt", "serverIdentity"})
    public record Link(
            String state,
            @Nullable String reason,
            String since,
            @Nullable String retryAt,
            @Nullable String serverIdentity) {}

    /**
     * One ticket the admin connected.
     *
     * @param status {@code pending} (not yet admitted on a live link), {@code accepted} or {@code refused}
     * @param reason the server's reason when refused
     * @param since when the admin connected it
     * @param activeSessions open session streams of this ticket
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"ticket", "status", "reason", "server", "since", "services", "activeSessions"})
    public record Connection(
            String ticket,
            String status,
            @Nullable String reason,
            String server,
            String since,
            List<String> services,
            int activeSessions) {
        public Connection {
            services = List.copyOf(services);
        }
    }
}
