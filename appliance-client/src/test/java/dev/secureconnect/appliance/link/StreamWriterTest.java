package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamWriter} on the appliance's end of an embedded HTTP/2 stream: chunks go out as DATA in order, the
 * response ends with trailers or an empty DATA with END_STREAM, a closed stream takes no chunk (and frees it), and
 * what the engineer sends on the stream is consumed and dropped.
 */
class StreamWriterTest {

    private final EmbeddedStreams streams = new EmbeddedStreams();
    private Http2StreamChannel stream;

    @BeforeEach
    void open() {
        stream = streams.open(new DefaultHttp2Headers().method("GET").path("/v1/files?path=%2Fetc%2Fhosts"), false);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
    }

    @AfterEach
    void close() {
        streams.close();
    }

    @Test
    void chunksGoOutInOrderAndTheTrailersEndTheStream() throws Exception {
        StreamWriter writer = StreamWriter.install(stream);

        assertThat(writer.write(text("first "))).isTrue();
        assertThat(writer.write(text("second"))).isTrue();
        writer.end(new DefaultHttp2Headers().set("sc-file-size", "12"));
        streams.pump();

        assertThat(streams.received).hasSize(4);
        assertThat(((Http2HeadersFrame) streams.received.get(0)).headers().status())
                .hasToString("200");
        assertThat(data(1)).isEqualTo("first ");
        assertThat(data(2)).isEqualTo("second");
        Http2HeadersFrame trailers = (Http2HeadersFrame) streams.received.get(3);
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get("sc-file-size")).hasToString("12");
    }

    @Test
    void withoutTrailersAnEmptyDataFrameEndsTheStream() throws Exception {
        StreamWriter writer = StreamWriter.install(stream);

        assertThat(writer.write(text("all"))).isTrue();
        writer.end(null);
        streams.pump();

        assertThat(streams.received).hasSize(3);
        assertThat(data(1)).isEqualTo("all");
        Http2DataFrame end = (Http2DataFrame) streams.received.get(2);
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().readableBytes()).isZero();
    }

    @Test
    void aClosedStreamTakesNoChunkAndFreesIt() throws Exception {
        StreamWriter writer = StreamWriter.install(stream);
        stream.close();
        streams.pump();
        ByteBuf chunk = text("too late");

        assertThat(writer.isOpen()).isFalse();
        assertThat(writer.write(chunk)).isFalse();
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void whatTheEngineerSendsIsReadAndDropped() {
        List<Object> behind = new ArrayList<>();
        StreamWriter.install(stream);
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                behind.add(msg);
            }
        });
        assertThat(stream.config().isAutoRead())
                .as("reading on, so the request's end is consumed")
                .isTrue();

        ByteBuf body = text("unexpected body");
        streams.serverStream().writeAndFlush(new DefaultHttp2DataFrame(body, true));
        streams.pump();

        assertThat(behind).isEmpty();
        assertThat(body.refCnt()).as("released by the writer").isZero();
        assertThat(stream.isActive()).isTrue();
    }

    private String data(int index) {
        return ((Http2DataFrame) streams.received.get(index)).content().toString(StandardCharsets.UTF_8);
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
