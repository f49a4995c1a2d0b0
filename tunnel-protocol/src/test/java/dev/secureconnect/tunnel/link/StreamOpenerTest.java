package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamOpener} on {@link EmbeddedChannel}s: the opening side (HTTP/2 client with its stream channels) and a
 * peer (HTTP/2 server frame codec) exchange real HTTP/2 bytes, pumped by the test, with no sockets or threads.
 */
class StreamOpenerTest {

    private final Queue<Http2StreamFrame> peerFrames = new ArrayDeque<>();
    private EmbeddedHttp2 http2;
    private EmbeddedChannel link;
    private EmbeddedChannel peer;

    @BeforeEach
    void connect() {
        http2 = new EmbeddedHttp2(peerFrames::add);
        link = http2.link;
        peer = http2.peer;
    }

    @AfterEach
    void close() {
        peerFrames.forEach(ReferenceCountUtil::release);
        http2.close();
    }

    @Test
    void aConnectCompletesOnTwoHundredWithReadingOffAndNothingLost() {
        Future<Http2StreamChannel> opened =
                StreamOpener.connect(link, StreamRequest.loopback(22, "s-1", "12345678"), Duration.ofSeconds(10));
        pump();
        Http2HeadersFrame request = (Http2HeadersFrame) peerFrames.poll();
        assertThat(request.headers().method().toString()).isEqualTo("CONNECT");
        assertThat(request.isEndStream()).isFalse();
        assertThat(opened.isDone()).isFalse();

        // the peer answers 200 and sends bytes at once, before a relay took the stream over
        Http2FrameStream stream = request.stream();
        peer.writeOutbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false).stream(stream));
        peer.writeOutbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("early", StandardCharsets.UTF_8), false)
                .stream(stream));
        pump();
        assertThat(opened.isSuccess()).isTrue();
        Http2StreamChannel channel = opened.getNow();
        assertThat(channel.config().isAutoRead())
                .as("reading stays off until the relay turns it on")
                .isFalse();

        // whoever takes the stream over next reads the early bytes: they waited, they were not dropped
        StringBuilder read = new StringBuilder();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2DataFrame data) {
                    read.append(data.content().toString(StandardCharsets.UTF_8));
                }
                ReferenceCountUtil.release(msg);
            }
        });
        channel.read();
        pump();
        assertThat(read).hasToString("early");
    }

    @Test
    void aRefusalFailsWithThePeersStatusAndReason() {
        Future<Http2StreamChannel> opened =
                StreamOpener.connect(link, StreamRequest.loopback(23, "s-2", "12345678"), Duration.ofSeconds(10));
        pump();
        Http2HeadersFrame request = (Http2HeadersFrame) peerFrames.poll();
        peer.writeOutbound(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers()
                                .status("503")
                                .set(LinkProtocol.HEADER_REASON, "audit log unavailable"),
                        true)
                .stream(request.stream()));
        pump();
        assertThat(opened.isSuccess()).isFalse();
        assertThat(opened.cause()).isInstanceOf(StreamRefusedException.class).hasMessage("audit log unavailable");
        assertThat(((StreamRefusedException) opened.cause()).status()).isEqualTo(503);
    }

    @Test
    void noAnswerWithinTheTimeoutFailsAndResetsTheStream() {
        Future<Http2StreamChannel> opened =
                StreamOpener.connect(link, StreamRequest.loopback(24, "s-3", "12345678"), Duration.ofSeconds(10));
        pump();
        Http2HeadersFrame request = (Http2HeadersFrame) peerFrames.poll();
        assertThat(request).isNotNull();
        link.advanceTimeBy(11, TimeUnit.SECONDS);
        link.runScheduledPendingTasks();
        pump();
        assertThat(opened.isSuccess()).isFalse();
        assertThat(opened.cause()).isInstanceOf(LinkException.class).hasMessage("the peer did not answer within 10 s");
        assertThat(peerFrames.poll()).as("the abandoned stream is reset").isInstanceOf(Http2ResetFrame.class);
    }

    private void pump() {
        http2.pump();
    }
}
