package dev.secureconnect.server.engineerapi;

import dev.secureconnect.crypto.testing.TestPki;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The engineer's side of session streams in tests: a Netty HTTP/2 client over mutual TLS (ALPN h2). */
final class EngineerH2Client implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel connection;

    EngineerH2Client(TestPki.Issued engineer, InetSocketAddress server) throws Exception {
        connection = TlsClients.connect(group, engineer, server, "h2", pipeline -> {
            pipeline.addLast(Http2FrameCodecBuilder.forClient().build());
            pipeline.addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        });
    }

    /** Opens a stream and sends {@code request} (without END_STREAM). */
    Stream open(Http2Headers request) throws Exception {
        Stream stream = new Stream();
        Http2StreamChannel channel = new Http2StreamChannelBootstrap(connection)
                .handler(stream)
                .open()
                .get(10, TimeUnit.SECONDS);
        stream.channel = channel;
        channel.writeAndFlush(new DefaultHttp2HeadersFrame(request, false)).sync();
        return stream;
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One stream: what the server answered, the bytes it sent, its trailers. */
    static final class Stream extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Http2Headers> response = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Http2Headers trailers;
        private volatile boolean reset;
        Http2StreamChannel channel;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    if (!response.isDone()) {
                        response.complete(headers.headers());
                    } else {
                        trailers = headers.headers();
                    }
                    if (headers.isEndStream()) {
                        ended.countDown();
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    synchronized (body) {
                        body.writeBytes(ByteBufUtil.getBytes(data.content()));
                    }
                    if (data.isEndStream()) {
                        ended.countDown();
                    }
                } else if (msg instanceof Http2ResetFrame) {
                    reset = true;
                    ended.countDown();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            response.completeExceptionally(new IllegalStateException("stream closed without a response"));
            ended.countDown();
            ctx.fireChannelInactive();
        }

        Http2Headers response() throws Exception {
            return response.get(20, TimeUnit.SECONDS);
        }

        String status() throws Exception {
            return response().status().toString();
        }

        String reason() throws Exception {
            CharSequence reason = response().get("sc-reason");
            return reason == null ? "" : reason.toString();
        }

        void send(byte[] bytes, boolean end) throws Exception {
            channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), end))
                    .sync();
        }

        /** Waits for the end of the server's direction (END_STREAM, reset or close). */
        boolean awaitEnd() throws InterruptedException {
            return ended.await(20, TimeUnit.SECONDS);
        }

        byte[] body() {
            synchronized (body) {
                return body.toByteArray();
            }
        }

        Http2Headers trailers() {
            return trailers;
        }

        boolean wasReset() {
            return reset;
        }

        boolean isOpen() {
            return channel.isActive();
        }
    }
}
