package dev.secureconnect.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionRequestTest {

    private static Http2Headers connect(String authority) {
        return new DefaultHttp2Headers().method("CONNECT").authority(authority);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:22", "[::1]:22"})
    void connectTakesTheTwoLoopbackLiteralsAndForwardsThemAsGiven(String authority) {
        SessionRequest request = SessionRequest.fromHeaders(connect(authority));

        assertThat(request.kind()).isEqualTo(SessionKind.CONNECT);
        assertThat(request.port()).isEqualTo(22);
        assertThat(request.target()).isEqualTo(authority);
        assertThat(request.toLinkHeaders().authority().toString()).isEqualTo(authority);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost:22",
                "LOCALHOST:22",
                "127.0.0.2:22",
                "127.1:22",
                "2130706433:22",
                "0x7f.0.0.1:22",
                "[0:0:0:0:0:0:0:1]:22",
                "[::ffff:127.0.0.1]:22",
                "::1:22",
                "appliance:22",
                "10.0.0.1:22",
                "127.0.0.1",
                "127.0.0.1:",
                "127.0.0.1:+22",
                "127.0.0.1:-1",
                "127.0.0.1:123456",
                "127.0.0.1:22 ",
                " 127.0.0.1:22",
                "127.0.0.1:22@evil"
            })
    void connectRefusesEveryOtherFormWithAOneLineReason(String authority) {
        assertThatThrownBy(() -> SessionRequest.fromHeaders(connect(authority)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContaining("127.0.0.1:PORT or [::1]:PORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:65536"})
    void portsOutOfRangeAreRefused(String authority) {
        assertThatThrownBy(() -> SessionRequest.fromHeaders(connect(authority)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
