package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class Http2ConnectionsTest {

    @Test
    void settingsCarryTheWindowAndTheFrameSize() {
        assertThat(Http2Connections.settings(Http2Connections.ENGINEER_WINDOW_BYTES)
                        .initialWindowSize())
                .isEqualTo(2 * 1024 * 1024);
        assertThat(Http2Connections.settings(65_535).maxFrameSize()).isEqualTo(Http2Connections.MAX_FRAME_BYTES);
    }

    @Test
    void aQuietConnectionIsPingedAndPingAnswersAreDropped() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2Connections.KeepAlive(Duration.ofSeconds(90)));
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        Object ping = channel.readOutbound();
        assertThat(ping).isInstanceOf(Http2PingFrame.class);
        assertThat(channel.writeInbound(new DefaultHttp2PingFrame(1, true))).isFalse();
        assertThat(channel.isActive()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void aSilentPeerClosesTheConnectionWithTheReason() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2Connections.KeepAlive(Duration.ofSeconds(90)));
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(channel.isActive()).isFalse();
        assertThat(channel.attr(LinkCodecs.CLOSE_REASON).get()).isEqualTo("dead link: nothing received for 90 s");
        channel.finishAndReleaseAll();
    }

    @Test
    void thePeersGoAwayReasonIsKept() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2Connections.KeepAlive(Duration.ZERO));
        assertThat(channel.writeInbound(new DefaultHttp2GoAwayFrame(
                        Http2Error.NO_ERROR, Unpooled.copiedBuffer("server\nshutting down", StandardCharsets.UTF_8))))
                .isFalse();
        assertThat(channel.attr(LinkCodecs.CLOSE_REASON).get()).isEqualTo("peer: server shutting down");
        channel.finishAndReleaseAll();
    }
}
