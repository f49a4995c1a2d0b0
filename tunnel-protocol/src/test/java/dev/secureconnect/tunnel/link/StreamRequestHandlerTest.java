package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The appliance's side of a stream, {@link StreamRequestHandler}, on an {@link EmbeddedHttp2} link. */
class StreamRequestHandlerTest {

    private final List<StreamRequest> connects = new ArrayList<>();
    private final List<Http2StreamChannel> connectStreams = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private EmbeddedHttp2 http2;

    @BeforeEach
    void link() {
        http2 = new EmbeddedHttp2(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new StreamRequestHandler() {
                    @Override
                    protected void onConnect(Http2StreamChannel connect, StreamRequest request) {
                        connects.add(request);
                        connectStreams.add(connect);
                    }

                    @Override
                    protected void onRequest(Http2StreamChannel request, Http2Headers headers, byte[] body) {
                        bodies.add(new String(body, StandardCharsets.UTF_8));
                        respondWith(request, ("echo " + headers.path()).getBytes(StandardCharsets.UTF_8), true);
                    }
                });
            }
        }));
    }

    @AfterEach
    void close() {
        http2.close();
    }

    @Test
    void aConnectIsHandedOverWithReadingOffAndTheHandlerGone() {
        Future<Http2StreamChannel> opened =
                StreamOpener.connect(http2.link, StreamRequest.loopback(22, "s-1", "12345678"), Duration.ofSeconds(10));
        http2.pump();
        assertThat(connects).singleElement().satisfies(r -> {
            assertThat(r.port()).isEqualTo(22);
            assertThat(r.sessionId()).isEqualTo("s-1");
        });
        Http2StreamChannel stream = connectStreams.get(0);
        assertThat(stream.config().isAutoRead())
                .as("nothing read before a relay is in place")
                .isFalse();
        assertThat(stream.pipeline().get(StreamRequestHandler.class)).isNull();
        assertThat(opened.isDone())
                .as("no answer until the service is connected")
                .isFalse();
    }

    @Test
    void aConnectWithoutAPortIsAnswered400WithTheReason() {
        Future<StreamOpener.Opened> opened = StreamOpener.open(
                http2.link, new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1"), Duration.ofSeconds(10));
        http2.pump();
        assertThat(connects).isEmpty();
        assertThat(opened.cause())
                .isInstanceOf(StreamRefusedException.class)
                .hasMessage("CONNECT :authority '127.0.0.1' has no port");
        assertThat(((StreamRefusedException) opened.cause()).status()).isEqualTo(400);
    }

    @Test
    void aControlRequestGetsItsWholeBodyAndAnOversizedOneIs413() {
        Future<StreamOpener.Response> answered = StreamOpener.request(
                http2.link,
                "POST",
                "/v1/test",
                "x".repeat(40_000).getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        http2.pump();
        assertThat(answered.getNow().status()).isEqualTo(200);
        assertThat(new String(answered.getNow().body(), StandardCharsets.UTF_8)).isEqualTo("echo /v1/test");
        assertThat(bodies).singleElement().satisfies(body -> assertThat(body).hasSize(40_000));

        Future<StreamOpener.Response> tooBig = StreamOpener.request(
                http2.link, "POST", "/v1/test", new byte[LinkProtocol.MAX_MESSAGE_BYTES + 1], Duration.ofSeconds(10));
        http2.pump();
        assertThat(tooBig.getNow().status()).isEqualTo(413);
        assertThat(tooBig.getNow().reason())
                .isEqualTo("request body exceeds " + LinkProtocol.MAX_MESSAGE_BYTES + " bytes");
        assertThat(bodies).hasSize(1);
    }
}
