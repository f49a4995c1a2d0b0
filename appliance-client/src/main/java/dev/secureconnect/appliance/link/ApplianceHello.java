package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hello this appliance sends on the stream the server keeps open ({@code GET /v1/hello}): its serial, the protocol
 * and software versions, the tickets it offers (every one not refused), the services it allows, and the latest signed
 * checkpoint of its audit log. Sent again whenever one of them changes.
 *
 * <p>Used on the link's event loop only (asserted).
 */
final class ApplianceHello {

    private static final Logger log = LoggerFactory.getLogger(ApplianceHello.class);

    private final EventLoop loop;
    private final String serial;
    private final String softwareVersion;
    private final String server;
    /** The latest audit checkpoint's JWS, empty while there is none. */
    private String checkpoint = "";

    /** @param server the server dialled, for the log */
    ApplianceHello(EventLoop loop, String serial, String softwareVersion, String server) {
        this.loop = requireNonNull(loop, "loop");
        this.serial = requireNonNull(serial, "serial");
        this.softwareVersion = requireNonNull(softwareVersion, "softwareVersion");
        this.server = requireNonNull(server, "server");
    }

    /** A new checkpoint of the appliance's audit log (its compact JWS): carried by every hello from now on. */
    void checkpoint(String jws) {
        assert loop.inEventLoop();
        checkpoint = requireNonNull(jws, "jws");
    }

    Hello of(Tickets tickets, ApplianceConfig config) {
        assert loop.inEventLoop();
        return new Hello(
                serial, LinkProtocol.VERSION, softwareVersion, tickets.offered(), config.services(), checkpoint);
    }

    /** Sends the hello on {@code attempt}'s hello stream unless it is the one sent there last. */
    void send(LinkAttempt attempt, Tickets tickets, ApplianceConfig config) {
        Hello hello = of(tickets, config);
        if (attempt.sendHello(hello)) {
            log.info(
                    "appliance {}: hello to {}: tickets {}, services {}",
                    serial,
                    server,
                    hello.tickets(),
                    config.serviceLabels());
        }
    }
}
