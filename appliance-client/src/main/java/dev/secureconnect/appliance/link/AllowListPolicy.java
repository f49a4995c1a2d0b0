package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.access.AccessVerdict;
import dev.secureconnect.tunnel.link.ServiceEntry;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The appliance's stream policy. A stream is allowed only when all of these hold, checked in this order:
 *
 * <ol>
 *   <li>its host is the loopback literal {@code 127.0.0.1} or {@code ::1} — never a name, never another address, so
 *       the appliance can never be used to reach another host;</li>
 *   <li>its port is one the appliance admin allow-listed;</li>
 *   <li>its ticket is one the admin connected and the server accepted.</li>
 * </ol>
 *
 * <p>Reason codes: {@code not-loopback}, {@code not-allow-listed}, {@code no-ticket}, {@code ticket-not-connected}.
 */
public final class AllowListPolicy implements StreamPolicy {

    private static final byte[] LOOPBACK_V4 = {127, 0, 0, 1};
    private static final byte[] LOOPBACK_V6 = new byte[16];

    static {
        LOOPBACK_V6[15] = 1;
    }

    private final List<ServiceEntry> services;
    private final Predicate<String> admittedTicket;

    /**
     * @param services the allow-list
     * @param admittedTicket whether a ticket number is connected by the admin and accepted by the server
     */
    public AllowListPolicy(List<ServiceEntry> services, Predicate<String> admittedTicket) {
        this.services = List.copyOf(services);
        this.admittedTicket = requireNonNull(admittedTicket, "admittedTicket");
    }

    @Override
    public AccessVerdict<StreamTarget> decide(StreamRequest request) {
        InetAddress loopback = loopbackLiteral(request.host());
        if (loopback == null) {
            return AccessVerdict.deny(
                    403,
                    "not-loopback",
                    "host " + request.host() + " is not this appliance's loopback address: streams may only"
                            + " reach 127.0.0.1 or ::1");
        }
        ServiceEntry service = services.stream()
                .filter(s -> s.port() == request.port())
                .findFirst()
                .orElse(null);
        if (service == null) {
            return AccessVerdict.deny(
                    403, "not-allow-listed", "port " + request.port() + " is not allow-listed on this appliance");
        }
        if (request.ticket().isEmpty()) {
            return AccessVerdict.deny(403, "no-ticket", "the stream names no ticket");
        }
        if (!admittedTicket.test(request.ticket())) {
            return AccessVerdict.deny(
                    403, "ticket-not-connected", "ticket " + request.ticket() + " is not connected on this appliance");
        }
        return AccessVerdict.allow(new StreamTarget(new InetSocketAddress(loopback, request.port()), service.name()));
    }

    /** {@code 127.0.0.1} or {@code ::1} as an address (no name lookup), or null for anything else. */
    static @Nullable InetAddress loopbackLiteral(String host) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null || !(Arrays.equals(bytes, LOOPBACK_V4) || Arrays.equals(bytes, LOOPBACK_V6))) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }
}
