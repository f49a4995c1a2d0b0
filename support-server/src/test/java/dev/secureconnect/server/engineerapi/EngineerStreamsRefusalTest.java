package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A stream over the engineer's cap is answered 429 with a JSON reason, ended, and closed, as soon as it is active. */
class EngineerStreamsRefusalTest {

    @Test
    void theStreamIsAnswered429WithTheReasonAndClosed() throws Exception {
        String reason = String.format(EngineerStreams.REFUSAL, 16);
        EmbeddedChannel stream = new EmbeddedChannel(new EngineerStreams.Refusal(reason));

        Http2HeadersFrame headers = stream.readOutbound();
        assertThat(headers.headers().status().toString()).isEqualTo("429");
        assertThat(headers.headers().get("content-type").toString()).isEqualTo("application/json");
        assertThat(headers.isEndStream()).isFalse();
        Http2DataFrame body = stream.readOutbound();
        try {
            assertThat(body.isEndStream()).isTrue();
            JsonNode json = new ObjectMapper().readTree(body.content().toString(StandardCharsets.UTF_8));
            assertThat(json.path("error").asText()).isEqualTo("too-many-streams");
            assertThat(json.path("message").asText())
                    .isEqualTo("too many streams open: at most 16 per engineer across their connections");
        } finally {
            body.release();
        }
        assertThat(stream.isOpen()).isFalse();
        assertThat(stream.finish()).isFalse();
    }
}
