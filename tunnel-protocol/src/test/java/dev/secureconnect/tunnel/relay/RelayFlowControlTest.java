package dev.secureconnect.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relay between an HTTP/2 stream and a socket-like channel, on {@link EmbeddedChannel}s exchanging real HTTP/2: when
 * the peer stops granting window the stream fills and the socket side stops reading; once the peer consumes and sends
 * WINDOW_UPDATE the queued bytes go out, the stream drains and the socket side reads again — and a half-close with
 * bytes still held by flow control ends the stream only after them.
 */
class RelayFlowControlTest {

    private static final int CHUNK = 16 * 1024;

    private EmbeddedChannel link;
    private EmbeddedChannel peer;
    private EmbeddedChannel socket;
    private Http2StreamChannel stream;
    private Http2FrameStream peerStream;
    private final Queue<Http2StreamFrame> peerFrames = new ArrayDeque<>();
    private long peerReceived;
    private boolean peerSawEnd;

    @BeforeEach
    void relay() {
        link = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        peer = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2DataFrame data) {
                    peerReceived += data.content().readableBytes();
                    peerSawEnd |= data.isEndStream();
                    ReferenceCountUtil.release(msg); // the window is given back only when the test says so
                } else if (msg instanceof Http2StreamFrame frame) {
                    peerFrames.add(frame);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
        pump();
        Future<Http2StreamChannel> opened = StreamOpener.connect(link, StreamRequest.loopback(22, "s-1", "12345678"),
                Duration.ofSeconds(10));
        pump();
        peerStream = ((Http2HeadersFrame) peerFrames.poll()).stream();
        peer.writeOutbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false).stream(peerStream));
        pump();
        stream = opened.getNow();
        socket = new EmbeddedChannel();
        socket.config().setAutoRead(false);
        Relay.start(socket, stream);
        pump();
    }

    @AfterEach
    void close() {
        peerFrames.forEach(ReferenceCountUtil::release);
        socket.finishAndReleaseAll();
        link.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }

    @Test
    void theSocketSideReadsOnlyWhileThePeerGrantsWindow() {
        assertThat(socket.config().isAutoRead()).isTrue();
        int sent = 0;
        // 64 KiB of window, then the stream's own 64 KiB high-water mark: somewhere past both, reading stops
        while (socket.config().isAutoRead() && sent < 1 << 20) {
            socket.writeInbound(Unpooled.wrappedBuffer(new byte[CHUNK]));
            sent += CHUNK;
            pump();
        }
        assertThat(socket.config().isAutoRead()).as("reading stopped while the peer grants no window").isFalse();
        assertThat(sent).isLessThan(1 << 20);
        assertThat(peerReceived).isEqualTo(65_535);

        grant((int) peerReceived);
        assertThat(peerReceived).isGreaterThan(65_535);
        for (int round = 0; round < 100 && !socket.config().isAutoRead(); round++) {
            grant((int) (peerReceived - granted));
        }
        assertThat(socket.config().isAutoRead()).as("reading again once the stream drained").isTrue();
        assertThat(peerReceived).isEqualTo(sent);
    }

    @Test
    void aHalfCloseWithBytesHeldByFlowControlEndsTheStreamAfterThem() {
        int sent = 0;
        for (int i = 0; i < 8; i++) { // 128 KiB: half of it waits for window
            socket.writeInbound(Unpooled.wrappedBuffer(new byte[CHUNK]));
            sent += CHUNK;
        }
        socket.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        pump();
        assertThat(peerSawEnd).as("END_STREAM waits behind the held bytes").isFalse();
        for (int round = 0; round < 100 && !peerSawEnd; round++) {
            grant((int) (peerReceived - granted));
        }
        assertThat(peerSawEnd).isTrue();
        assertThat(peerReceived).isEqualTo(sent);
    }

    private long granted;

    /** The peer consumes what it received: WINDOW_UPDATE for the stream (and so the connection). */
    private void grant(int bytes) {
        if (bytes > 0) {
            peer.writeOutbound(new DefaultHttp2WindowUpdateFrame(bytes).stream(peerStream));
            granted += bytes;
        }
        pump();
    }

    private void pump() {
        for (int round = 0; round < 200; round++) {
            link.runPendingTasks();
            peer.runPendingTasks();
            if (socket != null) {
                socket.runPendingTasks();
            }
            boolean moved = false;
            for (Object out; (out = link.readOutbound()) != null; moved = true) {
                peer.writeInbound(out);
            }
            for (Object out; (out = peer.readOutbound()) != null; moved = true) {
                link.writeInbound(out);
            }
            if (!moved && !link.hasPendingTasks() && !peer.hasPendingTasks()
                    && (socket == null || !socket.hasPendingTasks())) {
                return;
            }
        }
        throw new AssertionError("the exchange did not settle within 200 rounds");
    }
}
