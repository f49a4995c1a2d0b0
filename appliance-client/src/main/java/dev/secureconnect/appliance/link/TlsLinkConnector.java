package dev.secureconnect.appliance.link;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.appliance.config.ServerAddress;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.retry.ServerAnswer;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials the support server once: TCP, then TLS with this appliance's certificate (the server's chain checked against
 * the CA, its role and its name — the host of {@code server} in {@code appliance.json}), ALPN
 * {@code secureconnect/1}, and only once the handshake is done the HTTP/2 server side of the link
 * ({@link LinkCodecs#installApplianceSide}). What happens is reported to {@link Events} on the link's event loop.
 *
 * <p>One TLS context per certificate (built again only when an attempt dials with another one: a renewed certificate,
 * or the old one after a fallback): the JDK keeps the session tickets the server sends in it (by host
 * and port), and a redial offers the last one, so that after a server restart the appliance resumes its session
 * (no certificates nor RSA signatures; a fresh ECDHE exchange) instead of making a full handshake, if the server
 * still holds the ticket's key. The server checks a resumed session's certificate against its CRL again.
 */
final class TlsLinkConnector implements LinkConnector {

    private static final Logger log = LoggerFactory.getLogger(TlsLinkConnector.class);

    private final EventLoop loop;
    private final ServerAddress server;
    private final ApplianceConfig.Timeouts timeouts;
    private final LinkSettings settings;
    private final TlsProvider provider;
    /** The certificate the TLS context was built with; the context is built again when an attempt dials another. */
    private Enrolment.Material material;

    private SslContext tls;
    private volatile @Nullable Events current;

    TlsLinkConnector(
            EventLoop loop,
            Enrolment.Material material,
            ServerAddress server,
            ApplianceConfig.Timeouts timeouts,
            LinkSettings settings,
            TlsProvider provider) {
        this.loop = requireNonNull(loop, "loop");
        this.server = requireNonNull(server, "server");
        this.timeouts = requireNonNull(timeouts, "timeouts");
        this.settings = requireNonNull(settings, "settings");
        this.provider = requireNonNull(provider, "provider");
        this.material = requireNonNull(material, "material");
        this.tls = context(material);
    }

    private SslContext context(Enrolment.Material with) {
        return SslContexts.client(with.keys(), with.trust(), List.of(LinkProtocol.ALPN), this::refused, provider);
    }

    @Override
    public ServerAddress server() {
        return server;
    }

    @Override
    public Channel connect(Events events, Supplier<ChannelHandler> streams) {
        current = events;
        Enrolment.Material wanted = events.material();
        if (wanted != null && wanted != material) { // a renewed certificate, or back to the old one
            log.info(
                    "TLS with {}: dialling with certificate {}",
                    server,
                    CertificateFingerprint.of(wanted.keys().certificate()).colonHex());
            material = wanted;
            tls = context(wanted);
        }
        SslContext attemptTls = tls;
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        timeouts.connect().toMillis())
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler handler = SslContexts.clientHandler(
                                attemptTls, channel.alloc(), server.host(), server.port(), timeouts.handshake());
                        handler.handshakeFuture().addListener(handshake -> {
                            if (!handshake.isSuccess()) {
                                String problem = handshakeProblem(handshake.cause());
                                if (ServerAnswer.busy(channel, null)) {
                                    events.serverBusy(problem);
                                } else {
                                    events.problem(problem);
                                }
                            }
                        });
                        ServerAnswer.watch(channel.pipeline());
                        // on the channel's event loop, before the handshake fails
                        channel.pipeline()
                                .addLast(
                                        "server-key-exchange",
                                        SslContexts.serverKeyExchangeCheck(
                                                attemptTls,
                                                (peer, subject, reason, message) ->
                                                        events.serverRefused("this appliance refused the server at "
                                                                + server + ": " + OneLine.of(message))));
                        channel.pipeline().addLast("tls", handler);
                        channel.pipeline().addLast("alpn", new Negotiation(events, streams));
                    }
                })
                .connect(server.host(), server.port());
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                events.connected();
            } else {
                String problem = "cannot reach the server at " + server + ": "
                        + OneLine.of(done.cause().getMessage());
                if (ServerAnswer.busy(connecting.channel(), done.cause())) {
                    events.serverBusy(problem);
                } else {
                    events.problem(problem);
                }
            }
        });
        return connecting.channel();
    }

    private void refused(
            String peer,
            @Nullable String subject,
            CertificateRejectedException.Reason reason,
            @Nullable String message) {
        Events events = current;
        String why = "this appliance refused the certificate of the server at " + server + " (" + reason.label() + "): "
                + OneLine.of(message);
        if (events != null) {
            if (loop.inEventLoop()) {
                events.serverRefused(why);
            } else {
                loop.execute(() -> events.serverRefused(why));
            }
        }
    }

    /** Waits for the handshake, checks ALPN, then installs the link's HTTP/2 layer. */
    final class Negotiation extends ApplicationProtocolNegotiationHandler { // package-private: its EmbeddedChannel test
        private final Events events;
        private final Supplier<ChannelHandler> streams;

        Negotiation(Events events, Supplier<ChannelHandler> streams) {
            super("(none)");
            this.events = events;
            this.streams = streams;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!LinkProtocol.ALPN.equals(protocol)) {
                events.problem("the server at " + server + " does not speak " + LinkProtocol.ALPN
                        + " (it agreed on TLS application protocol " + protocol + ")");
                ctx.close();
                return;
            }
            String identity;
            SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
            try {
                identity = SslContexts.peerIdentity(session).describe();
            } catch (SSLException | RuntimeException e) {
                identity = "server " + server.host();
            }
            log.debug(
                    "TLS with {}: {}",
                    server,
                    SslContexts.resumed(session) ? "resumed the last session" : "full handshake");
            LinkCodecs.installApplianceSide(ctx.pipeline(), settings, streams.get());
            ctx.pipeline().addLast("errors", new LinkErrors(events));
            events.up(ctx.channel(), identity);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            events.problem(handshakeProblem(cause));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.problem(handshakeProblem(cause));
            ctx.close();
        }
    }

    /** After the link is up: whatever fails closes the link, with the reason kept. */
    static final class LinkErrors extends ChannelInboundHandlerAdapter { // package-private: its EmbeddedChannel test
        private final Events events;

        LinkErrors(Events events) {
            this.events = events;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("link {} failed", ctx.channel(), cause);
            events.problem("the link failed: " + OneLine.of(String.valueOf(cause.getMessage())));
            ctx.close();
        }
    }

    private String handshakeProblem(Throwable failure) {
        Throwable cause =
                failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof NotSslRecordException) {
            return "the server at " + server + " does not speak TLS";
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "the TLS handshake with the server at " + server + " did not finish within "
                    + Durations.format(timeouts.handshake());
        }
        if (cause instanceof ClosedChannelException) {
            return "the server at " + server + " closed the connection during the TLS handshake";
        }
        String message = OneLine.of(String.valueOf(cause.getMessage()));
        if (cause instanceof SSLHandshakeException && message.contains("Received fatal alert")) {
            return "the server at " + server + " refused the TLS handshake ("
                    + message.replace("Received fatal alert: ", "alert ")
                    + "): check that this appliance's certificate is valid, not revoked, and issued by the server's CA";
        }
        return "the TLS handshake with the server at " + server + " failed: " + message;
    }
}
