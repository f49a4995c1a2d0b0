package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;

/**
 * CONNECT request headers as the server may forward them, to {@link StreamRequest#fromHeaders} and
 * {@link SessionCredentials#from}: a request with a port in 1–65535 and non-null fields, or a {@link LinkException}
 * with a one-line message; nothing else escapes.
 *
 * <p>An input is the headers as {@link HeaderLines} reads them.
 */
class StreamRequestFuzzTest {

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) {
        Http2Headers headers = HeaderLines.parse(new String(input, StandardCharsets.UTF_8));
        SessionCredentials credentials = SessionCredentials.from(headers);
        assertThat(credentials.token())
                .isNotNull()
                .isEqualTo(credentials.token().trim());
        try {
            StreamRequest request = StreamRequest.fromHeaders(headers);
            assertThat(request.port()).isBetween(1, 65_535);
            assertThat(request.host()).isNotNull();
            assertThat(request.sessionId()).isNotNull();
            assertThat(request.ticket()).isNotNull();
            assertThat(request.token()).isNotNull();
            if (!request.token().isEmpty()) {
                assertThat(request.toString()).contains("token=(hidden)");
            }
        } catch (LinkException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }
}
