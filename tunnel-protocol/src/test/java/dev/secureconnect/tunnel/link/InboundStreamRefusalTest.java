package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The server side of a link closes every stream the appliance opens, and answers an appliance that opens more than
 * the reset limit allows within its window with GOAWAY {@code ENHANCE_YOUR_CALM}, the reason kept, and the link closed.
 */
class InboundStreamRefusalTest {

    private static EmbeddedChannel stream(EmbeddedChannel link, InboundStreamRefusal refusal) {
        return new EmbeddedChannel(link, DefaultChannelId.newInstance(), true, false, refusal);
    }

    @Test
    void eachStreamIsClosedAtOnceAndTheLinkStaysUpWithinTheLimit() {
        EmbeddedChannel link = new EmbeddedChannel();
        InboundStreamRefusal refusal =
                new InboundStreamRefusal(new Http2Connections.ResetLimit(3, Duration.ofMinutes(1)));

        for (int i = 0; i < 3; i++) {
            EmbeddedChannel stream = stream(link, refusal);
            assertThat(stream.isOpen()).isFalse();
            assertThat(stream.finish()).isFalse();
        }

        assertThat(link.isOpen()).isTrue();
        assertThat((Object) link.readOutbound()).isNull();
        assertThat(link.attr(LinkCodecs.CLOSE_REASON).get()).isNull();
        assertThat(link.finish()).isFalse();
    }

    @Test
    void oneStreamOverTheLimitIsToldGoAwayWithTheReasonAndTheLinkCloses() {
        EmbeddedChannel link = new EmbeddedChannel();
        InboundStreamRefusal refusal =
                new InboundStreamRefusal(new Http2Connections.ResetLimit(2, Duration.ofMinutes(1)));
        stream(link, refusal);
        stream(link, refusal);
        assertThat(link.isOpen()).isTrue();

        EmbeddedChannel third = stream(link, refusal);

        assertThat(third.isOpen()).isFalse();
        String reason = "the appliance opened 3 streams within 60 s; it may open none";
        assertThat(link.attr(LinkCodecs.CLOSE_REASON).get()).isEqualTo(reason);
        Http2GoAwayFrame goAway = link.readOutbound();
        try {
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(goAway.content().toString(StandardCharsets.UTF_8)).isEqualTo(reason);
        } finally {
            goAway.release();
        }
        assertThat(goAway.refCnt()).isZero();
        assertThat(link.isOpen()).isFalse();
    }

    @Test
    void aStreamWithoutItsLinkIsStillClosed() {
        InboundStreamRefusal refusal =
                new InboundStreamRefusal(new Http2Connections.ResetLimit(1, Duration.ofMinutes(1)));
        EmbeddedChannel first = new EmbeddedChannel(refusal);
        EmbeddedChannel second = new EmbeddedChannel(refusal);
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isFalse();
    }
}
