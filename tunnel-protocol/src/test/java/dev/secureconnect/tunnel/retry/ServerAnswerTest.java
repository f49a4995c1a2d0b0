package dev.secureconnect.tunnel.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/**
 * Whether the server answered an attempt, on an {@link EmbeddedChannel} standing for the client's connection: the first
 * bytes from the server mark it answered and pass on, and the watch leaves the pipeline; an attempt closed unanswered,
 * or whose connect timed out, met a busy server; a refused connect did not.
 */
class ServerAnswerTest {

    @Test
    void theServersFirstBytesMarkTheAttemptAnsweredAndPassOn() {
        EmbeddedChannel connection = new EmbeddedChannel();
        ServerAnswer.watch(connection.pipeline());
        assertThat(ServerAnswer.answered(connection)).isFalse();
        assertThat(ServerAnswer.busy(connection, null))
                .as("closed now, unanswered")
                .isTrue();

        connection.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x03}));
        ByteBuf passed = connection.readInbound();
        assertThat(passed.readableBytes()).isEqualTo(3);
        passed.release();
        assertThat(ServerAnswer.answered(connection)).isTrue();
        assertThat(ServerAnswer.busy(connection, null)).isFalse();
        assertThat(connection.pipeline().get("server-answer"))
                .as("left the pipeline")
                .isNull();
        connection.finishAndReleaseAll();
    }

    @Test
    void aConnectThatTimedOutMetABusyServerOneRefusedDidNot() {
        EmbeddedChannel connection = new EmbeddedChannel();
        assertThat(ServerAnswer.busy(connection, new ConnectTimeoutException("connection timed out")))
                .isTrue();
        assertThat(ServerAnswer.busy(connection, new ConnectException("Connection refused")))
                .isFalse();
        connection.finishAndReleaseAll();
    }
}
