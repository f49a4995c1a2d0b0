package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Settings;
import org.junit.jupiter.api.Test;

class LinkCodecsTest {

    @Test
    void bothSidesAdvertiseTheStreamWindowAndBigFrames() {
        for (boolean client : new boolean[] {true, false}) {
            Http2Settings settings = LinkCodecs.http2Settings(LinkSettings.DEFAULT, client);
            assertThat(settings.initialWindowSize()).isEqualTo(LinkSettings.DEFAULT.streamWindowBytes());
            assertThat(settings.maxConcurrentStreams()).isEqualTo(LinkSettings.DEFAULT.maxConcurrentStreams());
            assertThat(settings.maxFrameSize())
                    .isEqualTo(Http2Connections.MAX_FRAME_BYTES)
                    .isEqualTo(64 * 1024);
        }
        assertThat(LinkCodecs.http2Settings(LinkSettings.DEFAULT, true).pushEnabled())
                .isFalse();
    }
}
