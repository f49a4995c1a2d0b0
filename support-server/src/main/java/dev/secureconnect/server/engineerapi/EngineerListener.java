package dev.secureconnect.server.engineerapi;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.listener.MutualTlsListener;
import dev.secureconnect.server.metrics.HandshakeMetrics;
import dev.secureconnect.tunnel.link.Http2Connections;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engineer listener: mutual TLS with the SecureConnect policy, engineer and API-client certificates only (what
 * each may call is the {@link ApiRouter}'s to decide), ALPN {@code h2} then
 * {@code http/1.1}; after the handshake the connection speaks HTTP/2 (one child channel per stream: the JSON API or a
 * session stream) or HTTP/1.1 (the JSON API only), both ending in the one {@link ApiRouter}. Every refused handshake
 * is audited with its reason.
 */
public final class EngineerListener {

    private static final Logger LOG = LoggerFactory.getLogger(EngineerListener.class);
    /** The largest request body accepted; the API's bodies are a few bytes. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EngineerApi api;
    private final MutualTlsListener listener;
    private final ServerConfig.Limits limits;
    private final EngineerStreams streams;

    public EngineerListener(
            KeyMaterial keys,
            TrustMaterial trust,
            Duration handshakeTimeout,
            EngineerApi api,
            ServerAuditLog audit,
            Executor blocking) {
        this(keys, trust, handshakeTimeout, TlsProvider.AUTO, api, audit, blocking);
    }

    /** @param provider the TLS implementation ({@code tls.provider} of server.yaml) */
    public EngineerListener(
            KeyMaterial keys,
            TrustMaterial trust,
            Duration handshakeTimeout,
            TlsProvider provider,
            EngineerApi api,
            ServerAuditLog audit,
            Executor blocking) {
        this(
                keys,
                trust,
                handshakeTimeout,
                provider,
                ServerConfig.Limits.DEFAULT,
                SourceGuard.OPEN,
                api,
                audit,
                blocking);
    }

    /**
     * @param provider the TLS implementation ({@code tls.provider} of server.yaml)
     * @param limits half-open caps, streams per connection and per engineer, RST_STREAM limit ({@code limits})
     * @param guard the blocked sources, told of each failed handshake
     */
    public EngineerListener(
            KeyMaterial keys,
            TrustMaterial trust,
            Duration handshakeTimeout,
            TlsProvider provider,
            ServerConfig.Limits limits,
            SourceGuard guard,
            EngineerApi api,
            ServerAuditLog audit,
            Executor blocking) {
        this.api = requireNonNull(api, "api");
        this.limits = requireNonNull(limits, "limits");
        this.streams = new EngineerStreams(limits.maxStreamsPerEngineer(), audit, blocking);
        this.listener = new MutualTlsListener(
                "engineer",
                keys,
                trust,
                Set.of(CertificateRole.ENGINEER, CertificateRole.API_CLIENT),
                List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1),
                handshakeTimeout,
                provider,
                limits.halfOpen(),
                guard,
                audit,
                blocking,
                this::connected);
    }

    /** Counts the listener's handshakes, completed or refused, in {@code metrics}; before {@link #bind}. */
    public EngineerListener countingHandshakes(HandshakeMetrics metrics) {
        listener.countingHandshakes(metrics);
        return this;
    }

    /** Binds the listener; returns its channel (whose local address has the real port when 0 was asked for). */
    public Channel bind(EventLoopGroup boss, EventLoopGroup workers, String host, int port)
            throws InterruptedException {
        return listener.bind(boss, workers, host, port);
    }

    /**
     * A completed handshake: remembers who the engineer or API client is on the connection, then installs HTTP/2 or
     * HTTP/1.1.
     */
    private void connected(ChannelHandlerContext ctx, SslHandler tls, String peer) throws SSLPeerUnverifiedException {
        CertificateIdentity peerIdentity = SslContexts.peerIdentity(tls.engine().getSession());
        X509Certificate certificate =
                (X509Certificate) tls.engine().getSession().getPeerCertificates()[0];
        ctx.channel()
                .attr(EngineerConnection.KEY)
                .set(new EngineerConnection(
                        peerIdentity.role(),
                        peerIdentity.id(),
                        certificate,
                        CertificateFingerprint.of(certificate),
                        peer,
                        ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress()));
        String protocol = tls.applicationProtocol();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            http2(ctx.pipeline());
        } else {
            http1(ctx.pipeline()); // http/1.1, or a client that offered no ALPN
        }
        LOG.debug(
                "{} {} connected from {} ({})",
                peerIdentity.role().label(),
                peerIdentity.id(),
                peer,
                protocol == null ? "no ALPN" : protocol);
    }

    /** The HTTP/1.1 pipeline after the handshake. */
    private void http1(ChannelPipeline pipeline) {
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
        pipeline.addLast("api", api.router());
    }

    /**
     * The HTTP/2 pipeline after the handshake: each stream a child channel that starts with autoRead off and a
     * {@link StreamDispatcher}, which reads the request headers and makes it a session stream or a JSON API call. The
     * streams of one connection are capped by SETTINGS_MAX_CONCURRENT_STREAMS (more are refused with RST_STREAM
     * REFUSED_STREAM), those of one engineer by {@link EngineerStreams} (429), and RST_STREAM frames by the reset
     * limit (GOAWAY ENHANCE_YOUR_CALM).
     */
    private void http2(ChannelPipeline pipeline) {
        // each stream's window is Http2Connections.ENGINEER_WINDOW_BYTES; the connection's is twice that
        Http2Settings settings = Http2Connections.settings(Http2Connections.ENGINEER_WINDOW_BYTES)
                .maxConcurrentStreams(limits.maxConcurrentStreams());
        pipeline.addLast(
                "h2",
                limits.resets()
                        .applyTo(Http2Connections.serverCodec())
                        .initialSettings(settings)
                        .build());
        pipeline.addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false); // nothing is read before its consumer is in place
                if (streams.admit(stream)) {
                    stream.pipeline().addLast("dispatch", new StreamDispatcher(api));
                }
            }
        }));
    }
}
