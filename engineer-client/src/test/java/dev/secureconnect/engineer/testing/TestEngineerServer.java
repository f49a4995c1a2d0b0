package dev.secureconnect.engineer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenSigningKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A minimal engineer listener for the client's tests: mutual TLS (engineer certificates of the {@link TestPki}), ALPN
 * h2, the JSON API of the wire contract, and session streams that answer as an appliance would — CONNECT echoes,
 * exec prints a line and ends with an exit status, GET sends a file with its size and SHA-256, PUT stores and
 * confirms. Every request's headers are recorded.
 *
 * <p>Special cases by name: appliance {@code SN-CLOSED} gets no token (403); CONNECT to port 9 is refused (403);
 * command {@code unknown} is refused (404), {@code slow} times out; a file path containing {@code damaged} is
 * announced with a wrong SHA-256; a PUT path containing {@code readonly} is not stored.
 */
public final class TestEngineerServer implements AutoCloseable {

    public static final String SESSION = "test-session-0123456789abcdef";
    public static final String TOTP = "123456";
    public static final String LOGIN = "alice";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final AccessTokenIssuer issuer =
            new AccessTokenIssuer(TokenSigningKey.generate(), "localhost", Clock.systemUTC());
    private final List<Http2Headers> requests = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private final java.util.Set<String> revoked = ConcurrentHashMap.newKeySet();
    private volatile String lastToken;
    private final ServerBootstrap bootstrap;
    private final io.netty.channel.group.ChannelGroup connections =
            new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
    private final int port;
    private volatile Channel listener;

    private TestEngineerServer(Path dir) throws Exception {
        TestPki pki = TestPki.shared();
        TestPki.Issued server = pki.server();
        Path crl = dir.resolve("ca.crl");
        Files.writeString(crl, Pem.crl(pki.revocationList()));
        SslContext tls = SslContexts.server(
                new KeyMaterial(server.privateKey(), server.chain()),
                TrustMaterial.withCrl(List.of(pki.rootCertificate()), List.of(pki.issuingCertificate()), crl),
                CertificateRole.ENGINEER,
                List.of(ApplicationProtocolNames.HTTP_2),
                (peer, subject, reason, message) -> {});
        bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(SslContexts.serverHandler(tls, ch, Duration.ofSeconds(5)));
                        ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler("none") {
                            @Override
                            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // the client's refusal is what the tests check
                            }

                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.close();
                                    return;
                                }
                                ctx.pipeline()
                                        .addLast(Http2FrameCodecBuilder.forServer()
                                                .build());
                                ctx.pipeline()
                                        .addLast(
                                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                                    @Override
                                                    protected void initChannel(Http2StreamChannel stream) {
                                                        stream.pipeline().addLast(new TestStream());
                                                    }
                                                }));
                            }
                        });
                    }
                });
        listener = bootstrap.bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops as a server that is shut down: the listener closes, then every connection (no GOAWAY). */
    public void stopListening() {
        listener.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
    }

    /** Listens again on the same port, as a server started again. */
    public void listenAgain() throws InterruptedException {
        listener = bootstrap.bind("127.0.0.1", port).sync().channel();
    }

    /** The connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    public static TestEngineerServer start(Path dir) throws Exception {
        return new TestEngineerServer(dir);
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Every request received so far, in order. */
    public List<Http2Headers> requests() {
        return new ArrayList<>(requests);
    }

    /** The last request whose :path (or :method for CONNECT) starts with {@code prefix}. */
    public Http2Headers last(String prefix) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            Http2Headers headers = requests.get(i);
            String key = headers.path() != null ? headers.path().toString() : String.valueOf(headers.method());
            if (key.startsWith(prefix)) {
                return headers;
            }
        }
        throw new AssertionError("no request " + prefix + " in " + requests);
    }

    /** The compact token issued last. */
    public String lastToken() {
        return lastToken;
    }

    /** From now on, session streams with {@code token} are refused as the server refuses a revoked token. */
    public void revoke(String token) {
        revoked.add(token);
    }

    /** What PUT stored at {@code path}. */
    public byte[] stored(String path) {
        return stored.get(path);
    }

    /** The content GET sends for {@code path}: a few frames' worth. */
    public static byte[] fileContent(String path) {
        return ("contents of " + path + "\n").repeat(2000).getBytes(StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** One stream: an API request or a session stream. */
    private final class TestStream extends ChannelInboundHandlerAdapter {
        private Http2Headers request;
        private String kind = "";
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            try {
                if (msg instanceof Http2HeadersFrame headers && request == null) {
                    request = headers.headers();
                    requests.add(request);
                    begin(ctx, headers.isEndStream());
                } else if (msg instanceof Http2DataFrame data) {
                    data(ctx, data);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void begin(ChannelHandlerContext ctx, boolean end) throws Exception {
            String method = String.valueOf(request.method());
            String path = request.path() == null ? "" : request.path().toString();
            if (path.startsWith("/api/v1/")) {
                kind = "api";
                if (end) {
                    api(ctx);
                }
                return;
            }
            if (revoked.contains(String.valueOf(request.get("sc-access-token")))) {
                refuse(
                        ctx,
                        403,
                        "access token refused: token "
                                + SignedAccessToken.parseUnverified(String.valueOf(request.get("sc-access-token")))
                                        .claims()
                                        .id()
                                + " has been revoked");
                return;
            }
            if (!("Bearer " + SESSION).equals(String.valueOf(request.get("authorization")))
                    || lastToken == null
                    || !lastToken.equals(String.valueOf(request.get("sc-access-token")))
                    || request.get("sc-appliance") == null) {
                refuse(ctx, 401, "bad session credentials");
                return;
            }
            if (method.equals("CONNECT")) {
                if ("127.0.0.1:9".equals(String.valueOf(request.authority()))) {
                    refuse(ctx, 403, "appliance refused: port 9 is not allow-listed");
                    return;
                }
                kind = "connect";
                ok(ctx, new DefaultHttp2Headers().status("200").set("sc-session", "s-connect"));
            } else if (path.equals("/v1/exec")) {
                if ("unknown".equals(String.valueOf(request.get("sc-command")))) {
                    refuse(ctx, 404, "appliance refused: no command 'unknown' in the catalogue");
                    return;
                }
                kind = "exec";
                ok(ctx, new DefaultHttp2Headers().status("200").set("sc-session", "s-exec"));
            } else if (path.startsWith("/v1/files") && method.equals("GET")) {
                String file = filePath();
                if (file.contains("missing")) {
                    refuse(ctx, 404, "appliance refused: no such file " + file);
                    return;
                }
                byte[] content = fileContent(file);
                String hash = file.contains("damaged")
                        ? sha256("something else".getBytes(StandardCharsets.UTF_8))
                        : sha256(content);
                kind = "get";
                ok(
                        ctx,
                        new DefaultHttp2Headers()
                                .status("200")
                                .set("sc-session", "s-get")
                                .set("sc-file-size", Integer.toString(content.length))
                                .set("sc-file-sha256", hash));
            } else if (path.startsWith("/v1/files") && method.equals("PUT")) {
                kind = "put";
                ok(ctx, new DefaultHttp2Headers().status("200").set("sc-session", "s-put"));
            } else {
                refuse(ctx, 404, "no such endpoint");
            }
        }

        private void data(ChannelHandlerContext ctx, Http2DataFrame data) throws Exception {
            switch (kind) {
                case "api" -> {
                    body.write(ByteBufUtil.getBytes(data.content()));
                    if (data.isEndStream()) {
                        api(ctx);
                    }
                }
                case "connect" -> {
                    if (data.content().isReadable()) {
                        ctx.writeAndFlush(
                                new DefaultHttp2DataFrame(data.content().retainedDuplicate(), false));
                    }
                    if (data.isEndStream()) {
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
                    }
                }
                case "exec" -> {
                    if (data.isEndStream()) {
                        String name = String.valueOf(request.get("sc-command"));
                        String args = request.get("sc-args") == null
                                ? "[]"
                                : request.get("sc-args").toString();
                        ctx.write(new DefaultHttp2DataFrame(
                                Unpooled.copiedBuffer("ran " + name + " with " + args + "\n", StandardCharsets.UTF_8),
                                false));
                        Http2Headers trailers = new DefaultHttp2Headers();
                        if (name.equals("slow")) {
                            trailers.set("sc-exit-status", "124").set("sc-timed-out", "true");
                        } else {
                            trailers.set("sc-exit-status", "3");
                        }
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
                    }
                }
                case "get" -> {
                    if (data.isEndStream()) {
                        byte[] content = fileContent(filePath());
                        int half = content.length / 2;
                        ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(content, 0, half), false));
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(
                                Unpooled.wrappedBuffer(content, half, content.length - half), true));
                    }
                }
                case "put" -> {
                    body.write(ByteBufUtil.getBytes(data.content()));
                    if (data.isEndStream()) {
                        String file = filePath();
                        Http2Headers trailers = new DefaultHttp2Headers();
                        if (file.contains("readonly")) {
                            trailers.set("sc-reason", "appliance refused: folder /readonly is not writable");
                        } else {
                            stored.put(file, body.toByteArray());
                            trailers.set("sc-file-size", Integer.toString(body.size()))
                                    .set("sc-file-sha256", sha256(body.toByteArray()));
                        }
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
                    }
                }
                default -> {}
            }
        }

        private String filePath() {
            return new QueryStringDecoder(request.path().toString())
                    .parameters()
                    .get("path")
                    .get(0);
        }

        private void api(ChannelHandlerContext ctx) throws Exception {
            String path = request.path().toString();
            if (path.equals("/api/v1/login")) {
                JsonNode login = JSON.readTree(body.toByteArray());
                if (!TOTP.equals(login.path("totp").asText())) {
                    json(ctx, 401, Map.of("error", "wrong TOTP code", "reason", "totp-wrong"));
                    return;
                }
                json(
                        ctx,
                        200,
                        Map.of(
                                "session",
                                SESSION,
                                "login",
                                LOGIN,
                                "expiresAt",
                                Instant.now().plus(Duration.ofHours(8)).toString()));
                return;
            }
            if (!("Bearer " + SESSION).equals(String.valueOf(request.get("authorization")))) {
                json(ctx, 401, Map.of("error", "not logged in", "reason", "session"));
                return;
            }
            switch (path) {
                case "/api/v1/logout" -> json(ctx, 200, Map.of("loggedOut", true));
                case "/api/v1/appliances" ->
                    json(
                            ctx,
                            200,
                            Map.of(
                                    "appliances",
                                    List.of(Map.of(
                                            "serial",
                                            "SN-1",
                                            "tickets",
                                            List.of("12345678"),
                                            "services",
                                            List.of(Map.of("name", "ssh", "port", 22)),
                                            "since",
                                            "2026-01-01T00:00:00Z",
                                            "address",
                                            "127.0.0.1:40000"))));
                case "/api/v1/sessions" ->
                    json(
                            ctx,
                            200,
                            Map.of(
                                    "sessions",
                                    List.of(Map.of(
                                            "id",
                                            "s-1",
                                            "appliance",
                                            "SN-1",
                                            "ticket",
                                            "12345678",
                                            "kind",
                                            "connect",
                                            "target",
                                            "127.0.0.1:22",
                                            "startedAt",
                                            "2026-01-01T00:00:00Z",
                                            "bytesToAppliance",
                                            10,
                                            "bytesFromAppliance",
                                            20))));
                case "/api/v1/tokens" -> token(ctx);
                default -> json(ctx, 404, Map.of("error", "no such endpoint"));
            }
        }

        private void token(ChannelHandlerContext ctx) throws Exception {
            JsonNode ask = JSON.readTree(body.toByteArray());
            String appliance = ask.path("appliance").asText();
            String caseId = ask.path("case").asText(null);
            String ticket = caseId == null ? ask.path("ticket").asText() : caseId.substring(1);
            if (appliance.equals("SN-CLOSED")) {
                json(ctx, 403, Map.of("error", "ticket " + ticket + " is not open", "reason", "ticket-closed"));
                return;
            }
            SslHandler tls =
                    ((Http2StreamChannel) ctx.channel()).parent().pipeline().get(SslHandler.class);
            X509Certificate engineer =
                    (X509Certificate) tls.engine().getSession().getPeerCertificates()[0];
            Duration ttl = Duration.ofSeconds(ask.path("ttlSeconds").asLong(3600));
            SignedAccessToken token = issuer.issue(
                    engineer,
                    appliance,
                    ticket,
                    ttl,
                    ask.hasNonNull("reason") ? ask.get("reason").asText() : null,
                    caseId == null
                            ? null
                            : new dev.secureconnect.crypto.token.TokenScope(
                                    caseId, List.of(), List.of("raid-status"), List.of("/var/log")));
            if (caseId == null) {
                lastToken = token.serialize(); // what the session streams check; a case's token is for SN-CASE only
            }
            json(
                    ctx,
                    200,
                    Map.of(
                            "token",
                            token.serialize(),
                            "id",
                            token.claims().id().toString(),
                            "appliance",
                            appliance,
                            "ticket",
                            ticket,
                            "expiresAt",
                            token.claims().expiresAt().toString()));
        }

        private void json(ChannelHandlerContext ctx, int status, Object answer) throws Exception {
            ctx.write(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().status(Integer.toString(status)).set("content-type", "application/json"),
                    false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(answer)), true));
        }

        private void ok(ChannelHandlerContext ctx, Http2Headers headers) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        }

        private void refuse(ChannelHandlerContext ctx, int status, String reason) {
            kind = "refused";
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().status(Integer.toString(status)).set("sc-reason", reason), true));
        }
    }
}
