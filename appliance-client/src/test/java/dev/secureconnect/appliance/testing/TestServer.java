package dev.secureconnect.appliance.testing;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.SslContexts;
import dev.secureconnect.crypto.tls.TlsPolicy;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.Admission;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.link.SessionCredentials;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRefusedException;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.EmptyHttp2Headers;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.assertj.core.api.Assertions;

/**
 * A minimal support server for the appliance's link, built from tunnel-protocol: a TLS listener on 127.0.0.1 that
 * accepts only appliance certificates of the test PKI (CRL checked), speaks ALPN {@code secureconnect/1}, installs the
 * server (HTTP/2 client) side of the link, watches each appliance's hello and answers every hello with an admission
 * decided by {@link #verdicts}. Tests open session streams with {@link #connect}.
 */
public final class TestServer implements AutoCloseable {

    /** A link as this server sees it. */
    public record ServerLink(Channel channel, String applianceSerial) {}

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final Channel listener;
    public final BlockingQueue<ServerLink> links = new LinkedBlockingQueue<>();
    private final List<ServerLink> everyLink = new java.util.concurrent.CopyOnWriteArrayList<>();
    public final BlockingQueue<Hello> hellos = new LinkedBlockingQueue<>();
    /** Each admission sent: the verdicts, in order. */
    public final BlockingQueue<Admission> admissions = new LinkedBlockingQueue<>();
    /** The verdict on each ticket of a hello; by default every ticket is accepted. */
    public volatile Function<String, Admission.Verdict> verdicts = Admission.Verdict::accept;
    /** When set, hellos are received but never answered with an admission. */
    public volatile boolean silent;

    private TestServer(TestPki.Issued serverCertificate, int port, Path crlDir) throws InterruptedException {
        TestPki pki = TestPki.shared();
        Path crl = crlDir.resolve("crl.pem");
        try {
            Files.writeString(crl, Pem.crl(pki.revocationList()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SslContext tls = SslContexts.server(
                new KeyMaterial(serverCertificate.privateKey(), serverCertificate.chain()),
                TrustMaterial.withCrl(List.of(pki.rootCertificate()), List.of(pki.issuingCertificate()), crl),
                CertificateRole.APPLIANCE,
                List.of(LinkProtocol.ALPN),
                (peer, subject, reason, message) -> {});
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(SslContexts.serverHandler(tls, channel, TlsPolicy.HANDSHAKE_TIMEOUT));
                        channel.pipeline().addLast(new Negotiation());
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
    }

    /** A server for {@code localhost} / {@code 127.0.0.1} on a fresh port. */
    public static TestServer start(Path crlDir) throws InterruptedException {
        return new TestServer(TestPki.shared().server(), 0, crlDir);
    }

    /** The same on {@code port} (a restarted server). */
    public static TestServer startOn(int port, Path crlDir) throws InterruptedException {
        return new TestServer(TestPki.shared().server(), port, crlDir);
    }

    /** A server whose certificate names only {@code dnsName}. */
    public static TestServer startNamed(String dnsName, Path crlDir) throws InterruptedException {
        return new TestServer(
                TestPki.shared().issue(CertificateIdentity.server(List.of(dnsName), List.of())), 0, crlDir);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public ServerLink awaitLink() throws InterruptedException {
        ServerLink link = links.poll(Eventually.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (link == null) {
            return Assertions.fail("no appliance link arrived within %s", Eventually.WAIT);
        }
        return link;
    }

    public Hello awaitHello() throws InterruptedException {
        Hello hello = hellos.poll(Eventually.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (hello == null) {
            return Assertions.fail("no hello arrived within %s", Eventually.WAIT);
        }
        return hello;
    }

    /** Opens a session stream; fails with the appliance's reason when it refuses. */
    public static Future<Http2StreamChannel> connect(ServerLink link, StreamRequest request) {
        return StreamOpener.connect(link.channel(), request, Duration.ofSeconds(10));
    }

    /** Opens a CONNECT session stream carrying {@code credentials}; fails with the appliance's reason when refused. */
    public static Future<Http2StreamChannel> connect(
            ServerLink link, StreamRequest request, SessionCredentials credentials) {
        Promise<Http2StreamChannel> result = link.channel().eventLoop().newPromise();
        StreamOpener.open(link.channel(), credentials.addTo(request.toHeaders()), Duration.ofSeconds(10))
                .addListener(opened -> {
                    if (opened.isSuccess()) {
                        result.trySuccess(((StreamOpener.Opened) opened.getNow()).stream());
                    } else {
                        result.tryFailure(opened.cause());
                    }
                });
        return result;
    }

    /**
     * What the appliance answered a session request: its status and reason (a refusal), the response headers, the
     * body, and the trailers (empty when it ended with DATA).
     */
    public record Response(int status, String reason, Http2Headers headers, byte[] body, Http2Headers trailers) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String trailer(String name) {
            CharSequence value = trailers.get(name);
            return value == null ? null : value.toString();
        }

        public String header(String name) {
            CharSequence value = headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /** Opens a session stream with {@code headers}; completes with the opened stream's 200 headers, or fails. */
    public static Future<StreamOpener.Opened> open(ServerLink link, Http2Headers headers) {
        return StreamOpener.open(link.channel(), headers, Duration.ofSeconds(10));
    }

    /**
     * A whole session request as the server makes it: HEADERS, then (once answered 200) {@code body} and END_STREAM,
     * then everything the appliance sends until it ends. A refusal completes with its status and reason.
     */
    public static CompletableFuture<Response> request(ServerLink link, Http2Headers headers, byte[] body) {
        CompletableFuture<Response> response = new CompletableFuture<>();
        open(link, headers).addListener(done -> {
            if (!done.isSuccess()) {
                if (done.cause() instanceof StreamRefusedException refused) {
                    response.complete(new Response(
                            refused.status(),
                            refused.getMessage(),
                            EmptyHttp2Headers.INSTANCE,
                            new byte[0],
                            EmptyHttp2Headers.INSTANCE));
                } else {
                    response.completeExceptionally(done.cause());
                }
                return;
            }
            StreamOpener.Opened opened = (StreamOpener.Opened) done.getNow();
            collect(opened, response);
            Http2StreamChannel stream = opened.stream();
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        });
        return response;
    }

    /** Reads everything the appliance sends on an opened stream into {@code response}. */
    public static void collect(StreamOpener.Opened opened, CompletableFuture<Response> response) {
        Http2StreamChannel stream = opened.stream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2DataFrame data) {
                        bytes.writeBytes(ByteBufUtil.getBytes(data.content()));
                        if (data.isEndStream()) {
                            response.complete(new Response(
                                    200, null, opened.response(), bytes.toByteArray(), EmptyHttp2Headers.INSTANCE));
                        }
                    } else if (msg instanceof Http2HeadersFrame trailers && trailers.isEndStream()) {
                        response.complete(
                                new Response(200, null, opened.response(), bytes.toByteArray(), trailers.headers()));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                response.completeExceptionally(new IOException("stream closed after " + bytes.size() + " bytes"));
            }
        });
        stream.eventLoop().execute(() -> {
            stream.config().setAutoRead(true);
            stream.read();
        });
    }

    /** {@code POST /v1/revocations}: completes with the appliance's status. */
    public static int revoke(ServerLink link, byte[] body) throws Exception {
        return StreamOpener.request(link.channel(), "POST", LinkProtocol.PATH_REVOCATIONS, body, Duration.ofSeconds(10))
                .get(10, TimeUnit.SECONDS)
                .status();
    }

    /**
     * Sends {@code payload} on an open session stream, ends the direction, and completes with everything the
     * appliance sends back until it ends its direction.
     */
    public static CompletableFuture<byte[]> exchange(Http2StreamChannel stream, byte[] payload) {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2DataFrame data) {
                        bytes.writeBytes(ByteBufUtil.getBytes(data.content()));
                        if (data.isEndStream()) {
                            received.complete(bytes.toByteArray());
                        }
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                received.completeExceptionally(new IOException("stream closed after " + bytes.size() + " bytes"));
            }
        });
        stream.eventLoop().execute(() -> {
            stream.config().setAutoRead(true);
            stream.read();
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(payload), true));
        });
        return received;
    }

    /** Closes every link this server holds (the server "goes away" but keeps listening). */
    public void closeLinks() {
        everyLink.forEach(link -> link.channel().close().awaitUninterruptibly(5_000));
    }

    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        closeLinks();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /** After the handshake: the link's HTTP/2 client side, then the hello watch. */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super("(none)");
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) throws Exception {
            if (!LinkProtocol.ALPN.equals(protocol)) {
                ctx.close();
                return;
            }
            Channel link = ctx.channel();
            LinkCodecs.installServerSide(ctx.pipeline(), LinkSettings.DEFAULT);
            String serial = SslContexts.peerIdentity(
                            ctx.pipeline().get(SslHandler.class).engine().getSession())
                    .id();
            ServerLink accepted = new ServerLink(link, serial);
            everyLink.add(accepted);
            links.add(accepted);
            StreamOpener.watch(
                    link,
                    LinkProtocol.PATH_HELLO,
                    bytes -> {
                        Hello hello = LinkJson.decode(bytes, Hello.class);
                        hellos.add(hello);
                        if (silent) {
                            return;
                        }
                        Admission admission = new Admission(hello.tickets().stream()
                                .map(t -> verdicts.apply(t))
                                .toList());
                        admissions.add(admission);
                        StreamOpener.request(
                                link,
                                "POST",
                                LinkProtocol.PATH_ADMISSION,
                                LinkJson.encode(admission),
                                Duration.ofSeconds(10));
                    },
                    Duration.ofSeconds(10));
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
