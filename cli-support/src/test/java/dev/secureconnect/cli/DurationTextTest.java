package dev.secureconnect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration syntax of the four tools: number and unit everywhere, ISO-8601 in configuration files too. */
class DurationTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500ms, PT0.5S", "20s, PT20S", "90m, PT1H30M", "24h, PT24H", "7d, PT168H", "' 5 M ', PT5M"})
    void numberAndUnit(String text, Duration expected) {
        assertThat(DurationText.parseSimple(text)).isEqualTo(expected);
        assertThat(DurationText.parse(text)).isEqualTo(expected);
    }

    @Test
    void isoOnlyWhereAConfigurationFileIsRead() {
        assertThat(DurationText.parse("PT20S")).isEqualTo(Duration.ofSeconds(20));
        assertThat(DurationText.parse("p2d")).isEqualTo(Duration.ofDays(2));
        assertThatThrownBy(() -> DurationText.parseSimple("PT20S"))
                .hasMessage("'PT20S' is not a duration (expected e.g. 500ms, 20s, 5m, 1h)");
    }

    @ParameterizedTest(name = "fail/{0}")
    @ValueSource(strings = {"", "2", "h", "-1h", "1.5h", "2w", "PTx", "20 seconds", "1\nh"})
    void anythingElseIsRefusedOnOneLine(String text) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("is not a duration (expected e.g. 500ms, 20s, 5m, 1h)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PT24H, 24h", "PT5M, 5m", "PT20S, 20s", "PT1.5S, 1500ms", "PT0S, 0s"})
    void formatsTheShortestExactForm(Duration duration, String text) {
        assertThat(DurationText.format(duration)).isEqualTo(text);
    }
}
