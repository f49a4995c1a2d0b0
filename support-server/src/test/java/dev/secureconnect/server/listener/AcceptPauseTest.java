package dev.secureconnect.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a listener stops and starts accepting, on an {@link EmbeddedChannel} standing for the listening channel (each
 * message read is an accepted connection, as Netty's server channels read them): it stops at its cap of unfinished
 * handshakes and starts again at 90 % of it, counting a connection until its handshake ends or it closes, once.
 */
class AcceptPauseTest {

    private final AcceptPause pause = new AcceptPause("appliance", 10);
    private final EmbeddedChannel listening = new EmbeddedChannel(pause);
    private final List<EmbeddedChannel> accepted = new ArrayList<>();

    @AfterEach
    void close() {
        listening.finishAndReleaseAll();
        accepted.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void stopsAcceptingAtTheCapAndStartsAgainAtNinetyPerCent() {
        assertThat(pause.resumeAt()).isEqualTo(9);
        for (int i = 0; i < 9; i++) {
            accept();
        }
        assertThat(listening.config().isAutoRead()).as("9 of 10").isTrue();
        accept();
        assertThat(listening.config().isAutoRead()).as("at the cap").isFalse();
        assertThat(pause.open()).isEqualTo(10);
        assertThat((Object) listening.readInbound())
                .as("the connection that reached the cap is still accepted")
                .isNotNull();

        AcceptPause.handshakeEnded(accepted.get(0)); // 9 unfinished: resume
        listening.runPendingTasks();
        assertThat(listening.config().isAutoRead()).as("back to 90 %").isTrue();
        assertThat(pause.open()).isEqualTo(9);
    }

    @Test
    void aConnectionCountsUntilItsHandshakeEndsOrItClosesOnce() {
        for (int i = 0; i < 10; i++) {
            accept();
        }
        EmbeddedChannel first = accepted.get(0);
        AcceptPause.handshakeEnded(first);
        AcceptPause.handshakeEnded(first); // twice: counted once
        first.close(); // and closed after: still once
        assertThat(pause.open()).isEqualTo(9);

        accepted.get(1).close(); // closed before its handshake ended (at accept, or a time-out)
        assertThat(pause.open()).isEqualTo(8);
        listening.runPendingTasks();
        assertThat(listening.config().isAutoRead()).isTrue();
    }

    @Test
    void staysPausedAboveNinetyPerCent() {
        for (int i = 0; i < 10; i++) {
            accept();
        }
        accept(); // one that was already on its way when the pause took effect
        AcceptPause.handshakeEnded(accepted.get(0));
        listening.runPendingTasks();
        assertThat(pause.open()).isEqualTo(10);
        assertThat(listening.config().isAutoRead())
                .as("10 unfinished: still paused")
                .isFalse();
        AcceptPause.handshakeEnded(accepted.get(1));
        listening.runPendingTasks();
        assertThat(listening.config().isAutoRead()).as("9 unfinished").isTrue();
    }

    @Test
    void handshakesThatEndBeforeThePauseShowsDoNotLeaveItPausedForGood() {
        AcceptPause one = new AcceptPause("engineer", 1); // resumes at 0
        EmbeddedChannel server = new EmbeddedChannel(one);
        EmbeddedChannel connection = new EmbeddedChannel();
        try {
            server.writeInbound(connection);
            assertThat(server.config().isAutoRead()).isFalse();
            connection.close();
            server.runPendingTasks();
            assertThat(server.config().isAutoRead()).isTrue();
            assertThat(one.open()).isZero();
        } finally {
            server.finishAndReleaseAll();
            connection.finishAndReleaseAll();
        }
    }

    @Test
    void otherMessagesPassThroughUncounted() {
        listening.writeInbound("not a connection");
        assertThat((Object) listening.readInbound()).isEqualTo("not a connection");
        assertThat(pause.open()).isZero();
    }

    private Channel accept() {
        EmbeddedChannel connection = new EmbeddedChannel();
        accepted.add(connection);
        listening.writeInbound(connection);
        return connection;
    }
}
