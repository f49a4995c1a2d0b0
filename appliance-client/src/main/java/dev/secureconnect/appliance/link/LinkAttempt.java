package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One attempt at a link, from dialling to closed: what the connector reported, whether it was closed on purpose, and
 * the hello stream the server keeps open on it ({@code GET /v1/hello}) with the last hello sent there.
 *
 * <p>Used on the link's event loop only; the connector's reports go to the supervisor.
 */
final class LinkAttempt implements LinkConnector.Events {

    private final LinkSupervisor supervisor;

    @Nullable
    Channel channel;

    boolean up;
    boolean intentional;
    /** The server never answered this attempt ({@link #serverBusy}). */
    boolean serverBusy;
    /** The TCP connection was made ({@link #connected}). */
    boolean connected;
    /** The server's first admission arrived on this link. */
    boolean admitted;

    /** The certificate this attempt dials with (null: the connector's own). */
    Enrolment.@Nullable Material material;

    @Nullable
    String closeReason;

    @Nullable
    String problem;

    @Nullable
    String serverIdentity;

    @Nullable
    ScheduledFuture<?> admissionTimer;

    private @Nullable Http2StreamChannel helloStream;
    private @Nullable Hello lastHello;

    LinkAttempt(LinkSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public void up(Channel linkChannel, String identity) {
        supervisor.linkUp(this, identity);
    }

    @Override
    public void problem(String reason) {
        if (problem == null) {
            problem = reason;
        }
    }

    @Override
    public void serverBusy(String reason) {
        problem(reason);
        serverBusy = true;
    }

    @Override
    public void connected() {
        connected = true;
    }

    @Override
    public Enrolment.@Nullable Material material() {
        return material;
    }

    @Override
    public void serverRefused(String reason) {
        problem(reason);
        supervisor.serverRefused(reason);
    }

    /** Up, and neither closing nor replaced: the server's requests on it are served. */
    boolean serving(@Nullable LinkAttempt current) {
        return this == current && up && !intentional;
    }

    /** Keeps {@code stream} as the hello stream (closing an earlier one); the next {@link #sendHello} goes there. */
    void watchHello(Http2StreamChannel stream) {
        if (helloStream != null && helloStream != stream) {
            helloStream.close();
        }
        helloStream = stream;
        lastHello = null;
        stream.closeFuture().addListener(done -> {
            if (helloStream == stream) {
                helloStream = null;
            }
        });
        StreamRequestHandler.respondWith(stream, new byte[0], false);
    }

    /** Sends {@code hello} on the hello stream unless it is the last one sent; false when nothing was sent. */
    boolean sendHello(Hello hello) {
        if (helloStream == null || !helloStream.isActive() || hello.equals(lastHello)) {
            return false;
        }
        lastHello = hello;
        StreamRequestHandler.send(helloStream, LinkJson.encode(hello));
        return true;
    }

    /**
     * Closes this link on purpose: the hello stream, then a GOAWAY telling the server why; cut at the socket if it has
     * not closed after {@code forceAfter} (timed on {@code loop}, the link's).
     */
    void closeOnPurpose(String reason, EventLoop loop, Duration forceAfter) {
        intentional = true;
        closeReason = reason;
        if (helloStream != null) {
            helloStream.close();
        }
        Channel closing = requireNonNull(channel, "closed only once dialled");
        LinkCodecs.close(closing, reason); // GOAWAY tells the server why
        loop.schedule(
                () -> {
                    if (closing.isOpen()) {
                        ChannelHandlerContext first = closing.pipeline().firstContext();
                        if (first != null) {
                            first.close(); // below HTTP/2 and TLS: skips their graceful shutdown
                        } else {
                            closing.close();
                        }
                    }
                },
                forceAfter.toMillis(),
                TimeUnit.MILLISECONDS);
    }
}
