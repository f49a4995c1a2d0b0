package dev.secureconnect.appliance.link;

import dev.secureconnect.tunnel.link.EmbeddedHttp2;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams of an {@link EmbeddedHttp2} link, both ends in hand: {@link #open} sends a request from the server's end
 * and returns the appliance's end of the stream, and
 * {@link #received} is what the server's end got back. No sockets, no threads: {@link #pump} moves everything.
 */
final class EmbeddedStreams implements AutoCloseable {

    final EmbeddedHttp2 http2;
    /** Every frame the server's end of the last opened stream received, in order (the test releases them). */
    final List<Object> received = new ArrayList<>();

    private final List<Http2StreamChannel> applianceStreams = new ArrayList<>();
    private Http2StreamChannel serverStream;

    /** Streams whose appliance end has no handler and reads nothing until told to. */
    EmbeddedStreams() {
        this(stream -> stream.config().setAutoRead(false));
    }

    /** @param serve sets up the appliance's end of each stream the server opens (e.g. adds the stream handler) */
    EmbeddedStreams(Consumer<Http2StreamChannel> serve) {
        http2 = new EmbeddedHttp2(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                serve.accept(stream);
                applianceStreams.add(stream);
            }
        }));
    }

    /** Sends {@code headers} (END_STREAM when {@code endStream}) on a new stream; the appliance's end of it. */
    Http2StreamChannel open(Http2Headers headers, boolean endStream) {
        serverStream = new Http2StreamChannelBootstrap(http2.link)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add(msg);
                    }
                })
                .open()
                .syncUninterruptibly()
                .getNow();
        serverStream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream));
        pump();
        return applianceStreams.get(applianceStreams.size() - 1);
    }

    /** The server's end of the last opened stream: what the engineer's bytes come through. */
    Http2StreamChannel serverStream() {
        return serverStream;
    }

    void pump() {
        http2.pump();
    }

    @Override
    public void close() {
        received.forEach(ReferenceCountUtil::release);
        http2.close();
    }
}
