package dev.secureconnect.server.listener;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SessionTicketKey;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.BatchedRecords;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.metrics.HandshakeMetrics;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener that speaks mutual TLS with the SecureConnect policy and accepts its certificate roles only. Every refused
 * handshake is audited once ({@code handshake.refused}, with the listener's name and the reason: revoked, expired,
 * unknown CA, wrong role, no certificate, …); each completed handshake is handed to {@link Connected}, which installs
 * the protocol that follows.
 *
 * <p>At its cap of connections whose handshake has not finished ({@link HalfOpenLimits#perListener}) the listener stops
 * accepting until they are down to 90 % of it ({@link HalfOpenConnections}): meanwhile new connections wait in a short
 * accept queue (drained in seconds, well within a client's handshake time-out), and past it the
 * kernel drops their SYNs, so that in a reconnect storm an appliance's connect waits instead of being closed (a close
 * would cost it a back-off and, on JDK 17, its session ticket). At accept and before any TLS it closes a connection
 * from a {@linkplain SourceGuard#isBlocked blocked} source, and one over the per-source cap
 * ({@link HalfOpenLimits#perSource}), so that one address cannot hold the whole listener. Each failed handshake
 * (refused, broken, timed out) counts towards blocking its source.
 */
public final class MutualTlsListener {

    /** What to do with a connection whose handshake completed: set up its protocol, or close it. */
    @FunctionalInterface
    public interface Connected {
        /**
         * @param ctx the context of the connection's pipeline, the TLS handler in front
         * @param tls the finished handshake's handler (peer certificates, negotiated ALPN)
         * @param peer the peer's {@code host:port}
         */
        void connected(ChannelHandlerContext ctx, SslHandler tls, String peer) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MutualTlsListener.class);

    private final String name;
    /** Refused and failed handshakes, audited in batches so that a storm of them cannot starve the log. */
    private final BatchedRecords refusals;

    private final SslContext sslContext;
    private final Duration handshakeTimeout;
    private final Connected onConnected;
    /** Peers whose refusal the trust manager already audited, so the handshake failure is not audited twice. */
    private final Map<String, Boolean> auditedRefusals = new ConcurrentHashMap<>();

    /** Connections whose handshake has not finished: a pause at the cap in all, a close at accept over a source's. */
    private final HalfOpenConnections halfOpen;

    private final SourceGuard guard;

    private volatile HandshakeMetrics handshakes = HandshakeMetrics.none();

    /**
     * @param name the listener's name in logs and audit events ({@code appliance}, {@code engineer})
     * @param role the only certificate role accepted from clients
     * @param alpn the application protocols offered, most preferred first
     */
    public MutualTlsListener(
            String name,
            KeyMaterial keys,
            TrustMaterial trust,
            CertificateRole role,
            List<String> alpn,
            Duration handshakeTimeout,
            ServerAuditLog audit,
            Executor blocking,
            Connected onConnected) {
        this(name, keys, trust, Set.of(role), alpn, handshakeTimeout, audit, blocking, onConnected);
    }

    /**
     * @param name the listener's name in logs and audit events ({@code appliance}, {@code engineer})
     * @param roles the certificate roles accepted from clients; what each may do is {@code onConnected}'s to decide
     * @param alpn the application protocols offered, most preferred first
     */
    public MutualTlsListener(
            String name,
            KeyMaterial keys,
            TrustMaterial trust,
            Set<CertificateRole> roles,
            List<String> alpn,
            Duration handshakeTimeout,
            ServerAuditLog audit,
            Executor blocking,
            Connected onConnected) {
        this(name, keys, trust, roles, alpn, handshakeTimeout, TlsProvider.AUTO, audit, blocking, onConnected);
    }

    /**
     * @param name the listener's name in logs and audit events ({@code appliance}, {@code engineer})
     * @param roles the certificate roles accepted from clients; what each may do is {@code onConnected}'s to decide
     * @param alpn the application protocols offered, most preferred first
     * @param provider the TLS implementation ({@code tls.provider} of server.yaml)
     */
    public MutualTlsListener(
            String name,
            KeyMaterial keys,
            TrustMaterial trust,
            Set<CertificateRole> roles,
            List<String> alpn,
            Duration handshakeTimeout,
            TlsProvider provider,
            ServerAuditLog audit,
            Executor blocking,
            Connected onConnected) {
        this(
                name,
                keys,
                trust,
                roles,
                alpn,
                handshakeTimeout,
                provider,
                HalfOpenLimits.DEFAULT,
                SourceGuard.OPEN,
                audit,
                blocking,
                onConnected);
    }

    /**
     * @param name the listener's name in logs and audit events ({@code appliance}, {@code engineer})
     * @param roles the certificate roles accepted from clients; what each may do is {@code onConnected}'s to decide
     * @param alpn the application protocols offered, most preferred first
     * @param provider the TLS implementation ({@code tls.provider} of server.yaml)
     * @param halfOpenLimits the caps on connections whose handshake has not finished
     * @param guard says which sources are blocked, and hears of each failed handshake
     */
    public MutualTlsListener(
            String name,
            KeyMaterial keys,
            TrustMaterial trust,
            Set<CertificateRole> roles,
            List<String> alpn,
            Duration handshakeTimeout,
            TlsProvider provider,
            HalfOpenLimits halfOpenLimits,
            SourceGuard guard,
            ServerAuditLog audit,
            Executor blocking,
            Connected onConnected) {
        this.halfOpen = new HalfOpenConnections(name, halfOpenLimits);
        this.guard = requireNonNull(guard, "guard");
        this.name = requireNonNull(name, "name");
        this.refusals = new BatchedRecords(requireNonNull(audit, "audit"), requireNonNull(blocking, "blocking"));
        this.handshakeTimeout = requireNonNull(handshakeTimeout, "handshakeTimeout");
        this.onConnected = requireNonNull(onConnected, "onConnected");
        this.sslContext = SslContexts.server(keys, trust, roles, alpn, this::refused, provider);
    }

    /** Counts every handshake, completed or refused (with its reason), in {@code metrics}; before {@link #bind}. */
    public MutualTlsListener countingHandshakes(HandshakeMetrics metrics) {
        this.handshakes = requireNonNull(metrics, "metrics");
        return this;
    }

    /** Binds the listener; returns its channel (whose local address has the real port when 0 was asked for). */
    public Channel bind(EventLoopGroup boss, EventLoopGroup workers, String host, int port)
            throws InterruptedException {
        return halfOpen.pauseAtCap(new ServerBootstrap())
                .group(boss, workers)
                .channel(Transports.serverChannel(boss))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted(ch);
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }

    /**
     * A connection just accepted: closed at once if its source is blocked or over its per-source cap of unfinished
     * handshakes; otherwise its TLS handshake starts, with the handshake time-out counted from now.
     */
    private void accepted(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        if (remote == null || remote.getAddress() == null) {
            ch.close(); // gone already
            return;
        }
        InetAddress source = remote.getAddress();
        if (guard.isBlocked(source)) {
            LOG.debug("{} connection from {} closed at accept: the source is blocked", name, source.getHostAddress());
            handshakes.refused(HandshakeMetrics.Refusal.BLOCKED);
            ch.close();
            return;
        }
        if (!halfOpen.start(source)) {
            LOG.debug(
                    "{} connection from {} closed at accept: too many unfinished handshakes from that address",
                    name,
                    source.getHostAddress());
            handshakes.refused(HandshakeMetrics.Refusal.HALF_OPEN_CAP);
            ch.close();
            return;
        }
        // the handler's handshake time-out starts now, when the channel becomes active
        SslHandler tls = SslContexts.serverHandler(sslContext, ch, handshakeTimeout);
        tls.handshakeFuture().addListener(done -> halfOpen.end(ch, source));
        ch.pipeline().addLast("tls-hello", SslContexts.clientHelloCheck(sslContext, this::refused));
        ch.pipeline().addLast("tls-verify", SslContexts.certificateVerifyCheck(sslContext, this::refused));
        ch.pipeline().addLast("tls", tls);
        ch.pipeline().addLast("handshake", new HandshakeDone(source));
    }

    /**
     * Seals the listener's TLS session tickets with {@code keys} (the newest first), sessions resumable for
     * {@code lifetime}: see {@link SslContexts#useSessionTicketKeys}.
     *
     * @return false if the listener runs on the JDK's TLS, whose ticket key cannot be set
     */
    public boolean useSessionTicketKeys(List<SessionTicketKey> keys, Duration lifetime) {
        return SslContexts.useSessionTicketKeys(sslContext, keys, lifetime);
    }

    /** The TLS implementation the listener runs on: {@link TlsProvider#JDK} or {@link TlsProvider#OPENSSL}. */
    public TlsProvider provider() {
        return SslContexts.provider(sslContext);
    }

    /** The peer's {@code host:port}, as logs and audit events name it. */
    public static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(channel.remoteAddress());
    }

    private void refused(
            String peerAddress,
            @Nullable String subject,
            CertificateRejectedException.Reason reason,
            @Nullable String message) {
        auditedRefusals.put(peerAddress, Boolean.TRUE);
        handshakes.refused(HandshakeMetrics.Refusal.of(reason));
        LOG.warn("{} handshake from {} refused ({}): {}", name, peerAddress, reason.label(), message);
        refusals.submit(
                ServerAuditEvent.builder(EventType.HANDSHAKE_REFUSED)
                        .source(peerAddress)
                        .outcome(ServerAuditEvent.Outcome.FAILURE)
                        .detail("listener", name)
                        .detail("reason", reason.label())
                        .detail("subject", subject)
                        .detail("message", message)
                        .build(),
                ServerAuditLog.Hold.WHILE_ROOM); // a refusal: it already happened
    }

    private void failed(String peer, Throwable cause) {
        if (auditedRefusals.remove(peer) != null) {
            return; // the trust manager audited it with the precise reason
        }
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        boolean noCertificate = noCertificate(message);
        String reason = noCertificate ? "no-certificate" : "handshake-failed";
        handshakes.refused(
                noCertificate ? HandshakeMetrics.Refusal.NO_CERTIFICATE : HandshakeMetrics.Refusal.HANDSHAKE_FAILED);
        LOG.warn("{} handshake from {} failed: {}", name, peer, message);
        refusals.submit(
                ServerAuditEvent.builder(EventType.HANDSHAKE_REFUSED)
                        .source(peer)
                        .outcome(ServerAuditEvent.Outcome.FAILURE)
                        .detail("listener", name)
                        .detail("reason", reason)
                        .detail("message", message)
                        .build(),
                ServerAuditLog.Hold.WHILE_ROOM); // a refusal: it already happened
    }

    /**
     * Whether a failed handshake's message says the client sent no certificate: the JDK says "Empty client certificate
     * chain" or names the certificate, BoringSSL "PEER_DID_NOT_RETURN_A_CERTIFICATE".
     */
    static boolean noCertificate(String message) {
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("certificate") || lower.contains("empty");
    }

    /** Waits for the end of the handshake: on success hands the connection on, on failure audits and closes. */
    final class HandshakeDone extends ChannelInboundHandlerAdapter { // package-private: its EmbeddedChannel test
        private final InetAddress source;

        HandshakeDone(InetAddress source) {
            this.source = source;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (!(event instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, event);
                return;
            }
            String peer = address(ctx.channel());
            if (!done.isSuccess()) {
                failed(peer, done.cause());
                guard.failed(source, SourceFailure.HANDSHAKE);
                ctx.close();
                return;
            }
            handshakes.completed();
            ChannelHandlerContext tlsContext = ctx.pipeline().context(SslHandler.class);
            ctx.pipeline().remove(this);
            onConnected.connected(tlsContext, (SslHandler) tlsContext.handler(), peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug(
                    "{} connection from {} failed before its protocol was up: {}",
                    name,
                    address(ctx.channel()),
                    cause.toString());
            ctx.close();
        }
    }
}
