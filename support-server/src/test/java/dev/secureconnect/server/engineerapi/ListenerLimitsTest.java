package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ScServer;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners' resource limits against a real server on loopback: idle half-open connections closed at the handshake
 * time-out counted from accept, the per-source cap on them, HTTP/2 rapid reset answered with GOAWAY, the streams per
 * connection and per engineer, and the temporary block of a source after repeated failures (listed and lifted with
 * {@code sc-server blocks}).
 */
class ListenerLimitsTest {

    @TempDir
    Path temp;

    RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** {@code config} with this handshake time-out and these limits. */
    static UnaryOperator<ServerConfig> with(Duration handshakeTimeout, ServerConfig.Limits limits) {
        return config -> {
            ServerConfig.Tls tls = config.tls();
            return new ServerConfig(
                    config.node(),
                    config.applianceListener(),
                    config.engineerListener(),
                    new ServerConfig.Tls(
                            tls.certificate(),
                            tls.key(),
                            tls.chain(),
                            tls.ca(),
                            tls.crl(),
                            handshakeTimeout == null ? tls.handshakeTimeout() : handshakeTimeout,
                            tls.provider()),
                    config.database(),
                    config.link(),
                    config.audit(),
                    config.sinks(),
                    config.mail(),
                    config.reports(),
                    limits);
        };
    }

    static ServerConfig.Blocking blockingOff() {
        return new ServerConfig.Blocking(0, null, null, null, null);
    }

    // --- half-open connections ---

    @Test
    void idleHalfOpenConnectionsAreClosedAtTheHandshakeTimeOutCountedFromAccept() throws Exception {
        server = new RunningServer(
                temp,
                with(
                        Duration.ofSeconds(4),
                        new ServerConfig.Limits(2048, 2048, null, null, null, null, blockingOff())));
        List<SocketChannel> idle = new ArrayList<>();
        Map<SocketChannel, Long> connectedAt = new HashMap<>();
        Map<SocketChannel, Long> closedAt = new HashMap<>();
        try (Selector selector = Selector.open()) {
            for (InetSocketAddress listener :
                    List.of(server.daemon.engineerAddress(), server.daemon.applianceAddress())) {
                for (int i = 0; i < 2000; i++) { // the 2 x 2,000 of the issue; the listeners used to run 128 at once
                    SocketChannel socket = SocketChannel.open(listener);
                    connectedAt.put(socket, System.nanoTime());
                    socket.configureBlocking(false);
                    socket.register(selector, SelectionKey.OP_READ);
                    idle.add(socket);
                    selector.selectNow(); // notes the closes while connecting the others
                    closed(selector, closedAt);
                }
            }
            // the engineer API still answers a real engineer while they sit there
            CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> {
                try {
                    return new EngineerHttp(server.alice, server.daemon.engineerAddress())
                            .post("login", null, "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}")
                            .status();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // when the server closes each one: a bounded loop over the selector, no sleeping
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (closedAt.size() < idle.size() && System.nanoTime() < giveUp) {
                selector.select(500);
                closed(selector, closedAt);
            }
            assertThat(closedAt.size())
                    .as("idle connections closed by the server within 30 s")
                    .isEqualTo(idle.size());
            // the listeners used to take about 128 at a time, the others waiting unseen in the kernel's accept queue,
            // one wave per time-out; now each lives one time-out, plus what a busy machine adds
            long[] lives = idle.stream()
                    .mapToLong(s -> TimeUnit.NANOSECONDS.toMillis(closedAt.get(s) - connectedAt.get(s)))
                    .sorted()
                    .toArray();
            assertThat(lives[lives.length - 1])
                    .as(
                            "the longest-lived idle connection, in ms (handshake time-out 4 s);" + " median %d ms",
                            lives[lives.length / 2])
                    .isLessThan(10_000);
            assertThat(login.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            for (SocketChannel socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void connectionsOverThePerSourceCapAreClosedAtAcceptOthersAreNot() throws Exception {
        server = new RunningServer(
                temp, with(null, new ServerConfig.Limits(4, null, null, null, null, null, blockingOff())));
        twoOfSixClosedAtAccept(server.daemon.engineerAddress());
    }

    /** The enrolment listener has the same caps, set in server.yaml's enrolment section. */
    @Test
    void enrolmentListenerConnectionsOverItsPerSourceCapAreClosedAtAcceptOthersAreNot() throws Exception {
        server = new RunningServer(
                temp,
                config -> config.withEnrolment(
                        new ServerConfig.Enrolment(null, new ServerConfig.Listener("127.0.0.1", 0), null, 4, null)),
                RunningServer::importEnrolmentCa);
        twoOfSixClosedAtAccept(server.daemon.enrolmentAddress().orElseThrow());
    }

    /**
     * At its cap in all the enrolment listener stops accepting, as the others do, instead of closing: a third idle
     * connection to a listener capped at 2 stays open, waiting in the accept queue.
     */
    @Test
    void enrolmentListenerConnectionsOverItsCapInAllWaitInsteadOfBeingClosed() throws Exception {
        server = new RunningServer(
                temp,
                config -> config.withEnrolment(
                        new ServerConfig.Enrolment(null, new ServerConfig.Listener("127.0.0.1", 0), null, null, 2)),
                RunningServer::importEnrolmentCa);
        InetSocketAddress listener = server.daemon.enrolmentAddress().orElseThrow();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                sockets.add(connect(listener, null));
            }
            for (Socket socket : sockets) {
                assertThat(stillOpen(socket, 300))
                        .as("an idle connection, two under the cap, one over it waiting to be accepted")
                        .isTrue();
            }
        } finally {
            closeAll(sockets);
        }
    }

    /** Six idle connections from 127.0.0.1 to a listener capped at 4 per source: two are closed, one from 127.0.0.2 is not. */
    private static void twoOfSixClosedAtAccept(InetSocketAddress listener) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                sockets.add(connect(listener, null));
            }
            List<Socket> closed = new ArrayList<>();
            Eventually.within(
                    Duration.ofSeconds(5), "two of six idle connections from one source closed at accept", () -> {
                        for (Socket socket : sockets) {
                            if (!closed.contains(socket) && !stillOpen(socket, 50)) {
                                closed.add(socket);
                            }
                        }
                        return closed.size() >= 2;
                    });
            assertThat(closed).hasSize(2); // the handshake time-out (10 s) is far off: these two were refused
            for (Socket socket : sockets) {
                if (!closed.contains(socket)) {
                    assertThat(stillOpen(socket, 200))
                            .as("a connection under the cap")
                            .isTrue();
                }
            }
            // the cap is per source: another address is accepted
            Socket other = connect(listener, InetAddress.getByName("127.0.0.2"));
            sockets.add(other);
            assertThat(stillOpen(other, 500)).as("a connection from 127.0.0.2").isTrue();
        } finally {
            closeAll(sockets);
        }
    }

    @Test
    void aConnectionOverTheListenersCapWaitsThenCompletesItsHandshakeOnceOthersFinish() throws Exception {
        server = new RunningServer(
                temp, with(null, new ServerConfig.Limits(null, 2, null, null, null, null, blockingOff())));
        InetSocketAddress listener = server.daemon.engineerAddress();
        List<Socket> idle = new ArrayList<>();
        try {
            idle.add(connect(listener, null)); // two idle connections hold the cap of 2 unfinished handshakes
            idle.add(connect(listener, null));
            CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> {
                try {
                    return new EngineerHttp(server.alice, listener)
                            .post("login", null, "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}")
                            .status();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> login.get(1, TimeUnit.SECONDS))
                    .as("waiting in the accept queue while the cap is held")
                    .isInstanceOf(TimeoutException.class);
            assertThat(stillOpen(idle.get(0), 50))
                    .as("the connections under the cap")
                    .isTrue();

            idle.remove(0).close(); // one handshake ends: 1 of 2, the listener accepts again
            assertThat(login.get(20, TimeUnit.SECONDS))
                    .as("the waiting engineer's handshake and login")
                    .isEqualTo(200);
        } finally {
            closeAll(idle);
        }
    }

    // --- HTTP/2 ---

    @Test
    void rapidResetGetsGoAwayEnhanceYourCalm() throws Exception {
        server = new RunningServer(temp);
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Frames frames = new Frames();
            Channel connection = h2(group, frames);
            for (int i = 0; i < 150 && connection.isActive() && !frames.goAway.isDone(); i++) { // limit: 100 per 10 s
                Http2StreamChannel stream;
                try {
                    stream = new Http2StreamChannelBootstrap(connection)
                            .handler(new ChannelInboundHandlerAdapter())
                            .open()
                            .get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    break; // the server went away
                }
                stream.write(new DefaultHttp2HeadersFrame(request("GET", "/api/v1/appliances"), false));
                stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            }
            // the server says GOAWAY ENHANCE_YOUR_CALM and closes; the GOAWAY can be lost when the close arrives as
            // a TCP reset (the client's later frames still unread on the server), so the close is what must happen
            assertThat(connection.closeFuture().await(10, TimeUnit.SECONDS))
                    .as("the server closed the connection")
                    .isTrue();
            if (frames.goAway.isDone()) {
                assertThat(frames.goAway.get()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The server is the HTTP/2 client of a link: it refuses every stream the appliance opens (RST_STREAM at once, so
     * the appliance's own RST_STREAM of it comes too late to count), and counts the refusals against the reset limit.
     */
    @Test
    void anApplianceThatOpensAndResetsStreamsFastIsRefusedThenGetsGoAwayEnhanceYourCalm() throws Exception {
        server = new RunningServer(temp);
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            LinkFrames frames = new LinkFrames();
            // the appliance's side of a link is HTTP/2's server side: the streams it opens have even ids
            Channel link = TlsClients.connect(
                    group,
                    server.appliance,
                    server.daemon.applianceAddress(),
                    LinkProtocol.ALPN,
                    pipeline -> pipeline.addLast(new Http2ConnectionHandlerBuilder()
                            .server(true)
                            .frameListener(frames)
                            .build()));
            Http2ConnectionHandler http2 = link.pipeline().get(Http2ConnectionHandler.class);
            ChannelHandlerContext ctx = link.pipeline().context(http2);
            Http2Headers headers = new DefaultHttp2Headers().status("200");
            link.eventLoop()
                    .submit(() -> http2.encoder().writeHeaders(ctx, 2, headers, 0, false, ctx.newPromise()))
                    .get(10, TimeUnit.SECONDS);
            link.flush();
            assertThat(frames.refused.get(10, TimeUnit.SECONDS))
                    .as("the stream the appliance opened is refused")
                    .isEqualTo(2);
            assertThat(link.isActive())
                    .as("one refused stream is no reason to close")
                    .isTrue();

            link.eventLoop() // limit: 100 per 10 s; in one write, so that the server reads them all before it closes
                    .submit(() -> {
                        for (int stream = 4; stream < 4 + 2 * 150; stream += 2) {
                            http2.encoder().writeHeaders(ctx, stream, headers, 0, false, ctx.newPromise());
                            http2.encoder().writeRstStream(ctx, stream, Http2Error.CANCEL.code(), ctx.newPromise());
                        }
                        ctx.flush();
                    })
                    .get(10, TimeUnit.SECONDS);
            // the server closes the link well before it would for the missing hello (15 s after the link came up,
            // with GOAWAY NO_ERROR), so a close without ENHANCE_YOUR_CALM is a failure too
            assertThat(link.closeFuture().await(10, TimeUnit.SECONDS))
                    .as("the server closed the link")
                    .isTrue();
            if (frames.goAway.isDone()) {
                assertThat(frames.goAway.get()).as(frames.debug).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
                assertThat(frames.debug).contains("it may open none");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theServerLimitsConcurrentStreamsPerConnection() throws Exception {
        server = new RunningServer(temp);
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Frames frames = new Frames();
            h2(group, frames);
            Http2Settings settings = frames.settings.get(10, TimeUnit.SECONDS);
            assertThat(settings.maxConcurrentStreams()).isEqualTo(100L);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void streamsOverTheEngineersCapAcrossConnectionsAreAnswered429AndAudited() throws Exception {
        server = new RunningServer(temp, with(null, new ServerConfig.Limits(null, null, null, 3, null, null, null)));
        try (EngineerH2Client first = new EngineerH2Client(server.alice, server.daemon.engineerAddress());
                EngineerH2Client second = new EngineerH2Client(server.alice, server.daemon.engineerAddress())) {
            // three requests whose bodies never end: their streams stay open
            EngineerH2Client.Stream held = first.open(request("POST", "/api/v1/tokens"));
            first.open(request("POST", "/api/v1/tokens"));
            second.open(request("POST", "/api/v1/tokens"));
            // the server sees the first connection's streams a moment after the client sent them: ask until refused
            EngineerH2Client.Stream[] refused = {null};
            Eventually.within(Duration.ofSeconds(10), "a fourth stream refused", () -> {
                EngineerH2Client.Stream next = answered(second, request("GET", "/api/v1/appliances"));
                if (status(next).equals("429")) {
                    refused[0] = next;
                    return true;
                }
                return false;
            });
            assertThat(new String(awaitBody(refused[0]), StandardCharsets.UTF_8))
                    .contains("too-many-streams");
            ServerAuditRecord record = server.awaitAudit(EventType.STREAM_REFUSED, r -> "429"
                    .equals(r.event().details().get("status")));
            assertThat(record.event().actor()).isEqualTo("alice");

            held.channel
                    .writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL))
                    .sync(); // one fewer open
            Eventually.within(
                    Duration.ofSeconds(10),
                    "a stream accepted again once one closed",
                    () ->
                            // no login session: answered by the API, not refused
                            status(answered(second, request("GET", "/api/v1/appliances")))
                                    .equals("401"));
        }
    }

    /** A stream with {@code request} and an empty body, sent (a stream refused at once may not take the body). */
    private static EngineerH2Client.Stream answered(EngineerH2Client client, Http2Headers request) {
        EngineerH2Client.Stream stream;
        try {
            stream = client.open(request);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        stream.channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        return stream;
    }

    private static String status(EngineerH2Client.Stream stream) {
        try {
            return stream.status();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- blocks ---

    @Test
    void wrongTotpCodesFromOneSourceBlockItUntilTheOperatorLiftsTheBlock() throws Exception {
        server = new RunningServer(
                temp,
                with(
                        null,
                        new ServerConfig.Limits(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                new ServerConfig.Blocking(3, null, null, null, null))));
        EngineerHttp alice = new EngineerHttp(server.alice, server.daemon.engineerAddress());
        EngineerHttp bob = new EngineerHttp(server.bob, server.daemon.engineerAddress());
        assertThat(alice.post("login", null, "{\"totp\":\"000000\"}").status()).isEqualTo(401);
        assertThat(bob.post("login", null, "{\"totp\":\"000000\"}").status()).isEqualTo(401);
        assertThat(alice.post("login", null, "{\"totp\":\"000000\"}").status())
                .isEqualTo(401); // the third, across engineers

        ServerAuditRecord blocked = server.awaitAudit(EventType.SOURCE_BLOCKED, r -> true);
        assertThat(blocked.event().sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(blocked.event().details()).containsEntry("reason", "totp").containsEntry("failures", "3");
        assertClosedAtAccept(server.daemon.engineerAddress());
        assertClosedAtAccept(server.daemon.applianceAddress());

        String list = scOut("blocks", "list", "--dir", server.dir.toString());
        assertThat(list).contains("127.0.0.1").contains("totp");
        assertThat(scOut("blocks", "list", "--json", "--dir", server.dir.toString()))
                .contains("\"source\" : \"127.0.0.1\"");

        assertThat(RunningServer.sc(
                        "blocks", "remove", "127.0.0.1", "--reason", "test", "--dir", server.dir.toString()))
                .isZero();
        server.awaitAudit(
                EventType.SOURCE_UNBLOCKED, r -> "127.0.0.1".equals(r.event().sourceAddress()));
        assertThat(scOut("blocks", "list", "--dir", server.dir.toString())).doesNotContain("127.0.0.1");
        Eventually.within(Duration.ofSeconds(10), "the daemon accepts 127.0.0.1 again", () -> {
            try {
                return new EngineerHttp(server.alice, server.daemon.engineerAddress())
                                .post("login", null, "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}")
                                .status()
                        == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void failedHandshakesFromOneSourceBlockItOnBothListeners() throws Exception {
        server = new RunningServer(
                temp,
                with(
                        null,
                        new ServerConfig.Limits(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                new ServerConfig.Blocking(3, null, null, null, null))));
        for (int i = 0; i < 3; i++) {
            try (Socket notTls = connect(server.daemon.engineerAddress(), null)) {
                notTls.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                notTls.getOutputStream().flush();
                assertThat(closedBy(notTls, System.nanoTime() + TimeUnit.SECONDS.toNanos(10)))
                        .isTrue();
            }
        }
        ServerAuditRecord blocked = server.awaitAudit(EventType.SOURCE_BLOCKED, r -> true);
        assertThat(blocked.event().details()).containsEntry("reason", "handshake");
        assertClosedAtAccept(server.daemon.applianceAddress());
        assertClosedAtAccept(server.daemon.engineerAddress());
        assertThat(scOut("blocks", "list", "--dir", server.dir.toString()))
                .contains("127.0.0.1")
                .contains("handshake");
    }

    @Test
    void removingASourceThatIsNotBlockedFailsWithAMessage() throws Exception {
        server = new RunningServer(temp);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScServer.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "blocks",
                "remove",
                "192.0.2.9",
                "--dir",
                server.dir.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("'192.0.2.9' is not blocked");
        err.getBuffer().setLength(0);
        assertThat(ScServer.run(
                        new PrintWriter(out),
                        new PrintWriter(err),
                        "blocks",
                        "remove",
                        "gateway.example.com",
                        "--dir",
                        server.dir.toString()))
                .isNotZero();
        assertThat(err.toString()).contains("'gateway.example.com' is not an IP address");
    }

    // --- helpers ---

    /** Notes when each socket the selector reports readable was closed by the server (end of stream or reset). */
    private static void closed(Selector selector, Map<SocketChannel, Long> closedAt) {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel socket = (SocketChannel) key.channel();
            int read;
            try {
                buffer.clear();
                read = socket.read(buffer);
            } catch (IOException e) {
                read = -1; // reset
            }
            if (read < 0) {
                closedAt.put(socket, System.nanoTime());
                key.cancel();
            }
        }
        selector.selectedKeys().clear();
    }

    /** A new connection is closed by the server at once: well before any handshake time-out. */
    private static void assertClosedAtAccept(InetSocketAddress listener) throws IOException {
        Eventually.within(Duration.ofSeconds(10), "a connection to " + listener + " closed at accept", () -> {
            try (Socket socket = connect(listener, null)) {
                return closedBy(socket, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000));
            } catch (IOException e) {
                return true; // refused or reset: closed too
            }
        });
    }

    private static String scOut(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScServer.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as("sc-server %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static Socket connect(InetSocketAddress listener, InetAddress from) throws IOException {
        Socket socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(listener, 5_000);
        return socket;
    }

    /** Whether the server closed {@code socket} (end of stream or reset) before {@code deadlineNanos}. */
    private static boolean closedBy(Socket socket, long deadlineNanos) throws IOException {
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset
            }
        }
    }

    /** Whether {@code socket} is still open after waiting {@code millis} for the server to close it. */
    private static boolean stillOpen(Socket socket, int millis) {
        try {
            socket.setSoTimeout(millis);
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test socket: nothing to do
            }
        }
    }

    private static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme("https")
                .authority("localhost");
    }

    private static byte[] awaitBody(EngineerH2Client.Stream stream) throws InterruptedException {
        assertThat(stream.awaitEnd()).isTrue();
        return stream.body();
    }

    /** The connection-level frames the server sent. */
    /** What the server sends the fake appliance: the first stream it refused and its GOAWAY. */
    private static final class LinkFrames extends Http2FrameAdapter {
        final CompletableFuture<Integer> refused = new CompletableFuture<>();
        final CompletableFuture<Long> goAway = new CompletableFuture<>();
        volatile String debug = "";

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            refused.complete(streamId);
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            debug = debugData.toString(StandardCharsets.UTF_8);
            goAway.complete(errorCode);
        }
    }

    private static final class Frames extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Long> goAway = new CompletableFuture<>();
        final CompletableFuture<Http2Settings> settings = new CompletableFuture<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame frame) {
                goAway.complete(frame.errorCode());
            } else if (msg instanceof Http2SettingsFrame frame) {
                settings.complete(frame.settings());
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private Channel h2(EventLoopGroup group, Frames frames) throws Exception {
        return TlsClients.connect(group, server.alice, server.daemon.engineerAddress(), "h2", pipeline -> {
            pipeline.addLast(Http2FrameCodecBuilder.forClient().build());
            pipeline.addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            pipeline.addLast(frames);
        });
    }
}
