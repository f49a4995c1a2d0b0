package dev.secureconnect.appliance.callhome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.config.ServerAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The Call Home sender's reading of the server's answer, on an {@link EmbeddedChannel}: the status and the server's
 * reason on one line, then the connection closed; a close or a failure before any answer is the answer, said in
 * words; the response's buffer is released.
 */
class AnswerReaderTest {

    private static final ServerAddress SERVER = new ServerAddress("support.test", 8443);

    private final CompletableFuture<BundleSender.Answer> answer = new CompletableFuture<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new BundleSender.AnswerReader(SERVER, answer));

    private static DefaultFullHttpResponse response(HttpResponseStatus status, String body) {
        return new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    @Test
    void theServersAnswerIsTakenOnOneLineAndTheConnectionClosed() {
        DefaultFullHttpResponse stored = response(HttpResponseStatus.CREATED, "bundle b-1 stored\n");
        ByteBuf body = stored.content();

        channel.writeInbound(stored);

        assertThat(answer.join()).isEqualTo(new BundleSender.Answer(201, "bundle b-1 stored"));
        assertThat(answer.join().delivered()).isTrue();
        assertThat(body.refCnt()).isZero();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void theCasesOnTheSecondLineOfADeliveredAnswerAreTakenAndMalformedOnesLeftOut() {
        channel.writeInbound(response(
                HttpResponseStatus.CREATED,
                "stored bundle b-1\n{\"cases\":[{\"id\":\"C12345678\",\"ticket\":\"12345678\",\"title\":\"t\","
                        + "\"severity\":\"low\",\"scope\":{\"seconds\":600},\"openedAt\":\"2026-12-07T20:00:00Z\","
                        + "\"state\":\"open\"}]}\n"));

        BundleSender.Answer stored = answer.join();
        assertThat(stored.message()).isEqualTo("stored bundle b-1");
        assertThat(stored.cases()).isNotNull();
        assertThat(stored.cases().cases()).extracting(c -> c.id()).containsExactly("C12345678");

        CompletableFuture<BundleSender.Answer> second = new CompletableFuture<>();
        new EmbeddedChannel(new BundleSender.AnswerReader(SERVER, second))
                .writeInbound(response(HttpResponseStatus.OK, "bundle b-1 was already stored\n{\"cases\":[{}]}"));
        assertThat(second.join()).isEqualTo(new BundleSender.Answer(200, "bundle b-1 was already stored"));
    }

    @Test
    void aRefusalKeepsItsReasonWithoutLineBreaks() {
        channel.writeInbound(response(HttpResponseStatus.BAD_REQUEST, "bundle refused:\nserial SN-2 is not yours"));

        BundleSender.Answer refused = answer.join();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.refused()).isTrue();
        assertThat(refused.message()).doesNotContain("\n").contains("serial SN-2 is not yours");
    }

    @Test
    void aCloseBeforeAnyAnswerSaysSo() {
        channel.close();

        assertThat(answer.join())
                .isEqualTo(new BundleSender.Answer(
                        0, "the server at support.test:8443 closed the connection without answering"));
        assertThat(answer.join().delivered()).isFalse();
    }

    @Test
    void aFailureIsTheAnswerAndClosesTheConnection() {
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset\nby peer"));

        assertThat(answer.join()).isEqualTo(new BundleSender.Answer(0, "Connection reset; by peer"));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void onlyTheFirstOfAnswerAndCloseCounts() {
        channel.writeInbound(response(HttpResponseStatus.OK, "bundle b-1 already stored"));
        channel.close();

        assertThat(answer.join()).isEqualTo(new BundleSender.Answer(200, "bundle b-1 already stored"));
    }
}
