package dev.secureconnect.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerAddressTest {

    @ParameterizedTest(name = "ok/{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "dns        | support.example.com:8443 | support.example.com | 8443 | support.example.com:8443",
                "ipv4       | 127.0.0.1:1              | 127.0.0.1           | 1    | 127.0.0.1:1",
                "ipv6       | [::1]:65535              | ::1                 | 65535| [::1]:65535",
                "localhost  | ' localhost:443 '        | localhost           | 443  | localhost:443",
            })
    void parses(String name, String text, String host, int port, String shown) {
        ServerAddress address = ServerAddress.parse(text);
        assertThat(address.host()).isEqualTo(host);
        assertThat(address.port()).isEqualTo(port);
        assertThat(address).hasToString(shown);
    }

    @ParameterizedTest(name = "fail/{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no-port        | example.com        | server 'example.com' is not HOST:PORT: the port is missing",
                "no-host        | :8443              | server ':8443' is not HOST:PORT: the host is missing",
                "port-word      | example.com:https  | server 'example.com:https' is not HOST:PORT: the port 'https' is not a number from 1 to 65535",
                "port-zero      | example.com:0      | server 'example.com:0' is not HOST:PORT: the port 0 is not from 1 to 65535",
                "port-too-big   | example.com:65536  | server 'example.com:65536' is not HOST:PORT: the port 65536 is not from 1 to 65535",
                "bare-ipv6      | ::1:8443           | server '::1:8443' is not HOST:PORT: write an IPv6 address in brackets, e.g. [::1]:8443",
                "bad-ipv6       | [zz]:8443          | server '[zz]:8443' is not HOST:PORT: 'zz' is not an IPv6 address",
                "unclosed       | [::1:8443          | server '[::1:8443' is not HOST:PORT: write an IPv6 address as [ADDRESS]:PORT",
                "bad-name       | exa_mple.com:1     | server 'exa_mple.com:1' is not HOST:PORT: 'exa_mple.com' is not a DNS name or an IP address",
                "url            | https://example.com:1 | server 'https://example.com:1' is not HOST:PORT: give HOST:PORT alone, without a scheme, user or path",
            })
    void refuses(String name, String text, String message) {
        assertThatThrownBy(() -> ServerAddress.parse(text))
                .isInstanceOf(ApplianceException.class)
                .hasMessage(message);
    }
}
