package dev.secureconnect.server.enrolment;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.listener.HalfOpenConnections;
import dev.secureconnect.server.listener.HalfOpenLimits;
import dev.secureconnect.tunnel.enrolment.EnrolmentRequest;
import dev.secureconnect.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The enrolment listener: HTTPS (HTTP/1.1) with the SecureConnect TLS policy, server authentication only — an
 * appliance that enrols has no certificate yet — and one request per connection ({@link EnrolmentHandler}). The
 * listener runs on the JDK's TLS, which keeps to the policy's TLS 1.3 suites by itself (its few connections need
 * no BoringSSL), as the engineer listener does by default. The server presents its chain up to and including the root, so that the appliance can compare the root with the
 * fingerprint in its code before it sends anything. A blocked source is closed at accept; the {@link HalfOpenLimits} on
 * connections whose handshake has not finished hold as on the other listeners ({@link HalfOpenConnections}: a pause
 * in accepting at the cap in all, a close at accept over a source's cap); a connection idle for {@link #IDLE} is closed; a body over {@link EnrolmentRequest#MAX_BODY_BYTES}
 * is answered 413.
 *
 * <p>It is a listener of its own rather than an exception on the appliance listener, which keeps requiring a client
 * certificate of every peer at the handshake (docs/server.md).
 */
public final class EnrolmentListener {

    /** How long a connection may stay silent before it is closed. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private final SslContext tls;
    private final Duration handshakeTimeout;
    private final SourceGuard guard;
    /** Connections whose handshake has not finished: a pause at the cap in all, a close over a source's. */
    private final HalfOpenConnections halfOpen;

    private final EnrolmentEndpoint endpoint;
    private final Executor blocking;

    /**
     * @param keys the server's key and chain (the issuing CA); {@code roots} are appended to what it presents
     * @param roots the root CA certificate(s) the chain ends in
     * @param halfOpenLimits the caps on connections whose handshake has not finished
     */
    public EnrolmentListener(
            KeyMaterial keys,
            List<X509Certificate> roots,
            Duration handshakeTimeout,
            HalfOpenLimits halfOpenLimits,
            SourceGuard guard,
            EnrolmentEndpoint endpoint,
            Executor blocking) {
        List<X509Certificate> presented = new ArrayList<>(keys.chain());
        for (X509Certificate root : roots) {
            if (!presented.contains(root)) {
                presented.add(root);
            }
        }
        this.tls = SslContexts.browserListener(
                new KeyMaterial(keys.privateKey(), presented),
                List.of(ApplicationProtocolNames.HTTP_1_1),
                TlsProvider.JDK);
        this.handshakeTimeout = requireNonNull(handshakeTimeout, "handshakeTimeout");
        this.guard = requireNonNull(guard, "guard");
        this.halfOpen = new HalfOpenConnections("enrolment", halfOpenLimits);
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.blocking = requireNonNull(blocking, "blocking");
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
                        InetSocketAddress remote = ch.remoteAddress();
                        if (remote == null || remote.getAddress() == null || guard.isBlocked(remote.getAddress())) {
                            ch.close();
                            return;
                        }
                        InetAddress source = remote.getAddress();
                        if (!halfOpen.start(source)) {
                            ch.close(); // too many unfinished handshakes from that address
                            return;
                        }
                        SslHandler handshake = SslContexts.serverHandler(tls, ch, handshakeTimeout);
                        handshake.handshakeFuture().addListener(done -> halfOpen.end(ch, source));
                        ch.pipeline().addLast("idle", new ReadTimeoutHandler(IDLE.toSeconds(), TimeUnit.SECONDS));
                        ch.pipeline().addLast("tls", handshake);
                        ch.pipeline().addLast("http", new HttpServerCodec());
                        ch.pipeline().addLast("aggregator", new HttpObjectAggregator(EnrolmentRequest.MAX_BODY_BYTES));
                        ch.pipeline().addLast("enrol", new EnrolmentHandler(endpoint::answer, blocking));
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }
}
