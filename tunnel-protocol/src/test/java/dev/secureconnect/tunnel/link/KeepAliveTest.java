package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2Connections#idleHandler} and {@link Http2Connections.KeepAlive} together, in the order a link's pipeline
 * has them, on the real clock with short timeouts: a PING once the connection is quiet, the connection closed when
 * nothing (no PING ack) arrives within the dead-link timeout, and an ack that keeps it open.
 */
class KeepAliveTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration DEAD_AFTER = Duration.ofSeconds(1);
    /** Long enough for any of the timers above on a loaded machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** How often the test runs the channel's due timers while it waits. */
    private static final Duration POLL = Duration.ofMillis(5);

    private static EmbeddedChannel link(Duration deadAfter) {
        return new EmbeddedChannel(
                Http2Connections.idleHandler(deadAfter, INTERVAL), new Http2Connections.KeepAlive(deadAfter));
    }

    @Test
    void aQuietConnectionSendsAPing() {
        EmbeddedChannel channel = link(Duration.ZERO);
        assertThat((Object) channel.readOutbound()).isNull();

        Object ping = awaitOutbound(channel);

        assertThat(ping).isInstanceOf(Http2PingFrame.class);
        assertThat(((Http2PingFrame) ping).ack()).isFalse();
        assertThat(channel.isActive()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void noAckWithinTheDeadLinkTimeoutClosesTheConnectionWithTheReason() {
        EmbeddedChannel channel = link(DEAD_AFTER);
        long start = System.nanoTime();

        await(channel, () -> !channel.isActive());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DEAD_AFTER);
        assertThat(channel.attr(LinkCodecs.CLOSE_REASON).get()).isEqualTo("dead link: nothing received for 1 s");
        channel.finishAndReleaseAll();
    }

    @Test
    void anAckResetsTheDeadLinkTimer() {
        EmbeddedChannel channel = link(DEAD_AFTER);
        long start = System.nanoTime();
        Duration acked = DEAD_AFTER.multipliedBy(2);
        int pings = 0;
        while (Duration.ofNanos(System.nanoTime() - start).compareTo(acked) < 0) {
            Object ping = awaitOutbound(channel);
            assertThat(ping).isInstanceOf(Http2PingFrame.class);
            pings++;
            // what the peer's codec answers; the keep-alive drops it after the idle handler saw it arrive
            assertThat(channel.writeInbound(new DefaultHttp2PingFrame(((Http2PingFrame) ping).content(), true)))
                    .isFalse();
            assertThat(channel.isActive())
                    .as("open while acked, ping %d", pings)
                    .isTrue();
        }
        assertThat(pings).isGreaterThan(2);

        await(channel, () -> !channel.isActive()); // no more acks: dead after the timeout
        assertThat(channel.attr(LinkCodecs.CLOSE_REASON).get()).startsWith("dead link");
        channel.finishAndReleaseAll();
    }

    /** The next message written, running the channel's timers until there is one (bounded by {@link #PATIENCE}). */
    private static Object awaitOutbound(EmbeddedChannel channel) {
        Object[] written = new Object[1];
        await(channel, () -> (written[0] = channel.readOutbound()) != null);
        return written[0];
    }

    private static void await(EmbeddedChannel channel, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", PATIENCE).isLessThan(deadline);
            channel.runScheduledPendingTasks();
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
