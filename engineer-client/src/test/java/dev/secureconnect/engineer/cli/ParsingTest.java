package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** ttl and port-spec syntax. */
class ParsingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"90m, PT1H30M", "2h, PT2H", "7d, PT168H", "3600s, PT1H", "1D, PT24H", "' 45m ', PT45M"})
    void ttl(String text, Duration expected) {
        assertThat(Ttl.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "fail/{0}")
    @ValueSource(strings = {"", "2", "h", "-1h", "1.5h", "2w", "PT1H", "2 h x"})
    void badTtl(String text) {
        assertThatThrownBy(() -> Ttl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is not valid: expected a number and a unit, e.g. 90m, 2h or 7d");
    }

    @ParameterizedTest(name = "fail/{0}")
    @ValueSource(strings = {"8d", "169h", "604801s"})
    void ttlOverSevenDays(String text) {
        assertThatThrownBy(() -> Ttl.parse(text)).hasMessage("ttl '" + text + "' is longer than the maximum of 7 days");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"22, 0, 22", "2222:22, 2222, 22", "0:8443, 0, 8443", "65535:65535, 65535, 65535"})
    void portSpec(String text, int local, int remote) {
        assertThat(PortSpec.parse(text)).isEqualTo(new PortSpec(local, remote));
    }

    @ParameterizedTest(name = "fail/{0}")
    @ValueSource(strings = {"", "0", "x", "22:", ":22", "1:2:3", "65536", "70000:22", "-1:22", "22:0"})
    void badPortSpec(String text) {
        assertThatThrownBy(() -> PortSpec.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("port spec '" + text + "' is not valid: expected [LOCALPORT:]REMOTEPORT");
    }
}
