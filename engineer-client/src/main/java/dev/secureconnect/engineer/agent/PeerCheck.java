package dev.secureconnect.engineer.agent;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;

/**
 * Who may use the agent's socket: only the user the agent runs as. The socket file is owner-only already; this is the
 * second check, on every connection, with the peer's credentials from the kernel ({@code SO_PEERCRED}).
 *
 * @param owner the user the agent runs as
 * @param peers how a connection's peer is found; tests pass their own, since they all run as one user
 */
public record PeerCheck(UserPrincipal owner, Peers peers) {

    /** The user at the other end of a connection. */
    @FunctionalInterface
    public interface Peers {
        UserPrincipal of(SocketChannel connection) throws IOException;
    }

    public PeerCheck {
        requireNonNull(owner, "owner");
        requireNonNull(peers, "peers");
    }

    /** The kernel's word on the peer ({@code SO_PEERCRED}, Linux). */
    public static PeerCheck kernel(UserPrincipal owner) {
        return new PeerCheck(owner, connection -> connection
                .getOption(ExtendedSocketOptions.SO_PEERCRED)
                .user());
    }

    /**
     * The peer of {@code connection} if it is the owner; empty (refuse) otherwise, or when its credentials cannot be
     * read.
     *
     * @return the peer's user, for the log line of a refusal
     */
    Verdict check(SocketChannel connection) {
        UserPrincipal peer;
        try {
            peer = peers.of(connection);
        } catch (IOException | UnsupportedOperationException e) {
            return new Verdict(false, "unknown (" + e.getMessage() + ")");
        }
        return new Verdict(owner.equals(peer), peer.getName());
    }

    /** Whether the peer may use the agent, and who it is. */
    record Verdict(boolean allowed, String peer) {}
}
