package dev.secureconnect.appliance.link;

import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Dials the support server once per call ({@link TlsLinkConnector} in the daemon; a fake in the supervisor's tests).
 * What happens to an attempt is reported to its {@link Events} on the link's event loop.
 */
interface LinkConnector {

    /** What one attempt reports; all calls on the event loop. */
    interface Events {
        /** The TLS handshake is done, ALPN agreed and HTTP/2 is in place. */
        void up(Channel link, String serverIdentity);

        /** Something went wrong; the first problem of an attempt is the one shown. */
        void problem(String reason);

        /** This appliance refused the server's certificate during the handshake. */
        void serverRefused(String reason);

        /**
         * The attempt failed without the server answering ({@code reason}): its connect timed out, or the connection
         * closed before the server's first byte. A busy server, not a failure ({@link Redial#busy}).
         */
        void serverBusy(String reason);

        /** The TCP connection to the server is up (the TLS handshake follows). */
        default void connected() {}

        /** The certificate and key this attempt dials with; null: the connector's own. */
        default Enrolment.@Nullable Material material() {
            return null;
        }
    }

    /** The server dialled, as {@code appliance.json} names it. */
    ServerAddress server();

    /**
     * Starts one attempt, on the link's event loop; the returned channel's close future ends it, whatever happened.
     *
     * @param streams the handler for the streams the server opens on the link once it is up
     */
    Channel connect(Events events, Supplier<ChannelHandler> streams);
}
