package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinkTest {

    private LinkHarness harness;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void bytesCrossTheLinkBothWaysIntactWithHalfClose() throws Exception {
        harness = new LinkHarness(LinkSettings.DEFAULT, Set.of());
        harness.awaitServerLink();
        byte[] sent = randomBytes(Integer.getInteger("relay.size", 32 << 20), 1);
        byte[] received = echoThroughFront(sent);
        assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));
        var outcome = harness.applianceOutcomes.poll(10, TimeUnit.SECONDS);
        assertThat(outcome).isNotNull();
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.bytesFirstToSecond()).isEqualTo(sent.length);
        assertThat(outcome.bytesSecondToFirst()).isEqualTo(sent.length);
    }

    @Test
    void hundredConcurrentStreamsOnOneLink() throws Exception {
        harness = new LinkHarness(LinkSettings.DEFAULT, Set.of());
        harness.awaitServerLink();
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] sent = randomBytes(256 * 1024, seed);
                    return java.util.Arrays.equals(sent, echoThroughFront(sent));
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusedTargetIsNotDialledAndTheReasonComesBack() throws Exception {
        harness = new LinkHarness(LinkSettings.DEFAULT, Set.of());
        Channel link = harness.awaitServerLink();
        var opened = StreamOpener.connect(link, StreamRequest.loopback(1, "s-1", "12345678"), Duration.ofSeconds(10));
        assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(opened.isSuccess()).isFalse();
        assertThat(opened.cause()).isInstanceOf(LinkException.class).hasMessage("port 1 is not allow-listed");
    }

    @Test
    void serviceDownAnswers502WithReason() throws Exception {
        java.net.ServerSocket unused = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        int closedPort = unused.getLocalPort();
        unused.close();
        harness = new LinkHarness(LinkSettings.DEFAULT, Set.of(closedPort));
        Channel link = harness.awaitServerLink();
        var opened = StreamOpener.connect(
                link, StreamRequest.loopback(closedPort, "s-1", "12345678"), Duration.ofSeconds(10));
        assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(opened.cause()).hasMessageContaining("is not running");
    }

    @Test
    void helloWatchAndAdmissionRequest() throws Exception {
        harness = new LinkHarness(LinkSettings.DEFAULT, Set.of());
        Channel link = harness.awaitServerLink();
        BlockingQueue<Hello> hellos = new ArrayBlockingQueue<>(4);
        var watch = StreamOpener.watch(
                link,
                LinkProtocol.PATH_HELLO,
                bytes -> hellos.add(LinkJson.decode(bytes, Hello.class)),
                Duration.ofSeconds(10));
        assertThat(watch.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(watch.isSuccess()).isTrue();
        Hello hello = hellos.poll(10, TimeUnit.SECONDS);
        assertThat(hello).isNotNull();
        assertThat(hello.serial()).isEqualTo("SN-TEST");
        assertThat(hello.tickets()).containsExactly("12345678");

        Admission admission = new Admission(
                List.of(Admission.Verdict.accept("12345678"), Admission.Verdict.refuse("87654321", "ticket closed")));
        var response = StreamOpener.request(
                link, "POST", LinkProtocol.PATH_ADMISSION, LinkJson.encode(admission), Duration.ofSeconds(10));
        assertThat(response.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(response.getNow().status()).isEqualTo(200);
        assertThat(LinkJson.decode(response.getNow().body(), Admission.class)).isEqualTo(admission);

        var missing = StreamOpener.request(link, "GET", "/v1/nothing", null, Duration.ofSeconds(10));
        assertThat(missing.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.getNow().status()).isEqualTo(404);
    }

    @Test
    void silentPeerIsDeclaredDead() throws Exception {
        LinkSettings quick = new LinkSettings(1 << 20, 16, Duration.ofMillis(100), Duration.ofMillis(600));
        harness = new LinkHarness(quick, Set.of());
        Channel link = harness.awaitServerLink();
        // a live link survives several dead-link periods thanks to PING
        assertThat(link.closeFuture().await(1500)).isFalse();
        // the appliance goes silent: it hears nothing (every byte it receives is dropped before its codec, so it sends
        // no PING acks) and stops its own keep-alive. Turning its auto-read off is not enough on the epoll transport:
        // there the link went on reading each PING (and acking it) with auto-read off.
        harness.applianceLink.pipeline().remove("idle");
        harness.applianceLink.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
        assertThat(link.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(link.attr(LinkCodecs.CLOSE_REASON).get()).startsWith("dead link");
    }

    @Test
    void theReasonForClosingReachesThePeerInGoAway() throws Exception {
        harness = new LinkHarness(LinkSettings.DEFAULT, Set.of());
        Channel link = harness.awaitServerLink();
        LinkCodecs.close(harness.applianceLink, "SecureConnect disabled by the appliance's admin");
        assertThat(link.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(link.attr(LinkCodecs.CLOSE_REASON).get())
                .isEqualTo("peer: SecureConnect disabled by the appliance's admin");
        assertThat(harness.applianceLink.attr(LinkCodecs.CLOSE_REASON).get())
                .isEqualTo("SecureConnect disabled by the appliance's admin");
    }

    @Test
    void streamRequestHeadersRoundTripAndHideTheToken() {
        StreamRequest request = new StreamRequest("::1", 22, "sess", "12345678", "secret-token");
        StreamRequest back = StreamRequest.fromHeaders(request.toHeaders());
        assertThat(back).isEqualTo(request);
        assertThat(request.toString()).doesNotContain("secret-token");
        assertThatThrownBy(() ->
                        StreamRequest.fromHeaders(new io.netty.handler.codec.http2.DefaultHttp2Headers().method("GET")))
                .hasMessageContaining("expected a CONNECT");
    }

    private byte[] echoThroughFront(byte[] sent) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", LinkHarness.port(harness.front))) {
            socket.setSoTimeout(30_000);
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> written = writer.submit(() -> {
                    OutputStream out = socket.getOutputStream();
                    for (int offset = 0; offset < sent.length; offset += 65536) {
                        out.write(sent, offset, Math.min(65536, sent.length - offset));
                    }
                    out.flush();
                    socket.shutdownOutput();
                    return null;
                });
                byte[] received = new byte[sent.length];
                InputStream in = socket.getInputStream();
                int total = 0;
                while (total < received.length) {
                    int n;
                    try {
                        n = in.read(received, total, received.length - total);
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError(
                                "no byte came back for 30 s after " + total + " of " + sent.length + " (written: "
                                        + written.isDone() + "); the relays:\n" + harness.describe(),
                                e);
                    }
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
                assertThat(total).isEqualTo(sent.length);
                assertThat(in.read()).as("end of stream after the echo").isEqualTo(-1);
                written.get(30, TimeUnit.SECONDS);
                return received;
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            } finally {
                writer.shutdownNow();
            }
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
