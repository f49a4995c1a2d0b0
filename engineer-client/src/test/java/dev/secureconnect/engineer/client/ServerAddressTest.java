package dev.secureconnect.engineer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "support.example.com:8443, support.example.com, 8443",
        "127.0.0.1:1, 127.0.0.1, 1",
        "'[::1]:65535', ::1, 65535"
    })
    void parses(String text, String host, int port) {
        ServerAddress address = ServerAddress.parse(text);
        assertThat(address).isEqualTo(new ServerAddress(host, port));
        assertThat(address.toString()).isEqualTo(text);
    }

    @ParameterizedTest(name = "fail/{0}")
    @ValueSource(strings = {"", "host", "host:", ":80", "host:0", "host:65536", "host:x", "::1:80", "[]:80"})
    void refuses(String text) {
        assertThatThrownBy(() -> ServerAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server '" + text + "' is not valid: expected HOST:PORT");
    }
}
