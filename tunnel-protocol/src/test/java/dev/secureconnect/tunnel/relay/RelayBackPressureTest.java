package dev.secureconnect.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's back-pressure on {@link EmbeddedChannel}s, each on its own event loop as in production: a side reads
 * only while its peer is writable (autoRead follows the peer's writability), what was read before the peer filled up
 * is forwarded and not lost, and every buffer is released.
 */
class RelayBackPressureTest {

    private EmbeddedChannel first;
    private EmbeddedChannel second;
    private Relay relay;

    @BeforeEach
    void relay() {
        first = new EmbeddedChannel();
        second = new EmbeddedChannel();
        first.config().setAutoRead(false);
        second.config().setAutoRead(false);
        relay = Relay.start(first, second);
        runTasks();
    }

    @AfterEach
    void release() {
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void readingStopsWhileThePeerIsUnwritableAndResumesWhenItDrains() {
        assertThat(first.config().isAutoRead())
                .as("reading once the relay is in place")
                .isTrue();
        assertThat(second.config().isAutoRead()).isTrue();

        unwritable(second, true);
        runTasks();
        assertThat(first.config().isAutoRead())
                .as("the peer is full: the first side stops reading")
                .isFalse();
        assertThat(second.config().isAutoRead())
                .as("the other direction is not held back")
                .isTrue();

        // what the first side had already read is forwarded, not lost
        first.writeInbound(bytes("in flight"));
        runTasks();
        assertThat(text(second.readOutbound())).isEqualTo("in flight");
        assertThat(first.config().isAutoRead())
                .as("a read completing does not turn reading back on")
                .isFalse();

        unwritable(second, false);
        runTasks();
        assertThat(first.config().isAutoRead())
                .as("the peer drained: reading again")
                .isTrue();
        first.writeInbound(bytes("after"));
        runTasks();
        assertThat(text(second.readOutbound())).isEqualTo("after");
        assertThat(relay.bytesFirstToSecond()).isEqualTo("in flight".length() + "after".length());
    }

    @Test
    void aWritabilityFlipWhileTheReaderIsBusyIsNotLost() {
        // the peer fills and drains again before the reader's loop runs the first notification: the reader ends up
        // following the peer's writability as it is now, whatever order the notifications run in
        unwritable(second, true);
        unwritable(second, false);
        unwritable(second, true);
        runTasks();
        assertThat(first.config().isAutoRead()).isFalse();
        unwritable(second, false);
        runTasks();
        assertThat(first.config().isAutoRead()).isTrue();
    }

    /**
     * The two sides are set up on their own loops, in either order. A writability change of the second side before its
     * handler is in place reaches no one: the first side must not have started reading on the strength of a state
     * that then changed unseen. Reading starts only once both handlers are in place, from the writability as it is
     * then. (Before, the first side read at once, filled the second, stopped, and never heard that it drained: the
     * {@code LinkTest} stall, 4 times in 20 on a loaded machine.)
     */
    @Test
    void aSideSetUpFirstWaitsForTheOtherAndMissesNoWritabilityChange() {
        EmbeddedChannel front = new EmbeddedChannel();
        EmbeddedChannel back = new EmbeddedChannel();
        front.config().setAutoRead(false);
        back.config().setAutoRead(false);
        try {
            Relay.start(front, back);
            front.runPendingTasks(); // the first side's loop gets there first
            assertThat(front.config().isAutoRead())
                    .as("no reading before the other side's handler is in place")
                    .isFalse();

            unwritable(back, true); // filled and drained again before its handler is there: nobody hears of it
            unwritable(back, false);
            back.runPendingTasks();
            front.runPendingTasks();
            assertThat(front.config().isAutoRead())
                    .as("reading, from the other side's writability as it is now")
                    .isTrue();
            assertThat(back.config().isAutoRead()).isTrue();

            front.writeInbound(bytes("through"));
            front.runPendingTasks();
            back.runPendingTasks();
            assertThat(text(back.readOutbound())).isEqualTo("through");
        } finally {
            front.finishAndReleaseAll();
            back.finishAndReleaseAll();
        }
    }

    @Test
    void bothDirectionsEndingFinishTheRelayWithEveryByteCounted() {
        first.writeInbound(bytes("ping"));
        second.writeInbound(bytes("pong"));
        runTasks();
        assertThat(text(second.readOutbound())).isEqualTo("ping");
        assertThat(text(first.readOutbound())).isEqualTo("pong");
        first.close();
        runTasks();
        second.runPendingTasks();
        assertThat(relay.finished().isDone()).isTrue();
        Relay.Outcome outcome = relay.finished().getNow();
        assertThat(outcome.bytesFirstToSecond()).isEqualTo(4);
        assertThat(outcome.bytesSecondToFirst()).isEqualTo(4);
        assertThat(second.isOpen()).as("a side closing closes the other").isFalse();
    }

    private static void unwritable(EmbeddedChannel channel, boolean full) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, !full);
    }

    private void runTasks() {
        for (int i = 0; i < 4; i++) {
            first.runPendingTasks();
            second.runPendingTasks();
        }
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static String text(Object message) {
        ByteBuf buffer = (ByteBuf) message;
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            buffer.release();
        }
    }
}
