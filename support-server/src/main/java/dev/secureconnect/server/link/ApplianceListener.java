package dev.secureconnect.server.link;

import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.server.audit.AuditEvent;
import dev.secureconnect.server.audit.AuditLog;
import dev.secureconnect.tunnel.audit.EventType;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance listener: mutual TLS with the SecureConnect policy, appliance certificates only, ALPN
 * {@value LinkProtocol#ALPN}; after the handshake the connection becomes the HTTP/2 client side of a link and is
 * handed to {@link ApplianceLinks}. Every refused handshake is audited with its reason.
 */
public final class ApplianceListener {

    private static final Logger LOG = LoggerFactory.getLogger(ApplianceListener.class);

    private final ApplianceLinks links;
    private final AuditLog audit;
    private final ExecutorService blocking;
    private final SslContext sslContext;
    private final Duration handshakeTimeout;
    /** Peers whose refusal the trust manager already audited, so the handshake failure is not audited twice. */
    private final Map<String, Boolean> auditedRefusals = new ConcurrentHashMap<>();

    public ApplianceListener(KeyMaterial keys, TrustMaterial trust, Duration handshakeTimeout, ApplianceLinks links,
            AuditLog audit, ExecutorService blocking) {
        this.links = links;
        this.audit = audit;
        this.blocking = blocking;
        this.handshakeTimeout = handshakeTimeout;
        this.sslContext = SslContexts.server(keys, trust, CertificateRole.APPLIANCE, List.of(LinkProtocol.ALPN), this::refused);
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
        LOG.warn("appliance handshake from {} refused ({}): {}", peerAddress, reason.label(), message);
        blocking.execute(() -> audit.append(AuditEvent.builder(EventType.HANDSHAKE_REFUSED).source(peerAddress)
                .outcome(AuditEvent.Outcome.FAILURE).detail("listener", "appliance").detail("reason", reason.label())
                .detail("subject", subject).detail("message", message).build()));
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(channel.remoteAddress());
    }

    /** Waits for the end of the handshake: on success sets up the link, on failure audits and closes. */
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
                    LOG.warn("appliance handshake from {} failed: {}", peer, message);
                    blocking.execute(() -> audit.append(AuditEvent.builder(EventType.HANDSHAKE_REFUSED).source(peer)
                            .outcome(AuditEvent.Outcome.FAILURE).detail("listener", "appliance").detail("reason", reason)
                            .detail("message", message).build()));
                }
                ctx.close();
                return;
            }
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            String protocol = tls.applicationProtocol();
            if (!LinkProtocol.ALPN.equals(protocol)) {
                LOG.warn("appliance connection from {} negotiated ALPN '{}' instead of {}; closing", peer, protocol, LinkProtocol.ALPN);
                ctx.close();
                return;
            }
            CertificateIdentity appliance = SslContexts.peerIdentity(tls.engine().getSession());
            ctx.pipeline().remove(this);
            LinkCodecs.installServerSide(ctx.pipeline(), links.settings());
            links.linkUp(appliance, ctx.channel(), peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("appliance connection from {} failed before the link was up: {}", address(ctx.channel()), cause.toString());
            ctx.close();
        }
    }
}
