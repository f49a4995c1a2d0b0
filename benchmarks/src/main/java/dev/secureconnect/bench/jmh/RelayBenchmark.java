package dev.secureconnect.bench.jmh;

import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.tls.HandshakeRefusalListener;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.tunnel.relay.Relay;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: bytes moved through the product's {@link Relay} (tunnel-protocol) joining two real TCP connections on
 * 127.0.0.1, each under mutual TLS built by common-crypto's {@link SslContexts} on {@link TlsPolicy} (TLS 1.3,
 * AES-256-GCM, the JDK provider unless {@code SslContexts} says otherwise), certificates from common-crypto's
 * {@code CertificateAuthority}.
 *
 * <pre>
 * client ══TLS══▶ front listener ─ Relay ─ back connection ══TLS══▶ far end (echo, or one ack byte per MiB)
 *  (engineer cert)  (server cert)            (appliance cert)        (server cert)
 * </pre>
 *
 * <p>The client and the far end run on one event-loop group, the relay's two channels on another (two threads each,
 * on a 2-core machine), all in this JVM, so every byte is encrypted and decrypted twice on its way.
 *
 * <ul>
 *   <li>{@link #oneWayMiB}: one operation moves 1 MiB (16 writes of 64 KiB) from the client to the far end, which
 *       answers one byte per MiB received: the score in ops/s is MiB/s relayed one way.</li>
 *   <li>{@link #echoMiB}: one operation sends 1 MiB to the echoing far end and reads it all back: ops/s is MiB/s
 *       relayed in each direction at once.</li>
 *   <li>{@link #pingPong}: one byte there and back through the echo path; sample time gives p50/p99 in µs.</li>
 * </ul>
 */
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@SuppressWarnings("NullAway.Init") // JMH sets the fields in @Setup and @Param before any benchmark method
public class RelayBenchmark {

    static final int CHUNK_BYTES = 64 * 1024;
    static final int MIB = 1024 * 1024;
    static final int CHUNKS_PER_MIB = MIB / CHUNK_BYTES;

    /** How many MiB {@link #setUp} moves one way before measuring (half as many are echoed). */
    static final int PRIME_MIB = 32;

    /** How long any one operation or set-up step may take before the benchmark fails instead of hanging. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private static final String HOST = "127.0.0.1";

    private Path folder;
    private EventLoopGroup endpoints;
    private EventLoopGroup relays;
    private RelayPath sinkPath;
    private RelayPath echoPath;
    private ByteBuf chunk;
    private ByteBuf ping;
    private volatile String lastRefusal = "none";

    /**
     * Sets up the topology and primes it with {@link #PRIME_MIB} MiB each way before any measurement: AES-GCM and the
     * TLS code run interpreted at first (tens of times slower) and, on a busy machine, two short JMH warm-up
     * iterations are not enough for the JIT to catch up.
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        start(PRIME_MIB);
    }

    /** Sets up the topology and moves {@code primeMiB} MiB one way, half that echoed, and some pings through it. */
    void start(int primeMiB) throws Exception {
        folder = BenchmarkPki.newFolder("relay");
        BenchmarkPki pki = BenchmarkPki.shared();
        BenchmarkPki.Issued server = pki.server();
        HandshakeRefusalListener refusals = (peer, subject, reason, message) -> lastRefusal = reason + ": " + message;
        TlsContexts tls = new TlsContexts(
                SslContexts.client(pki.engineer("bench-alice").keys(), pki.trustWithoutCrl(), List.of(), refusals),
                SslContexts.server(
                        server.keys(), pki.trustWithCrl(folder), CertificateRole.ENGINEER, List.of(), refusals),
                SslContexts.client(pki.appliance("SN-BENCH-1").keys(), pki.trustWithoutCrl(), List.of(), refusals),
                SslContexts.server(
                        server.keys(), pki.trustWithCrl(folder), CertificateRole.APPLIANCE, List.of(), refusals));
        endpoints = new NioEventLoopGroup(2);
        relays = new NioEventLoopGroup(2);
        sinkPath = new RelayPath(tls, AckPerMib::new);
        echoPath = new RelayPath(tls, EchoEnd::new);

        byte[] random = new byte[CHUNK_BYTES];
        ThreadLocalRandom.current().nextBytes(random);
        chunk = ByteBufAllocator.DEFAULT.directBuffer(CHUNK_BYTES).writeBytes(random);
        ping = ByteBufAllocator.DEFAULT.directBuffer(1).writeByte('p');

        for (int i = 0; i < primeMiB; i++) {
            oneWayMiB();
        }
        for (int i = 0; i < primeMiB / 2; i++) {
            echoMiB();
        }
        for (int i = 0; i < primeMiB * 16; i++) {
            pingPong();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (echoPath != null) {
            echoPath.close();
        }
        if (sinkPath != null) {
            sinkPath.close();
        }
        for (EventLoopGroup group : new EventLoopGroup[] {endpoints, relays}) {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(WAIT.toMillis());
            }
        }
        ReferenceCountUtil.release(chunk);
        ReferenceCountUtil.release(ping);
        BenchmarkPki.deleteTree(folder);
    }

    /** 1 MiB from the client through the relay to the far end: ops/s = MiB/s one way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long oneWayMiB() throws InterruptedException {
        long acks = sinkPath.expect(1);
        sinkPath.send(chunk, CHUNKS_PER_MIB);
        return sinkPath.awaitReceived(acks);
    }

    /** 1 MiB to the echoing far end and back: ops/s = MiB/s relayed each way. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long echoMiB() throws InterruptedException {
        long total = echoPath.expect(MIB);
        echoPath.send(chunk, CHUNKS_PER_MIB);
        return echoPath.awaitReceived(total);
    }

    /** One byte to the echoing far end and back: the round trip through the relay, in µs. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long pingPong() throws InterruptedException {
        long total = echoPath.expect(1);
        echoPath.send(ping, 1);
        return echoPath.awaitReceived(total);
    }

    /** The four TLS contexts of the topology: the client's, the front listener's, the relay's dial-out, the far end's. */
    private record TlsContexts(SslContext client, SslContext front, SslContext back, SslContext far) {}

    /** One client connection through its own relay to its own far end. */
    private final class RelayPath {

        private final Channel farListener;
        private final Channel frontListener;
        private final Channel client;
        private final Receiver receiver = new Receiver();
        private final Relay relay;
        private long expected; // benchmark thread only

        RelayPath(TlsContexts tls, Supplier<ChannelHandler> farEnd) throws Exception {
            farListener = new ServerBootstrap()
                    .group(endpoints)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            SslContexts.serverHandler(tls.far(), ch, TlsPolicy.HANDSHAKE_TIMEOUT),
                                            farEnd.get());
                        }
                    })
                    .bind(HOST, 0)
                    .sync()
                    .channel();
            int farPort = port(farListener);

            CompletableFuture<Relay> started = new CompletableFuture<>();
            frontListener = new ServerBootstrap()
                    .group(relays)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            SslContexts.serverHandler(tls.front(), ch, TlsPolicy.HANDSHAKE_TIMEOUT),
                                            new JoinAfterHandshake(tls.back(), farPort, started));
                        }
                    })
                    .bind(HOST, 0)
                    .sync()
                    .channel();

            client = new Bootstrap()
                    .group(endpoints)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            SslContexts.clientHandler(
                                                    tls.client(),
                                                    ch.alloc(),
                                                    HOST,
                                                    port(frontListener),
                                                    TlsPolicy.HANDSHAKE_TIMEOUT),
                                            receiver);
                        }
                    })
                    .connect(HOST, port(frontListener))
                    .sync()
                    .channel();
            awaitHandshake(client, "the client's handshake with the relay");
            try {
                relay = started.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(
                        "the relay did not start: " + e + " (last refusal: " + lastRefusal + ")", e);
            }
        }

        /** Adds {@code bytes} to what the client expects to have received in all, and returns the new total. */
        long expect(long bytes) {
            expected += bytes;
            return expected;
        }

        /** Writes {@code times} copies of {@code content} and flushes them, in one task on the client's event loop. */
        void send(ByteBuf content, int times) {
            client.eventLoop().execute(() -> {
                for (int i = 0; i < times; i++) {
                    client.write(content.retainedDuplicate(), client.voidPromise());
                }
                client.flush();
            });
        }

        long awaitReceived(long total) throws InterruptedException {
            return receiver.awaitReceived(total, WAIT);
        }

        /** Closes the client, waits for the relay to see both sides closed, then closes the listeners. */
        void close() throws InterruptedException {
            client.close().await(WAIT.toMillis());
            relay.finished().await(WAIT.toMillis());
            frontListener.close().await(WAIT.toMillis());
            farListener.close().await(WAIT.toMillis());
        }
    }

    /**
     * On the relay's accepted connection: once its TLS handshake is done, stops reading, dials the far end under TLS
     * and, once that handshake is done too, starts the {@link Relay} between the two.
     */
    private final class JoinAfterHandshake extends ChannelInboundHandlerAdapter {

        private final SslContext backTls;
        private final int farPort;
        private final CompletableFuture<Relay> started;

        JoinAfterHandshake(SslContext backTls, int farPort, CompletableFuture<Relay> started) {
            this.backTls = backTls;
            this.farPort = farPort;
            this.started = started;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            ctx.fireUserEventTriggered(event);
            if (!(event instanceof SslHandshakeCompletionEvent done)) {
                return;
            }
            ctx.pipeline().remove(this);
            Channel front = ctx.channel();
            if (!done.isSuccess()) {
                started.completeExceptionally(done.cause());
                front.close();
                return;
            }
            front.config().setAutoRead(false);
            new Bootstrap()
                    .group(relays)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(SslContexts.clientHandler(
                                            backTls, ch.alloc(), HOST, farPort, TlsPolicy.HANDSHAKE_TIMEOUT));
                        }
                    })
                    .connect(HOST, farPort)
                    .addListener((ChannelFuture connected) -> {
                        if (!connected.isSuccess()) {
                            started.completeExceptionally(connected.cause());
                            front.close();
                            return;
                        }
                        Channel back = connected.channel();
                        back.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                            if (!handshake.isSuccess()) {
                                started.completeExceptionally(handshake.cause());
                                front.close();
                                back.close();
                                return;
                            }
                            back.config().setAutoRead(false);
                            started.complete(Relay.start(front, back));
                        });
                    });
        }
    }

    /** The client's end: counts the bytes that come back and lets the benchmark thread wait for a total. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {

        private long received; // guarded by this
        private @Nullable String failure; // guarded by this

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
            ReferenceCountUtil.release(msg);
            synchronized (this) {
                received += bytes;
                notifyAll();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("the connection closed");
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause.toString());
            ctx.close();
        }

        private synchronized void fail(String why) {
            if (failure == null) {
                failure = why;
            }
            notifyAll();
        }

        synchronized long awaitReceived(long total, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (received < total) {
                if (failure != null) {
                    throw new IllegalStateException(
                            "relay benchmark: " + failure + " after " + received + " of " + total + " bytes");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "relay benchmark: only " + received + " of " + total + " bytes came back within " + wait);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return received;
        }
    }

    /** The far end of the echo path: sends back everything, reading only while it can write. */
    private static final class EchoEnd extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** The far end of the one-way path: consumes everything and answers one byte per whole MiB received. */
    private static final class AckPerMib extends ChannelInboundHandlerAdapter {

        private long received;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
            ReferenceCountUtil.release(msg);
            long before = received / MIB;
            received += bytes;
            for (long mib = before; mib < received / MIB; mib++) {
                ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('a'), ctx.voidPromise());
            }
        }
    }

    private void awaitHandshake(Channel channel, String what) throws InterruptedException {
        io.netty.util.concurrent.Future<Channel> handshake =
                channel.pipeline().get(SslHandler.class).handshakeFuture();
        if (!handshake.await(WAIT.toMillis())) {
            throw new IllegalStateException(what + " did not finish within " + WAIT);
        }
        if (!handshake.isSuccess()) {
            throw new IllegalStateException(
                    what + " failed: " + handshake.cause() + " (last refusal: " + lastRefusal + ")", handshake.cause());
        }
    }

    private static int port(Channel listener) {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }
}
