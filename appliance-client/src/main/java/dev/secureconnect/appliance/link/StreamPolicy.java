package dev.secureconnect.appliance.link;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.tunnel.link.StreamRequest;

/**
 * Decides, before anything is dialled, whether a session stream may reach its target: the {@code CONNECT} step of the
 * session authorisation. An implementation denies whatever it does not positively allow; a refusal is answered 403.
 */
@FunctionalInterface
public interface StreamPolicy {

    /** The verdict on one stream: when allowed, the target to dial. */
    AccessVerdict<StreamTarget> decide(StreamRequest request);

    /** A policy that allows nothing. */
    StreamPolicy DENY_ALL = request -> AccessVerdict.deny(403, "denied", "no stream is allowed");
}
