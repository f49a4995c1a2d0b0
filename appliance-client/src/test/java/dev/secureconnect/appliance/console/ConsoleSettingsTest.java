package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.config.ApplianceConfig;
import dev.secureconnect.appliance.internal.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code console} section of {@code appliance.json}: defaults, and what is refused when the daemon starts. */
class ConsoleSettingsTest {

    private static ApplianceConfig parse(String console) throws Exception {
        return Json.PRETTY.readValue(
                "{\"server\": \"a.example:1\"" + (console == null ? "" : ", \"console\": " + console) + "}",
                ApplianceConfig.class);
    }

    @Test
    void defaultsAreLoopbackPort8765() throws Exception {
        ApplianceConfig.Console console = parse(null).console();
        assertThat(console.enabled()).isTrue();
        assertThat(console.bind()).isEqualTo("127.0.0.1");
        assertThat(console.port()).isEqualTo(8765);
        assertThat(console.certificate()).isNull();
        assertThat(console.idleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(console.lockoutAfter()).isEqualTo(5);
        assertThat(console.lockoutFor()).isEqualTo(Duration.ofMinutes(15));
        assertThat(parse("{\"bind\": \"::1\", \"port\": 0}").console().bind()).isEqualTo("::1");
    }

    @Test
    void aLanAddressNeedsACertificate() throws Exception {
        assertThatThrownBy(() -> parse("{\"bind\": \"0.0.0.0\"}"))
                .hasRootCauseInstanceOf(ApplianceException.class)
                .rootCause()
                .hasMessageContaining("console.bind: 0.0.0.0 is not a loopback address")
                .hasMessageContaining("console.certificate");
        assertThat(parse("{\"bind\": \"192.0.2.10\", \"certificate\": \"c.pem\", \"key\": \"k.pem\"}")
                        .console()
                        .bind())
                .isEqualTo("192.0.2.10");
        assertThat(parse("{\"bind\": \"192.0.2.10\", \"enabled\": false}")
                        .console()
                        .enabled())
                .isFalse();
    }

    @Test
    void badValuesAreRefusedWithTheKey() {
        assertThatThrownBy(() -> parse("{\"bind\": \"localhost\\n\"}"))
                .rootCause()
                .hasMessageContaining("console.bind")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> parse("{\"port\": 70000}")).rootCause().hasMessageContaining("console.port");
        assertThatThrownBy(() -> parse("{\"certificate\": \"c.pem\"}"))
                .rootCause()
                .hasMessageContaining("certificate and key go together");
        assertThatThrownBy(() -> parse("{\"lockoutAfter\": 0}"))
                .rootCause()
                .hasMessageContaining("console.lockoutAfter");
        assertThatThrownBy(() -> parse("{\"idleTimeout\": \"0s\"}"))
                .rootCause()
                .hasMessageContaining("console.idleTimeout");
    }
}
