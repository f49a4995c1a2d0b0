package dev.secureconnect.server.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of the node table, as read.
 *
 * @param name the node's name (server.yaml {@code node})
 * @param host the machine it runs (or ran) on
 * @param pid its process id there
 * @param started when it took its name
 * @param heartbeat its last heartbeat (the database's clock)
 * @param alive whether its last heartbeat is within its lease
 * @param version its software version
 * @param addresses the listeners it serves, a JSON object ({@code {"appliance":"host:port",…}})
 */
public record ClusterNode(
        String name,
        String host,
        long pid,
        Instant started,
        Instant heartbeat,
        boolean alive,
        String version,
        String addresses) {

    public ClusterNode {
        requireNonNull(name, "name");
        requireNonNull(host, "host");
        requireNonNull(started, "started");
        requireNonNull(heartbeat, "heartbeat");
        requireNonNull(version, "version");
        requireNonNull(addresses, "addresses");
    }

    /** {@code host pid N}: where an operator finds the process. */
    public String where() {
        return host + " pid " + pid;
    }
}
