package dev.secureconnect.appliance.callhome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.config.CallHomeConfig;
import dev.secureconnect.appliance.internal.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code callHome} section of appliance.json: defaults, and a bad value named in one line. */
class CallHomeConfigTest {

    @Test
    void everyKeyHasADefault() throws Exception {
        ApplianceConfig config =
                Json.COMPACT.readValue("{\"server\":\"support.example.com:8443\"}", ApplianceConfig.class);

        CallHomeConfig callHome = config.callHome();
        assertThat(callHome.interval()).isEqualTo(Duration.ofHours(6));
        assertThat(callHome.jitter()).isEqualTo(Duration.ofMinutes(30));
        assertThat(callHome.maxBundleBytes()).isEqualTo(8L << 20);
        assertThat(callHome.healthChecks()).isEmpty();
        assertThat(callHome.logs()).isEmpty();
    }

    @Test
    void aSectionIsRead() throws Exception {
        ApplianceConfig config = Json.COMPACT.readValue(
                "{\"server\":\"s.example.com:8443\",\"callHome\":{\"interval\":\"1h\",\"jitter\":\"1m\","
                        + "\"healthChecks\":[{\"name\":\"raid\",\"command\":\"raid-status\",\"expectExit\":1}],"
                        + "\"logs\":[\"/var/log/app.log\"],\"redact\":[\"customer-[0-9]+\"]}}",
                ApplianceConfig.class);

        assertThat(config.callHome().interval()).isEqualTo(Duration.ofHours(1));
        assertThat(config.callHome().healthChecks().get(0).expectExit()).isEqualTo(1);
        assertThat(config.callHome().redactPatterns()).hasSize(1);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> Json.COMPACT.readValue(
                        "{\"server\":\"s.example.com:8443\",\"callHome\":{\"logs\":[\"var/log/x\"]}}",
                        ApplianceConfig.class))
                .hasRootCauseInstanceOf(ApplianceException.class)
                .rootCause()
                .hasMessageContaining("callHome.logs");
        assertThatThrownBy(() -> Json.COMPACT.readValue(
                        "{\"server\":\"s.example.com:8443\",\"callHome\":{\"redact\":[\"(unclosed\"]}}",
                        ApplianceConfig.class))
                .hasStackTraceContaining("callHome.redact")
                .hasStackTraceContaining("not a valid regular expression");
        assertThatThrownBy(() -> Json.COMPACT.readValue(
                        "{\"server\":\"s.example.com:8443\",\"callHome\":{\"interval\":\"1h\",\"jitter\":\"2h\"}}",
                        ApplianceConfig.class))
                .rootCause()
                .hasMessageContaining("callHome.jitter");
    }

    @Test
    void theMachinesOwnViewReadsItsFacts() {
        SystemFacts facts = new OshiSystemView().facts();

        assertThat(facts.cpus()).isPositive();
        assertThat(facts.memoryTotalBytes()).isPositive();
        assertThat(facts.uptimeSeconds()).isPositive();
        assertThat(facts.loadAverage()).hasSize(3);
    }
}
