package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.tunnel.link.ServiceEntry;
import java.util.List;
import java.util.function.Predicate;

/**
 * The link's gate, the first step of the session authorisation ({@link SessionRequests}): no session while
 * SecureConnect is disabled or on a link that is closing or replaced, and only on a ticket the server accepted on the
 * link still current. A {@code CONNECT} then goes to the allow-list ({@link AllowListPolicy}) behind the same gate.
 *
 * <p>Used on the link's event loop only (the state it reads asserts it).
 */
final class LinkGate {

    private final AdminState state;
    private final Predicate<LinkAttempt> serving;
    private final Predicate<LinkAttempt> current;

    /**
     * @param serving whether an attempt is the current link, up and not closing
     * @param current whether an attempt is the current link
     */
    LinkGate(AdminState state, Predicate<LinkAttempt> serving, Predicate<LinkAttempt> current) {
        this.state = requireNonNull(state, "state");
        this.serving = requireNonNull(serving, "serving");
        this.current = requireNonNull(current, "current");
    }

    /** Whether a session may start on {@code attempt} now. */
    AccessVerdict<Void> check(LinkAttempt attempt) {
        if (!state.enabled()) {
            return AccessVerdict.deny(403, "disabled", "SecureConnect is disabled");
        }
        if (!serving.test(attempt)) {
            return AccessVerdict.deny(403, "link-closing", "this link is closing");
        }
        return AccessVerdict.allow(null);
    }

    /** Whether {@code ticket} is connected and accepted, asked for a request on {@code attempt}. */
    boolean ticketAccepted(LinkAttempt attempt, String ticket) {
        return current.test(attempt) && state.tickets().accepted(ticket);
    }

    /** The policy a {@code CONNECT} on {@code attempt} is put to: the gate, then the allow-list of {@code services}. */
    StreamPolicy connectPolicy(LinkAttempt attempt, List<ServiceEntry> services) {
        AccessVerdict<Void> gate = check(attempt);
        if (!gate.allowed()) {
            return request -> gate.refusal();
        }
        Tickets tickets = state.tickets();
        return new AllowListPolicy(services, tickets::accepted);
    }
}
