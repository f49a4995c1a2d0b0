package dev.secureconnect.appliance.enrol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The client end of an enrolment connection on an {@link EmbeddedChannel}: the answer, or why there is none. */
class EnrolmentAnswerHandlerTest {

    @Test
    void theResponseCompletesTheAnswerAndClosesTheConnection() {
        CompletableFuture<EnrolmentAnswerHandler.Response> answer = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel(new EnrolmentAnswerHandler(answer));

        channel.writeInbound(new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.FORBIDDEN,
                Unpooled.copiedBuffer("{\"error\":\"used\"}", StandardCharsets.UTF_8)));

        assertThat(answer).isCompleted();
        assertThat(answer.join().status()).isEqualTo(403);
        assertThat(new String(answer.join().body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"used\"}");
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aConnectionClosedWithoutAnAnswerFailsIt() {
        CompletableFuture<EnrolmentAnswerHandler.Response> answer = new CompletableFuture<>();
        EmbeddedChannel channel = new EmbeddedChannel(new EnrolmentAnswerHandler(answer));

        channel.close();

        assertThat(answer).isCompletedExceptionally();
        assertThat(answer.handle((response, failure) -> failure.getMessage()).join())
                .contains("closed the connection without answering");
        assertThat(channel.finish()).isFalse();
    }
}
