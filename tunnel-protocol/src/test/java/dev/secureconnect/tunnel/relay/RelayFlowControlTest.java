package dev.secureconnect.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.tunnel.link.EmbeddedHttp2;
import dev.secureconnect.tunnel.link.StreamOpener;
import dev.secureconnect.tunnel.link.StreamRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
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

    private EmbeddedHttp2 http2;
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
        http2 = new EmbeddedHttp2(frame -> {
            if (frame instanceof Http2DataFrame data) {
                peerReceived += data.content().readableBytes();
                peerSawEnd |= data.isEndStream();
                ReferenceCountUtil.release(frame); // the window is given back only when the test says so
            } else {
                peerFrames.add(frame);
            }
        });
        link = http2.link;
        peer = http2.peer;
        Future<Http2StreamChannel> opened =
                StreamOpener.connect(link, StreamRequest.loopback(22, "s-1", "12345678"), Duration.ofSeconds(10));
        pump();
        peerStream = ((Http2HeadersFrame) peerFrames.poll()).stream();
        peer.writeOutbound(
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false).stream(peerStream));
        pump();
        stream = opened.getNow();
        socket = new EmbeddedChannel();
        socket.config().setAutoRead(false);
        http2.alsoRun(socket);
        Relay.start(socket, stream);
        pump();
    }

    @AfterEach
    void close() {
        peerFrames.forEach(ReferenceCountUtil::release);
        http2.close();
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
        assertThat(socket.config().isAutoRead())
                .as("reading stopped while the peer grants no window")
                .isFalse();
        assertThat(sent).isLessThan(1 << 20);
        assertThat(peerReceived).isEqualTo(65_535);

        grant((int) peerReceived);
        assertThat(peerReceived).isGreaterThan(65_535);
        for (int round = 0; round < 100 && !socket.config().isAutoRead(); round++) {
            grant((int) (peerReceived - granted));
        }
        assertThat(socket.config().isAutoRead())
                .as("reading again once the stream drained")
                .isTrue();
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
        http2.pump();
    }
}
