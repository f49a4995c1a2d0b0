package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** A stream the peer opens towards a side that opens its own only is closed as soon as it is active. */
class RefuseInboundStreamsTest {

    @Test
    void anInboundStreamIsClosedAtOnce() {
        EmbeddedChannel stream = new EmbeddedChannel(new Http2Connections.RefuseInboundStreams());
        assertThat(stream.isOpen()).isFalse();
        assertThat(stream.finish()).isFalse();
    }

    @Test
    void oneInstanceServesEveryStream() {
        Http2Connections.RefuseInboundStreams shared = new Http2Connections.RefuseInboundStreams();
        EmbeddedChannel first = new EmbeddedChannel(shared);
        EmbeddedChannel second = new EmbeddedChannel(shared);
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isFalse();
    }
}
