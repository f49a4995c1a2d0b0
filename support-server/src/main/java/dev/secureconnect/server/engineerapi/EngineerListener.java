package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.server.audit.AuditEvent;
import dev.secureconnect.server.audit.AuditLog;
import dev.secureconnect.tunnel.audit.EventType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engineer listener: mutual TLS with the SecureConnect policy, engineer certificates only, ALPN {@code h2} then
 * {@code http/1.1}; after the handshake the connection speaks HTTP/2 (one child channel per stream: the JSON API or a
 * session stream) or HTTP/1.1 (the JSON API only), both ending in the one {@link ApiRouter}. Every refused handshake
 * is audited with its reason.
 */
public final class EngineerListener {

    private static final Logger LOG = LoggerFactory.getLogger(EngineerListener.class);
    /** The largest request body accepted; the API's bodies are a few bytes. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EngineerApi api;
    private final AuditLog audit;
    private final Executor blocking;
    private final SslContext sslContext;
    private final Duration handshakeTimeout;
    /** Peers whose refusal the trust manager already audited, so the handshake failure is not audited twice. */
    private final Map<String, Boolean> auditedRefusals = new ConcurrentHashMap<>();

    public EngineerListener(KeyMaterial keys, TrustMaterial trust, Duration handshakeTimeout, EngineerApi api,
            AuditLog audit, Executor blocking) {
        this.api = requireNonNull(api, "api");
        this.audit = requireNonNull(audit, "audit");
        this.blocking = requireNonNull(blocking, "blocking");
        this.handshakeTimeout = requireNonNull(handshakeTimeout, "handshakeTimeout");
        this.sslContext = SslContexts.server(keys, trust, CertificateRole.ENGINEER,
                List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1), this::refused);
    }

    /** Binds the listener; returns its channel (whose local address has the real port when 0 was asked for). */
    public Channel bind(EventLoopGroup boss, EventLoopGroup workers, String host, int port) throws InterruptedException {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("tls", SslContexts.serverHandler(sslContext, ch, handshakeTimeout));
                        ch.pipeline().addLast("handshake", new HandshakeDone());
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }

    private void refused(String peerAddress, String subject, CertificateRejectedException.Reason reason, String message) {
        auditedRefusals.put(peerAddress, Boolean.TRUE);
        LOG.warn("engineer handshake from {} refused ({}): {}", peerAddress, reason.label(), message);
        blocking.execute(() -> audit.append(AuditEvent.builder(EventType.HANDSHAKE_REFUSED).source(peerAddress)
                .outcome(AuditEvent.Outcome.FAILURE).detail("listener", "engineer").detail("reason", reason.label())
                .detail("subject", subject).detail("message", message).build()));
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(channel.remoteAddress());
    }

    /** The HTTP/1.1 pipeline after the handshake. */
    private void http1(ChannelPipeline pipeline) {
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast("api", api.router());
    }

    /**
     * The HTTP/2 pipeline after the handshake: each stream a child channel that starts with autoRead off and a
     * {@link StreamDispatcher}, which reads the request headers and makes it a session stream or a JSON API call.
     */
    private void http2(ChannelPipeline pipeline) {
        pipeline.addLast("h2", Http2FrameCodecBuilder.forServer().build());
        pipeline.addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false); // nothing is read before its consumer is in place
                stream.pipeline().addLast("dispatch", new StreamDispatcher(api));
            }
        }));
    }

    /** Waits for the end of the handshake: on success installs HTTP, on failure audits and closes. */
    private final class HandshakeDone extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (!(event instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, event);
                return;
            }
            String peer = address(ctx.channel());
            if (!done.isSuccess()) {
                if (auditedRefusals.remove(peer) == null) {
                    String message = done.cause().getMessage() == null ? done.cause().toString() : done.cause().getMessage();
                    String reason = message.contains("certificate") || message.contains("Empty") ? "no-certificate" : "handshake-failed";
                    LOG.warn("engineer handshake from {} failed: {}", peer, message);
                    blocking.execute(() -> audit.append(AuditEvent.builder(EventType.HANDSHAKE_REFUSED).source(peer)
                            .outcome(AuditEvent.Outcome.FAILURE).detail("listener", "engineer").detail("reason", reason)
                            .detail("message", message).build()));
                }
                ctx.close();
                return;
            }
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            CertificateIdentity engineer = SslContexts.peerIdentity(tls.engine().getSession());
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            CertificateFingerprint fingerprint = CertificateFingerprint.of((X509Certificate) chain[0]);
            ctx.channel().attr(EngineerConnection.KEY).set(
                    new EngineerConnection(engineer.id(), (X509Certificate) chain[0], fingerprint, peer));
            String protocol = tls.applicationProtocol();
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(this);
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(pipeline);
            } else {
                http1(pipeline); // http/1.1, or a client that offered no ALPN
            }
            LOG.debug("engineer {} connected from {} ({})", engineer.id(), peer, protocol == null ? "no ALPN" : protocol);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("engineer connection from {} failed before HTTP was up: {}", address(ctx.channel()), cause.toString());
            ctx.close();
        }
    }
}
