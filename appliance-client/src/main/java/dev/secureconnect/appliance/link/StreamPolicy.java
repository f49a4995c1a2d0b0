package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.tunnel.link.StreamRequest;
import java.net.InetSocketAddress;

/**
 * Decides, before anything is dialled, whether a session stream may reach its target. An implementation denies
 * whatever it does not positively allow.
 */
@FunctionalInterface
public interface StreamPolicy {

    Decision decide(StreamRequest request);

    /** A policy that allows nothing. */
    StreamPolicy DENY_ALL = request -> Decision.deny("no stream is allowed");

    /**
     * The verdict on one stream.
     *
     * @param target the address to dial when allowed (a loopback literal, never resolved), else null
     * @param service the allow-listed service's name when allowed, else null
     * @param reason why it is refused, for the 403 answer and the audit log; empty when allowed
     */
    record Decision(boolean allowed, InetSocketAddress target, String service, String reason) {

        public static Decision allow(InetSocketAddress target, String service) {
            return new Decision(true, requireNonNull(target, "target"), requireNonNull(service, "service"), "");
        }

        public static Decision deny(String reason) {
            return new Decision(false, null, null, requireNonNull(reason, "reason"));
        }
    }
}
