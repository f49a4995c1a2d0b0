package dev.secureconnect.bench.scale;

import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkException;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.link.StreamRequest;
import dev.secureconnect.tunnel.link.StreamRequestHandler;
import dev.secureconnect.tunnel.retry.Backoff;
import dev.secureconnect.tunnel.retry.ServerAnswer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One appliance of the fleet, doing what {@code appliance-client}'s {@code LinkSupervisor} does for one connected
 * ticket: dial the server (mutual TLS, ALPN {@value LinkProtocol#ALPN}, the appliance side of the link from
 * {@link LinkCodecs}), answer {@code GET /v1/hello} with its hello and keep it open, take {@code POST /v1/admission}
 * and {@code POST /v1/revocations}, and when the link drops dial again after {@link Backoff}'s full-jitter
 * back-off (the appliance default, 1 s doubling to 60 s, never longer than the outage so far; reset once a ticket is accepted; an attempt the server never
 * answered waits at most 4 s and does not double it, {@link Backoff#nextWhenBusy}). Its TLS context lives as
 * long as it does, so a redial offers the session of the last link, as the appliance's does. All on one event loop.
 */
final class SimulatedAppliance {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final String serial;
    private final SslContext tls;
    private final EventLoop loop;
    private final FleetCounts counts;
    private final Backoff delays;
    private final Hello hello;
    private final String host;
    private final int port;

    // event-loop state
    private @Nullable Channel link;
    private boolean admitted;
    private boolean stopped;
    private int failures;
    /** When the failures in a row began ({@link System#nanoTime}). */
    private long outageSince;
    /**
     * Whether the server sent a request on a link since the last attempt that sent a ClientHello: it sent a ticket
     * before, which the JDK then holds.
     */
    private boolean holdsTicket;
    /** The attempt in progress sent the ticket in its ClientHello. */
    private boolean offeredTicket;

    private boolean handshakeDone;
    private @Nullable Throwable handshakeFailure;
    /** Why the attempt in progress could not connect, or null. */
    private @Nullable Throwable connectFailure;

    SimulatedAppliance(
            String serial,
            SslContext tls,
            EventLoop loop,
            FleetCounts counts,
            Backoff delays,
            String ticket,
            String host,
            int port) {
        this.serial = serial;
        this.tls = tls;
        this.loop = loop;
        this.counts = counts;
        this.delays = delays;
        this.host = host;
        this.port = port;
        this.hello = new Hello(serial, LinkProtocol.VERSION, "fleet", List.of(ticket), List.of());
    }

    /** Dials after {@code delayMillis} (from any thread). */
    void start(long delayMillis) {
        loop.schedule(this::dial, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Closes the link and stops dialling (from any thread); the future completes once the link is closed. */
    io.netty.util.concurrent.Future<Void> stop() {
        io.netty.util.concurrent.Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            stopped = true;
            if (link == null) {
                done.setSuccess(null);
            } else {
                link.closeFuture().addListener(f -> done.trySuccess(null));
                link.close();
            }
        });
        return done;
    }

    private void dial() {
        if (stopped || link != null) {
            return;
        }
        counts.connections.incrementAndGet();
        offeredTicket = false;
        handshakeDone = false;
        handshakeFailure = null;
        connectFailure = null;
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ServerAnswer.watch(ch.pipeline());
                        ch.pipeline()
                                .addLast(
                                        "tls",
                                        SslContexts.clientHandler(tls, ch.alloc(), host, port, HANDSHAKE_TIMEOUT));
                        ch.pipeline().addLast("alpn", new Negotiation());
                    }
                })
                .connect(host, port);
        connecting.addListener(connected -> {
            if (connected.isSuccess()) { // the TLS handler sends the ClientHello now, with the ticket if there is one
                offeredTicket = holdsTicket;
                holdsTicket = false;
                if (offeredTicket) {
                    counts.ticketsOffered.incrementAndGet();
                }
            } else {
                connectFailure = connected.cause();
            }
        });
        Channel channel = connecting.channel();
        link = channel;
        channel.closeFuture().addListener(f -> closed(channel));
    }

    private void closed(Channel channel) {
        if (channel != link) {
            return;
        }
        link = null;
        counts.connections.decrementAndGet();
        if (offeredTicket && !handshakeDone) {
            counts.ticketsLost.incrementAndGet();
            if (handshakeFailure instanceof SslHandshakeTimeoutException) {
                counts.ticketsLostToTimeout.incrementAndGet();
            } else if (handshakeFailure == null || handshakeFailure instanceof ClosedChannelException) {
                // closed under the handshake (the close future fires before the handler hears of it)
                counts.ticketsLostToClose.incrementAndGet();
            }
        }
        if (admitted) {
            admitted = false;
            counts.admitted.decrementAndGet();
        }
        if (stopped) {
            return;
        }
        counts.failures.incrementAndGet();
        Duration delay;
        if (!handshakeDone && ServerAnswer.busy(channel, connectFailure)) { // as the appliance's Redial
            counts.busy.incrementAndGet();
            delay = delays.nextWhenBusy(failures);
        } else {
            if (failures == 0) {
                outageSince = System.nanoTime();
            }
            failures++;
            delay = delays.next(failures, Duration.ofNanos(System.nanoTime() - outageSince));
        }
        loop.schedule(this::dial, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void admission(Http2StreamChannel stream, byte[] body) {
        Admission verdicts;
        try {
            verdicts = LinkJson.decode(body, Admission.class);
        } catch (LinkException e) {
            StreamRequestHandler.respond(stream, 400, e.getMessage());
            return;
        }
        StreamRequestHandler.respond(stream, 200, null);
        boolean accepted = verdicts.verdicts().stream().anyMatch(Admission.Verdict::accepted);
        if (accepted && !admitted && stream.parent() == link) {
            admitted = true;
            failures = 0;
            counts.admitted.incrementAndGet();
        } else if (!accepted) {
            counts.refused.incrementAndGet();
            stream.parent().close();
        }
    }

    /** Once TLS is up with the right ALPN: the appliance side of the link. */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super("(none)");
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!LinkProtocol.ALPN.equals(protocol)) {
                ctx.close();
                return;
            }
            counts.handshakes.incrementAndGet();
            handshakeDone = true;
            if (SslContexts.resumed(
                    ctx.pipeline().get(SslHandler.class).engine().getSession())) {
                counts.resumed.incrementAndGet();
            }
            LinkCodecs.installApplianceSide(
                    ctx.pipeline(), LinkSettings.DEFAULT, new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast(new Requests());
                        }
                    });
            ctx.pipeline().addLast("errors", new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext errorContext, Throwable cause) {
                    errorContext.close();
                }
            });
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            counts.handshakeFailures.incrementAndGet();
            handshakeFailure = cause;
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One stream the server opened: hello watch, admission, revocations; sessions are refused. */
    private final class Requests extends StreamRequestHandler {
        @Override
        protected void onConnect(Http2StreamChannel stream, StreamRequest request) {
            respond(stream, 403, "a simulated appliance serves no session");
        }

        @Override
        protected void onRequest(Http2StreamChannel stream, Http2Headers headers, byte[] body) {
            // the server's first write carried a new ticket (BoringSSL sends its tickets with the first data after
            // the handshake, and the server opens the hello stream at once), which the JDK keeps for the next dial
            holdsTicket = true;
            String path = String.valueOf(headers.path());
            String method = String.valueOf(headers.method());
            if (LinkProtocol.PATH_HELLO.equals(path) && "GET".equals(method)) {
                respondWith(stream, new byte[0], false);
                send(stream, LinkJson.encode(hello));
            } else if (LinkProtocol.PATH_ADMISSION.equals(path) && "POST".equals(method)) {
                admission(stream, body);
            } else if (LinkProtocol.PATH_REVOCATIONS.equals(path) && "POST".equals(method)) {
                respond(stream, 200, null);
            } else {
                respond(stream, 404, "no such request: " + method + " " + path);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "SimulatedAppliance[" + serial + "]";
    }
}
