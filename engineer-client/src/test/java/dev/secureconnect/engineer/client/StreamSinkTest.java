package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The engineer's receiving end of a session stream, on an {@link EmbeddedChannel}: bytes to the target, the end with
 * or without trailers, a reset, a failing target and a stream that closes early each end it once, with one line, and
 * every frame is released.
 */
class StreamSinkTest {

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Promise<Http2Headers> ended = ImmediateEventExecutor.INSTANCE.newPromise();

    private EmbeddedChannel sink(StreamSink.Target target) {
        return new EmbeddedChannel(new StreamSink(target, ended));
    }

    private EmbeddedChannel sink() {
        return sink(bytes -> bytes.readBytes(received, bytes.readableBytes()));
    }

    @Test
    void bytesGoToTheTargetAndEndStreamEndsItWithoutTrailers() {
        EmbeddedChannel channel = sink();
        ByteBuf first = text("first ");
        ByteBuf last = text("last");
        channel.writeInbound(new DefaultHttp2DataFrame(first), new DefaultHttp2DataFrame(last, true));
        assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo("first last");
        assertThat(ended.isSuccess()).isTrue();
        assertThat(ended.getNow().isEmpty()).isTrue();
        assertThat(first.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void trailersEndItWithTheirHeaders() {
        EmbeddedChannel channel = sink();
        channel.writeInbound(new DefaultHttp2DataFrame(text("out")));
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("sc-exit-status", "3"), true));
        assertThat(ended.getNow().get("sc-exit-status").toString()).isEqualTo("3");
        // what arrives after the end is dropped and released
        ByteBuf late = text("late");
        channel.writeInbound(new DefaultHttp2DataFrame(late));
        assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo("out");
        assertThat(late.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void aResetFailsItWithTheErrorCode() {
        EmbeddedChannel channel = sink();
        channel.writeInbound(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        assertThat(ended.cause()).hasMessage("the server reset the stream (8)");
        channel.finishAndReleaseAll();
    }

    @Test
    void aFailingTargetFailsItOnOneLineAndClosesTheStream() {
        EmbeddedChannel channel = sink(bytes -> {
            throw new IOException("disk full\nwhile writing");
        });
        ByteBuf data = text("x");
        channel.writeInbound(new DefaultHttp2DataFrame(data));
        assertThat(ended.cause()).hasMessage("disk full; while writing");
        assertThat(channel.isOpen()).isFalse();
        assertThat(data.refCnt()).isZero();
    }

    @Test
    void aStreamThatClosesBeforeItsEndFailsIt() {
        EmbeddedChannel channel = sink();
        channel.writeInbound(new DefaultHttp2DataFrame(text("partial")));
        channel.close();
        assertThat(ended.cause()).hasMessage("the stream closed before the server ended it");
    }

    private static ByteBuf text(String value) {
        return Unpooled.copiedBuffer(value, StandardCharsets.UTF_8);
    }
}
