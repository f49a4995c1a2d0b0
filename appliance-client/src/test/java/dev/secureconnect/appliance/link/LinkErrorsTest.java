package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A link that is up: whatever fails in its pipeline closes it, and the supervisor hears why on one line. */
class LinkErrorsTest {

    private final List<String> problems = new ArrayList<>();
    private final LinkConnector.Events events = new LinkConnector.Events() {
        @Override
        public void up(Channel link, String serverIdentity) {
            throw new AssertionError("not a handshake");
        }

        @Override
        public void problem(String reason) {
            problems.add(reason);
        }

        @Override
        public void serverRefused(String reason) {
            throw new AssertionError("not a handshake");
        }

        @Override
        public void serverBusy(String reason) {
            throw new AssertionError("not a handshake");
        }
    };

    @Test
    void aFailureClosesTheLinkAndIsReportedOnOneLine() {
        EmbeddedChannel link = new EmbeddedChannel(new TlsLinkConnector.LinkErrors(events));
        link.pipeline().fireExceptionCaught(new DecoderException("bad frame\r\nsize 99999999"));
        assertThat(problems).containsExactly("the link failed: bad frame; size 99999999");
        assertThat(link.isOpen()).isFalse();
    }

    @Test
    void aFailureWithoutAMessageStillSaysTheLinkFailed() {
        EmbeddedChannel link = new EmbeddedChannel(new TlsLinkConnector.LinkErrors(events));
        link.pipeline().fireExceptionCaught(new IllegalStateException());
        assertThat(problems).containsExactly("the link failed: null");
        assertThat(link.isOpen()).isFalse();
    }
}
