package dev.secureconnect.server.cluster;

import static java.util.Objects.requireNonNull;

/** A server may not start: a live node already has its name. The message is one line naming the other process. */
public final class NodeNameTakenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ClusterNode other;

    NodeNameTakenException(ClusterNode other) {
        super("node name " + other.name() + " is taken by a live node (" + other.where() + ", heartbeat "
                + other.heartbeat() + "): give each node its own name (server.yaml node), or stop the other first");
        this.other = requireNonNull(other, "other");
    }

    /** The live node that holds the name. */
    public ClusterNode other() {
        return other;
    }
}
