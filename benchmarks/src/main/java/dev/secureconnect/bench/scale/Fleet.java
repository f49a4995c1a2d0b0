package dev.secureconnect.bench.scale;

import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator of the {@code scale} group: many appliances in one JVM, all on one event loop group, each with a
 * certificate of its own (one shared RSA key pair, serials {@code SN-FLEET-00001}…, issued in-process by the run's
 * issuing CA) and speaking the real link protocol ({@link SimulatedAppliance}).
 *
 * <p>Run as {@code Fleet CA-DIR HOST PORT TICKET} with the CA passphrase in {@code SC_PKI_PASSPHRASE}. It reads one
 * command a line on standard input and answers each with one line on standard output:
 *
 * <ul>
 *   <li>{@code grow N [SPREAD-MS]} — issues certificates up to N appliances and starts dialling the new ones, spread
 *       over SPREAD-MS → {@code ok N}</li>
 *   <li>{@code issue N} — starts issuing certificates up to N appliances in the background → {@code ok issuing N}</li>
 *   <li>{@code count} → {@code count admitted=A connections=C failures=F handshakeFailures=H refused=R}</li>
 *   <li>{@code stop} — closes every link and stops dialling → {@code ok stopped}</li>
 *   <li>{@code handshakes COUNT CONCURRENCY} — COUNT full mutual-TLS handshakes (no resumption), CONCURRENCY in
 *       flight, each connection closed once its handshake is done →
 *       {@code handshakes ok=K failed=F seconds=S}</li>
 *   <li>{@code quit}</li>
 * </ul>
 * A command that fails is answered {@code error MESSAGE}.
 */
public final class Fleet {

    /** The appliance's default back-off: 1 s doubling to 60 s, full jitter (capped by the outage: {@link SimulatedAppliance}). */
    static final Duration BACKOFF_MIN = Duration.ofSeconds(1);

    static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** How many of the fleet's identities the handshake measurement takes turns with. */
    private static final int HANDSHAKE_IDENTITIES = 64;

    private final CertificateAuthority ca;
    private final TrustMaterial trust;
    private final KeyPair keys = RsaKeyPairs.generate(RsaKeySize.DEFAULT);
    private final EventLoopGroup loops =
            new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
    private final FleetCounts counts = new FleetCounts();
    private final Backoff delays = new Backoff(BACKOFF_MIN, BACKOFF_MAX);
    private final List<SimulatedAppliance> appliances = new ArrayList<>();
    /** Certificates being issued ahead of {@code grow}, by appliance index, on every core. */
    private final List<CompletableFuture<SslContext>> issued = new ArrayList<>();

    private final ExecutorService issuer =
            Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
                Thread thread = new Thread(r, "fleet-issuer");
                thread.setDaemon(true);
                return thread;
            });
    private final String host;
    private final int port;
    private final String ticket;

    private Fleet(CertificateAuthority ca, String host, int port, String ticket) {
        this.ca = ca;
        this.trust = TrustMaterial.withoutRevocationCheck(List.of(ca.root()), List.of(ca.certificate()));
        this.host = host;
        this.port = port;
        this.ticket = ticket;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Fleet CA-DIR HOST PORT TICKET (CA passphrase in SC_PKI_PASSPHRASE)");
            System.exit(2);
        }
        String passphrase = System.getenv("SC_PKI_PASSPHRASE");
        if (passphrase == null) {
            System.err.println("fleet: SC_PKI_PASSPHRASE is not set");
            System.exit(2);
        }
        CertificateAuthority ca =
                CaDirectory.open(Path.of(args[0]), Clock.systemUTC()).unlock(passphrase.toCharArray());
        Fleet fleet = new Fleet(ca, args[1], Integer.parseInt(args[2]), args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("ready");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                try {
                    out.println(fleet.command(line.strip().split("\\s+")));
                } catch (RuntimeException e) {
                    e.printStackTrace();
                    out.println("error " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
                }
            }
        } finally {
            fleet.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private String command(String[] words) throws InterruptedException {
        switch (words[0]) {
            case "grow" -> {
                return grow(
                        Integer.parseInt(words[1]),
                        words.length > 2 ? Duration.ofMillis(Long.parseLong(words[2])) : Duration.ZERO);
            }
            case "issue" -> {
                issue(Integer.parseInt(words[1]));
                return "ok issuing " + words[1];
            }
            case "count" -> {
                return counts.line();
            }
            case "stop" -> {
                List<Future<Void>> stopping =
                        appliances.stream().map(SimulatedAppliance::stop).toList();
                for (Future<Void> future : stopping) {
                    future.awaitUninterruptibly(10, TimeUnit.SECONDS);
                }
                return "ok stopped";
            }
            case "handshakes" -> {
                return handshakes(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
            }
            default -> throw new IllegalArgumentException("unknown command " + words[0]);
        }
    }

    /**
     * Issues certificates up to {@code total} appliances (on every core) and starts the new ones, each at a random
     * moment within {@code spread} so that they do not all dial in the same instant.
     */
    private String grow(int total, Duration spread) {
        int from = appliances.size();
        if (total <= from) {
            return "ok " + appliances.size();
        }
        issue(total);
        for (int i = from; i < total; i++) {
            SslContext tls = issued.get(i).join();
            SimulatedAppliance appliance =
                    new SimulatedAppliance(serial(i), tls, loops.next(), counts, delays, ticket, host, port);
            appliances.add(appliance);
            appliance.start(
                    spread.isZero()
                            ? 0
                            : java.util.concurrent.ThreadLocalRandom.current().nextLong(spread.toMillis()));
        }
        return "ok " + appliances.size();
    }

    /** Starts issuing the certificates of appliances up to {@code total} in the background. */
    private void issue(int total) {
        for (int i = issued.size(); i < total; i++) {
            int index = i;
            issued.add(CompletableFuture.supplyAsync(() -> context(index), issuer));
        }
    }

    private SslContext context(int index) {
        CertificateIdentity identity = CertificateIdentity.appliance(serial(index));
        KeyMaterial material = new KeyMaterial(
                keys.getPrivate(), List.of(ca.issue(identity, keys.getPublic(), Duration.ofDays(2)), ca.certificate()));
        return SslContexts.client(
                material,
                trust,
                List.of(LinkProtocol.ALPN),
                (peer, subject, reason, message) ->
                        System.err.println("fleet: server certificate refused (" + reason.label() + "): " + message));
    }

    static String serial(int index) {
        return String.format(Locale.ROOT, "SN-FLEET-%05d", index + 1);
    }

    /**
     * {@code count} full handshakes, {@code concurrency} in flight, taking turns with the first appliances' identities
     * (without holding their links); every
     * session is invalidated once its handshake is done, so no later handshake can resume it.
     */
    private String handshakes(int count, int concurrency) throws InterruptedException {
        issue(1);
        int identities = Math.min(HANDSHAKE_IDENTITIES, issued.size());
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch finished = new CountDownLatch(count);
        AtomicInteger ok = new AtomicInteger();
        int attempted = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        for (int i = 0; i < count; i++) {
            if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            attempted++;
            SslContext tls = issued.get(i % identities).join();
            new Bootstrap()
                    .group(loops)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            "tls",
                                            SslContexts.clientHandler(tls, ch.alloc(), host, port, HANDSHAKE_TIMEOUT));
                            ch.pipeline().addLast("alpn", new ApplicationProtocolNegotiationHandler("(none)") {
                                @Override
                                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                    ctx.pipeline()
                                            .get(SslHandler.class)
                                            .engine()
                                            .getSession()
                                            .invalidate();
                                    if (LinkProtocol.ALPN.equals(protocol)) {
                                        ok.incrementAndGet();
                                    }
                                    ctx.close();
                                }

                                @Override
                                protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect(host, port)
                    .channel()
                    .closeFuture()
                    .addListener(f -> {
                        slots.release();
                        finished.countDown();
                    });
        }
        finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(
                Locale.ROOT, "handshakes ok=%d failed=%d seconds=%.3f", ok.get(), attempted - ok.get(), seconds);
    }
}
