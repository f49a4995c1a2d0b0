package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session stream request headers as the wire contract has them; credentials never printed. */
class SessionRequestsTest {

    private static final StreamCredentials CREDENTIALS = new StreamCredentials("S", "T.T.T", "SN-1");
    private static final ServerAddress SERVER = new ServerAddress("support.example.com", 8443);

    @Test
    void connect() {
        Http2Headers headers = SessionRequests.connect(22, CREDENTIALS);
        assertThat(headers.method().toString()).isEqualTo("CONNECT");
        assertThat(headers.authority().toString()).isEqualTo("127.0.0.1:22");
        assertThat(headers.path()).isNull();
        assertThat(headers.scheme()).isNull();
        assertCredentials(headers);
    }

    @Test
    void execWithAndWithoutArguments() {
        Http2Headers headers =
                SessionRequests.exec(SERVER, "collect-logs", List.of("a b", "\"q\"", "$(x)"), CREDENTIALS);
        assertThat(headers.method().toString()).isEqualTo("POST");
        assertThat(headers.path().toString()).isEqualTo("/v1/exec");
        assertThat(headers.scheme().toString()).isEqualTo("https");
        assertThat(headers.authority().toString()).isEqualTo("support.example.com");
        assertThat(headers.get("sc-command").toString()).isEqualTo("collect-logs");
        assertThat(headers.get("sc-args").toString()).isEqualTo("[\"a b\",\"\\\"q\\\"\",\"$(x)\"]");
        assertCredentials(headers);
        assertThat(SessionRequests.exec(SERVER, "uptime", List.of(), CREDENTIALS)
                        .get("sc-args"))
                .isNull();
    }

    @Test
    void files() {
        Http2Headers get = SessionRequests.getFile(SERVER, "/var/log/a b&c=%.log", CREDENTIALS);
        assertThat(get.method().toString()).isEqualTo("GET");
        assertThat(get.path().toString()).isEqualTo("/v1/files?path=%2Fvar%2Flog%2Fa+b%26c%3D%25.log");
        assertCredentials(get);
        Http2Headers put = SessionRequests.putFile(SERVER, "/tmp/x", CREDENTIALS);
        assertThat(put.method().toString()).isEqualTo("PUT");
        assertThat(put.path().toString()).isEqualTo("/v1/files?path=%2Ftmp%2Fx");
        assertCredentials(put);
        assertThat(CREDENTIALS.toString()).doesNotContain("T.T.T").contains("SN-1");
    }

    private static void assertCredentials(Http2Headers headers) {
        assertThat(headers.get("authorization").toString()).isEqualTo("Bearer S");
        assertThat(headers.get("sc-access-token").toString()).isEqualTo("T.T.T");
        assertThat(headers.get("sc-appliance").toString()).isEqualTo("SN-1");
    }
}
