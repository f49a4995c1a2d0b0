package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A server resets a stream while the client's DATA frames are on their way: with Netty's own server codec each late
 * frame is answered with an RST_STREAM, and past 200 the server closes the whole connection (its limit on the resets
 * it sends); {@link Http2Connections#serverCodec} ignores them and the connection stays.
 */
class LateFramesTest {

    private static final int LATE_FRAMES = 300;

    @Test
    void lateFramesOnAStreamTheServerResetAreIgnored() {
        Outcome outcome = resetUnderUpload(Http2Connections::serverCodec);
        assertThat(outcome.serverOpen()).isTrue();
        assertThat(outcome.resets()).isEqualTo(1); // the reset itself, none for the late frames
    }

    @Test
    void nettysServerCodecAnswersEachLateFrameAndClosesTheConnection() {
        Outcome outcome = resetUnderUpload(Http2FrameCodecBuilder::forServer);
        assertThat(outcome.serverOpen()).isFalse();
        assertThat(outcome.resets()).isGreaterThan(200);
    }

    private record Outcome(boolean serverOpen, int resets) {}

    private static Outcome resetUnderUpload(Supplier<Http2FrameCodecBuilder> server) {
        AtomicReference<Http2FrameStream> opened = new AtomicReference<>();
        EmbeddedChannel client = new EmbeddedChannel(
                Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        EmbeddedChannel peer = new EmbeddedChannel(server.get().build(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2HeadersFrame headers) {
                    opened.set(headers.stream());
                }
                ReferenceCountUtil.release(msg);
            }
        });
        try {
            pump(client, peer);
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(client)
                    .open()
                    .syncUninterruptibly()
                    .getNow();
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:22"), false));
            pump(client, peer);
            assertThat(opened.get()).isNotNull();

            // the server resets the stream; before the client hears of it, it sends more
            peer.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(opened.get()));
            for (int i = 0; i < LATE_FRAMES; i++) {
                // one frame each: DATA frames queued together would go as one
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {1}), false));
                client.runPendingTasks();
            }
            client.runPendingTasks();
            for (Object out; (out = client.readOutbound()) != null; ) {
                if (peer.isOpen()) {
                    peer.writeInbound(out);
                } else {
                    ReferenceCountUtil.release(out); // closed part-way
                }
            }
            peer.runPendingTasks();
            boolean serverOpen = peer.isActive();
            return new Outcome(serverOpen, resetsWritten(peer));
        } finally {
            client.finishAndReleaseAll();
            peer.finishAndReleaseAll();
        }
    }

    /** Moves bytes both ways until nothing moves. */
    private static void pump(EmbeddedChannel client, EmbeddedChannel peer) {
        for (int round = 0; round < 50; round++) {
            client.runPendingTasks();
            peer.runPendingTasks();
            boolean moved = false;
            for (Object out; (out = client.readOutbound()) != null; moved = true) {
                peer.writeInbound(out);
            }
            for (Object out; (out = peer.readOutbound()) != null; moved = true) {
                client.writeInbound(out);
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the exchange did not settle");
    }

    /** The RST_STREAM frames among what the server wrote and nobody read yet. */
    private static int resetsWritten(EmbeddedChannel peer) {
        AtomicInteger resets = new AtomicInteger();
        ByteBuf written = Unpooled.buffer();
        for (Object out; (out = peer.readOutbound()) != null; ) {
            written.writeBytes((ByteBuf) out);
            ((ByteBuf) out).release();
        }
        EmbeddedChannel reading = new EmbeddedChannel();
        try (DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader()) {
            reader.readFrame(reading.pipeline().firstContext(), written, new Http2FrameAdapter() {
                @Override
                public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
                    resets.incrementAndGet();
                }
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            written.release();
            reading.finishAndReleaseAll();
        }
        return resets.get();
    }
}
