package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.engineer.EngineerException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One JSON API answer collected on an {@link EmbeddedChannel}: status, reason and body; an answer over the bound, a
 * reset or a stream that closes before the end fail with one line; the server's error becomes the exception's message.
 */
class JsonExchangeTest {

    private final Promise<JsonExchange.Answer> answer = ImmediateEventExecutor.INSTANCE.newPromise();

    private EmbeddedChannel exchange(int maxBytes) {
        return new EmbeddedChannel(new JsonExchange(answer, maxBytes));
    }

    @Test
    void aWholeAnswerIsCollectedAndTheStreamClosed() {
        EmbeddedChannel stream = exchange(1024);
        stream.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        ByteBuf first = text("{\"appliances\":");
        stream.writeInbound(new DefaultHttp2DataFrame(first));
        stream.writeInbound(new DefaultHttp2DataFrame(text("[\"SN-1\"]}"), true));
        assertThat(answer.getNow().status()).isEqualTo(200);
        assertThat(answer.getNow().json("the list").path("appliances").get(0).asText())
                .isEqualTo("SN-1");
        assertThat(first.refCnt()).isZero();
        assertThat(stream.isOpen()).isFalse();
    }

    @Test
    void theServersErrorBecomesTheMessageOnOneLine() {
        EmbeddedChannel stream = exchange(1024);
        stream.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("403")));
        stream.writeInbound(new DefaultHttp2DataFrame(
                text("{\"error\":\"ticket 12345678\\nis closed\",\"reason\":\"ticket-closed\"}"), true));
        assertThatThrownBy(() -> answer.getNow().json("access"))
                .isInstanceOf(ApiException.class)
                .hasMessage("ticket 12345678; is closed");
    }

    @Test
    void anAnswerWithoutABodySaysItsStatusOrReason() {
        EmbeddedChannel stream = exchange(1024);
        stream.writeInbound(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().status("503").set("sc-reason", "audit log unavailable"), true));
        assertThatThrownBy(() -> answer.getNow().json("login"))
                .isInstanceOf(ApiException.class)
                .hasMessage("audit log unavailable");
    }

    @Test
    void anAnswerOverTheBoundFailsAndClosesTheStream() {
        EmbeddedChannel stream = exchange(8);
        stream.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        ByteBuf big = text("0123456789");
        stream.writeInbound(new DefaultHttp2DataFrame(big));
        assertThat(answer.cause())
                .isInstanceOf(EngineerException.class)
                .hasMessage("the server's answer exceeds 8 bytes");
        assertThat(big.refCnt()).isZero();
        assertThat(stream.isOpen()).isFalse();
    }

    @Test
    void aResetOrAnEarlyCloseFailsIt() {
        EmbeddedChannel reset = exchange(1024);
        reset.writeInbound(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
        assertThat(answer.cause()).hasMessage("the server reset the request (7)");

        Promise<JsonExchange.Answer> other = ImmediateEventExecutor.INSTANCE.newPromise();
        EmbeddedChannel closed = new EmbeddedChannel(new JsonExchange(other, 1024));
        closed.close();
        assertThat(other.cause()).hasMessage("the connection to the server closed before it answered");
    }

    private static ByteBuf text(String value) {
        return Unpooled.copiedBuffer(value, StandardCharsets.UTF_8);
    }
}
