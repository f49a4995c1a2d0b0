package dev.secureconnect.server.engineerapi;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.tunnel.link.Hello;
import dev.secureconnect.tunnel.link.LinkCodecs;
import dev.secureconnect.tunnel.link.LinkJson;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.LinkSettings;
import dev.secureconnect.tunnel.link.ServiceEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal appliance for tests: dials the server's appliance listener with a real appliance certificate, sends a
 * hello, and serves the server's streams the way the contract says an appliance answers them — without any checks of
 * its own (it is not the thing under test). It records what the server sent.
 *
 * <ul>
 *   <li>CONNECT 127.0.0.1:9 is refused 403; any other port is echoed back;</li>
 *   <li>exec answers "ran NAME [ARGS]\n" and trailers {@code sc-exit-status: 3};</li>
 *   <li>GET /v1/files answers the bytes of {@link #FILE} with their size and SHA-256;</li>
 *   <li>PUT /v1/files takes the bytes and answers trailers with their size and SHA-256.</li>
 * </ul>
 */
final class FakeAppliance implements AutoCloseable {

    static final byte[] FILE = "hello from the appliance\n".getBytes(StandardCharsets.UTF_8);

    final BlockingQueue<Http2Headers> sessionRequests = new LinkedBlockingQueue<>();
    final BlockingQueue<String> revocations = new LinkedBlockingQueue<>();
    /** The bodies of the lists of cases the server sent ({@code POST /v1/cases}). */
    final BlockingQueue<String> cases = new LinkedBlockingQueue<>();

    final BlockingQueue<byte[]> stored = new LinkedBlockingQueue<>();
    /** The bodies of the server's {@code POST /v1/certificate} (answered 200). */
    final BlockingQueue<String> certificates = new LinkedBlockingQueue<>();

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;

    FakeAppliance(TestPki.Issued certificate, String serial, InetSocketAddress server, List<String> tickets)
            throws Exception {
        this(certificate, serial, server, tickets, "");
    }

    /** @param auditCheckpoint the JWS its hello carries as its audit log's latest checkpoint ("" for none) */
    FakeAppliance(
            TestPki.Issued certificate,
            String serial,
            InetSocketAddress server,
            List<String> tickets,
            String auditCheckpoint)
            throws Exception {
        this(certificate, serial, server, tickets, auditCheckpoint, "");
    }

    /** @param renewalCsr the certificate request its hello offers for renewal ("" for none) */
    FakeAppliance(
            TestPki.Issued certificate,
            String serial,
            InetSocketAddress server,
            List<String> tickets,
            String auditCheckpoint,
            String renewalCsr)
            throws Exception {
        Hello hello = new Hello(
                serial,
                LinkProtocol.VERSION,
                "test",
                tickets,
                List.of(new ServiceEntry("ssh", 22), new ServiceEntry("web", 443)),
                auditCheckpoint,
                renewalCsr);
        channel = TlsClients.connect(
                group,
                certificate,
                server,
                LinkProtocol.ALPN,
                pipeline -> LinkCodecs.installApplianceSide(
                        pipeline, LinkSettings.DEFAULT, new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new Serve(hello));
                            }
                        }));
    }

    boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One stream the server opened. */
    private final class Serve extends ChannelInboundHandlerAdapter {
        private final Hello hello;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers request;

        Serve(Hello hello) {
            this.hello = hello;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers && request == null) {
                    request = headers.headers();
                    onRequest(ctx);
                    if (headers.isEndStream()) {
                        onEnd(ctx);
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    onData(ctx, data.content());
                    if (data.isEndStream()) {
                        onEnd(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private String method() {
            return request.method().toString();
        }

        private String path() {
            return request.path() == null
                    ? ""
                    : new QueryStringDecoder(request.path().toString()).path();
        }

        private void onRequest(ChannelHandlerContext ctx) {
            if (method().equals("GET") && path().equals(LinkProtocol.PATH_HELLO)) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                byte[] line = (new String(LinkJson.encode(hello), StandardCharsets.UTF_8) + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(line), false));
                return;
            }
            if (path().equals(LinkProtocol.PATH_ADMISSION)
                    || path().equals(LinkProtocol.PATH_REVOCATIONS)
                    || path().equals(LinkProtocol.PATH_CERTIFICATE)) {
                return; // answered at the end of the body
            }
            sessionRequests.add(request);
            if (method().equals("CONNECT") && request.authority().toString().endsWith(":9")) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers()
                                .status("403")
                                .set(LinkProtocol.HEADER_REASON, "port 9 is not allow-listed"),
                        true));
                return;
            }
            Http2Headers ok = new DefaultHttp2Headers().status("200");
            boolean get = method().equals("GET") && path().equals(LinkProtocol.PATH_FILES);
            if (get) {
                ok.set(LinkProtocol.HEADER_FILE_SIZE, Integer.toString(FILE.length))
                        .set(LinkProtocol.HEADER_FILE_SHA256, sha256(FILE));
            }
            ctx.write(new DefaultHttp2HeadersFrame(ok, false));
            if (get) {
                ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(FILE), true));
            }
            ctx.flush();
        }

        private void onData(ChannelHandlerContext ctx, ByteBuf content) {
            if (method().equals("CONNECT")) {
                ctx.writeAndFlush(new DefaultHttp2DataFrame(content.retainedDuplicate(), false)); // echo
            } else {
                body.writeBytes(ByteBufUtil.getBytes(content));
            }
        }

        private void onEnd(ChannelHandlerContext ctx) {
            String path = path();
            if (path.equals(LinkProtocol.PATH_ADMISSION)) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
            } else if (path.equals(LinkProtocol.PATH_CASES)) {
                cases.add(body.toString(StandardCharsets.UTF_8));
            } else if (path.equals(LinkProtocol.PATH_REVOCATIONS)) {
                revocations.add(body.toString(StandardCharsets.UTF_8));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
            } else if (path.equals(LinkProtocol.PATH_CERTIFICATE)) {
                certificates.add(body.toString(StandardCharsets.UTF_8));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
            } else if (method().equals("CONNECT")) {
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            } else if (path.equals(LinkProtocol.PATH_EXEC)) {
                CharSequence args = request.get(LinkProtocol.HEADER_ARGS);
                String output =
                        "ran " + request.get(LinkProtocol.HEADER_COMMAND) + (args == null ? "" : " " + args) + "\n";
                ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(output, StandardCharsets.UTF_8), false));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers().set(LinkProtocol.TRAILER_EXIT_STATUS, "3"), true));
            } else if (method().equals("PUT")) {
                byte[] bytes = body.toByteArray();
                stored.add(bytes);
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers()
                                .set(LinkProtocol.HEADER_FILE_SIZE, Integer.toString(bytes.length))
                                .set(LinkProtocol.HEADER_FILE_SHA256, sha256(bytes)),
                        true));
            }
        }
    }
}
