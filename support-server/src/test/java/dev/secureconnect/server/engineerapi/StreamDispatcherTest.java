package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first handler of every engineer stream, on an {@link EmbeddedChannel} with reading off as the listener opens
 * streams, over a running server's real API: an API call gets the HTTP view and the router, reading on, and its
 * answer; a session request goes to a session handler with reading still off (no DATA read before the relay), which
 * answers it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamDispatcherTest {

    @TempDir
    static Path temp;

    private RunningServer server;
    private EmbeddedEngineerApi engineers;

    @BeforeAll
    void start() throws Exception {
        server = new RunningServer(temp);
        engineers = new EmbeddedEngineerApi(server);
    }

    @AfterAll
    void stop() {
        engineers.close();
        server.close();
    }

    private EmbeddedChannel stream() throws Exception {
        EmbeddedChannel stream = new EmbeddedChannel(false, false); // registered below, reading off as on the listener
        stream.config().setAutoRead(false);
        EmbeddedEngineerApi.connectedAs(stream, CertificateRole.ENGINEER, "alice", server.alice);
        stream.pipeline().addLast("dispatch", new StreamDispatcher(engineers.api));
        stream.register();
        return stream;
    }

    @Test
    void anApiCallGetsTheRouterWithReadingOnAndItsAnswer() throws Exception {
        EmbeddedChannel stream = stream();
        String session = engineers.login("alice", server.alice);

        stream.writeInbound(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                        .method("GET")
                        .scheme("https")
                        .authority("support.test")
                        .path("/api/v1/sessions")
                        .set("authorization", "Bearer " + session),
                true));

        assertThat(stream.pipeline().get(StreamDispatcher.class)).isNull();
        assertThat(stream.pipeline().names()).containsSubsequence("http", "aggregator", "api");
        assertThat(stream.config().isAutoRead()).isTrue();
        List<Object> answer = answer(stream, 2);
        Http2HeadersFrame headers = (Http2HeadersFrame) answer.get(0);
        assertThat(headers.headers().status().toString()).isEqualTo("200");
        Http2DataFrame body = (Http2DataFrame) answer.get(1);
        try {
            assertThat(new ObjectMapper()
                            .readTree(body.content().toString(StandardCharsets.UTF_8))
                            .path("sessions")
                            .isArray())
                    .isTrue();
        } finally {
            body.release();
        }
        stream.finishAndReleaseAll();
    }

    @Test
    void aSessionRequestGoesToASessionHandlerWithReadingStillOff() throws Exception {
        EmbeddedChannel stream = stream();

        stream.writeInbound(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                        .method("CONNECT")
                        .authority("127.0.0.1:22")
                        .set(LinkProtocol.HEADER_APPLIANCE, RunningServer.SERIAL),
                false));

        assertThat(stream.pipeline().get(StreamDispatcher.class)).isNull();
        assertThat(stream.pipeline().get("api")).isNull();
        assertThat(stream.config().isAutoRead()).isFalse();
        // no login session: the session handler refuses it on the stream
        Http2HeadersFrame refusal = (Http2HeadersFrame) answer(stream, 1).get(0);
        assertThat(refusal.headers().status().toString()).isEqualTo("401");
        assertThat(refusal.isEndStream()).isTrue();
        assertThat(stream.isOpen()).isFalse();
    }

    /** The first {@code frames} frames written on {@code stream}, waiting for them (a gate's refusal comes from its thread). */
    private static List<Object> answer(EmbeddedChannel stream, int frames) {
        List<Object> written = new ArrayList<>();
        RunningServer.waitFor("the answer", () -> {
            stream.runPendingTasks();
            for (Object frame; (frame = stream.readOutbound()) != null; ) {
                written.add(frame);
            }
            return written.size() >= frames;
        });
        return written;
    }
}
