package dev.secureconnect.bench.jmh;

import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.crypto.tls.TlsProvider;
import dev.secureconnect.crypto.tls.TrustMaterial;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TLS provider decision ({@link TlsProvider}): the JDK's TLS against BoringSSL (netty-tcnative), each running
 * SecureConnect's policy and trust manager ({@link SslContexts}), over real sockets on 127.0.0.1.
 *
 * <ul>
 *   <li>{@code bulk}: one TLS connection, the client writes 64 KiB buffers, the listener counts and drops them;
 *       one operation is 1 MiB delivered, so ops/s is MiB/s.</li>
 *   <li>{@code handshake}: a new connection and a full mutual-TLS handshake (client certificate checked against the
 *       CRL, role, name), then close; the session is invalidated so that none is resumed.</li>
 * </ul>
 *
 * {@code listener} is the provider of the listening side, {@code client} the dialling side's. The pair
 * openssl/openssl is not run: BoringSSL on both ends negotiates TLS_AES_128_GCM_SHA256 under TLS 1.3, which the
 * policy refuses (see {@link TlsPolicy}).
 *
 * <pre>
 * java -cp benchmarks/target/sc-bench.jar:benchmarks/target/lib/* org.openjdk.jmh.Main TlsProviderBenchmark -f 1 -wi 2 -i 3
 * java -cp benchmarks/target/sc-bench.jar:benchmarks/target/lib/* dev.secureconnect.bench.jmh.TlsProviderBenchmark 2000
 * </pre>
 *
 * The second line runs {@link #main}: heap, direct and resident memory per idle TLS connection for each provider.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@OutputTimeUnit(TimeUnit.SECONDS)
@SuppressWarnings("NullAway.Init") // JMH sets the fields in @Setup and @Param before any benchmark method
public class TlsProviderBenchmark {

    private static final int CHUNK = 64 * 1024;
    private static final int MIB_PER_INVOCATION = 32;
    private static final long WAIT_SECONDS = 30;

    @Param({"jdk", "openssl"})
    public String listener;

    @Param({"jdk", "openssl"})
    public String client;

    private Pair pair;
    private Channel bulk;
    private ByteBuf chunk;

    @Setup(Level.Trial)
    public void start() throws Exception {
        TlsProvider onListener = TlsProvider.parse("listener", listener).onListener();
        TlsProvider onClient = TlsProvider.parse("client", client).onClient();
        if (onListener == TlsProvider.OPENSSL && onClient == TlsProvider.OPENSSL) {
            throw new IllegalStateException("listener=openssl client=openssl is not measured: BoringSSL on both ends"
                    + " negotiates TLS_AES_128_GCM_SHA256, which the TLS policy refuses");
        }
        pair = new Pair(onListener, onClient);
        bulk = pair.connect();
        chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(CHUNK).writeZero(CHUNK));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (bulk != null) {
            bulk.close().syncUninterruptibly();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(MIB_PER_INVOCATION)
    public void bulk() throws InterruptedException {
        int chunks = MIB_PER_INVOCATION * (1024 * 1024 / CHUNK);
        for (int i = 0; i < chunks; i++) {
            bulk.write(chunk.retainedDuplicate());
            if (!bulk.isWritable()) {
                bulk.flush();
            }
        }
        bulk.flush();
        if (!pair.received.tryAcquire(chunks * CHUNK / 1024, WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(
                    "the listener did not receive " + MIB_PER_INVOCATION + " MiB within " + WAIT_SECONDS + " s");
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    public void handshake() {
        Channel channel = pair.connect();
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        ssl.engine().getSession().invalidate();
        channel.close().syncUninterruptibly();
    }

    /** A listener and a client context on 127.0.0.1, with a PKI of its own made at start. */
    static final class Pair {
        final Semaphore received = new Semaphore(0);
        private final AtomicLong pendingBytes = new AtomicLong();
        private final EventLoopGroup group = new NioEventLoopGroup(2);
        private final Path dir;
        private final SslContext clientContext;
        private final Channel server;
        private final int port;

        Pair(TlsProvider onListener, TlsProvider onClient) throws Exception {
            Pki pki = new Pki();
            dir = Files.createTempDirectory("tls-provider-bench");
            Path crl = dir.resolve("crl.pem");
            Files.writeString(
                    crl,
                    Pem.crl(pki.issuing.revocationList(List.of(), BigInteger.ONE, Duration.ofDays(30))),
                    StandardCharsets.US_ASCII);
            List<X509Certificate> roots = List.of(pki.root.certificate());
            List<X509Certificate> intermediates = List.of(pki.issuing.certificate());
            SslContext serverContext = SslContexts.server(
                    pki.server,
                    TrustMaterial.withCrl(roots, intermediates, crl),
                    CertificateRole.APPLIANCE,
                    List.of("secureconnect/1"),
                    (peer, subject, reason, message) -> {
                        throw new IllegalStateException("refused " + subject + ": " + message);
                    },
                    onListener);
            clientContext = SslContexts.client(
                    pki.appliance,
                    TrustMaterial.withoutRevocationCheck(roots, intermediates),
                    List.of("secureconnect/1"),
                    (peer, subject, reason, message) -> {
                        throw new IllegalStateException("refused " + subject + ": " + message);
                    },
                    onClient);
            if (SslContexts.provider(serverContext) != onListener || SslContexts.provider(clientContext) != onClient) {
                throw new IllegalStateException("the contexts do not run on the providers asked for");
            }
            server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(
                                            SslContexts.serverHandler(
                                                    serverContext, channel, TlsPolicy.HANDSHAKE_TIMEOUT),
                                            new Counter());
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0)
                    .sync()
                    .channel();
            port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        /** A new connection, its handshake done. */
        Channel connect() {
            ChannelFuture connect = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(SslContexts.clientHandler(
                                            clientContext,
                                            channel.alloc(),
                                            "127.0.0.1",
                                            port,
                                            TlsPolicy.HANDSHAKE_TIMEOUT));
                        }
                    })
                    .connect(InetAddress.getLoopbackAddress(), port)
                    .syncUninterruptibly();
            Channel channel = connect.channel();
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (!ssl.handshakeFuture().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS)
                    || !ssl.handshakeFuture().isSuccess()) {
                channel.close();
                throw new IllegalStateException(
                        "handshake failed", ssl.handshakeFuture().cause());
            }
            return channel;
        }

        void close() throws IOException {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }

        /** Counts what arrives, in KiB, and drops it. */
        private final class Counter extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                ByteBuf data = (ByteBuf) message;
                long pending = pendingBytes.addAndGet(data.readableBytes());
                data.release();
                int kib = (int) (pending / 1024);
                if (kib > 0) {
                    pendingBytes.addAndGet(-kib * 1024L);
                    received.release(kib);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }

    /** A root CA, an issuing CA, a server certificate for 127.0.0.1 and an appliance certificate. */
    static final class Pki {
        final CertificateAuthority root;
        final CertificateAuthority issuing;
        final KeyMaterial server;
        final KeyMaterial appliance;

        Pki() {
            Clock clock = Clock.systemUTC();
            root = CertificateAuthority.createRoot(
                    "Bench", RsaKeyPairs.generate(RsaKeySize.DEFAULT), Duration.ofDays(30), clock);
            KeyPair issuingKeys = RsaKeyPairs.generate(RsaKeySize.DEFAULT);
            issuing = new CertificateAuthority(
                    root.createIssuingCa("Bench", issuingKeys.getPublic(), Duration.ofDays(20)),
                    List.of(root.certificate()),
                    new SoftwareKeySigner(issuingKeys.getPrivate(), issuingKeys.getPublic()),
                    clock);
            server = issue(CertificateIdentity.server(List.of("localhost"), List.of("127.0.0.1")));
            appliance = issue(CertificateIdentity.appliance("SN-BENCH"));
        }

        private KeyMaterial issue(CertificateIdentity identity) {
            KeyPair keys = RsaKeyPairs.generate(RsaKeySize.DEFAULT);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(issuing.issue(identity, keys.getPublic(), Duration.ofDays(10)));
            chain.addAll(issuing.chain());
            return new KeyMaterial(keys.getPrivate(), chain);
        }
    }

    // ---- memory per idle connection (not JMH) ---------------------------------------------------------------------

    /**
     * Opens {@code args[0]} (default 2000) idle TLS connections for each provider pair in turn, in this JVM, and prints
     * heap (after GC), Netty direct memory and resident set growth per connection (both ends of each connection live
     * here, so each figure covers one listener-side and one client-side engine).
     */
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String[][] pairs = {{"jdk", "jdk"}, {"openssl", "jdk"}, {"jdk", "openssl"}};
        for (String[] providers : pairs) {
            Pair pair = new Pair(
                    TlsProvider.parse("listener", providers[0]).onListener(),
                    TlsProvider.parse("client", providers[1]).onClient());
            pair.connect().close().syncUninterruptibly();
            long heapBefore = heapAfterGc();
            long directBefore = PlatformDependent.usedDirectMemory();
            long rssBefore = residentBytes();
            List<Channel> open = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                open.add(pair.connect());
            }
            long heap = heapAfterGc() - heapBefore;
            long direct = PlatformDependent.usedDirectMemory() - directBefore;
            long rss = residentBytes() - rssBefore;
            System.out.printf(
                    "listener=%s client=%s connections=%d heap/conn=%.1f KiB direct/conn=%.1f KiB"
                            + " rss/conn=%.1f KiB%n",
                    providers[0],
                    providers[1],
                    connections,
                    heap / 1024.0 / connections,
                    direct / 1024.0 / connections,
                    rss / 1024.0 / connections);
            for (Channel channel : open) {
                channel.close();
            }
            for (Channel channel : open) {
                channel.closeFuture().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            pair.close();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
