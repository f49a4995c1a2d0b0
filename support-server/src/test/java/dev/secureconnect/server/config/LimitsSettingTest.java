package dev.secureconnect.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limits} of server.yaml (and the enrolment listener's half-open caps): defaults, the file's keys, and the exempt addresses. */
class LimitsSettingTest {

    @TempDir
    Path dir;

    @Test
    void everyLimitHasItsDocumentedDefault() {
        ServerConfig.Limits limits = ServerConfig.defaults().limits();
        assertThat(limits.halfOpenPerSource()).isEqualTo(64);
        assertThat(limits.halfOpenPerListener()).isEqualTo(2048);
        assertThat(limits.maxConcurrentStreams()).isEqualTo(100);
        assertThat(limits.maxStreamsPerEngineer()).isEqualTo(200);
        assertThat(limits.maxResetFrames()).isEqualTo(100);
        assertThat(limits.resetWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.blocking().failures()).isEqualTo(10);
        assertThat(limits.blocking().window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(limits.blocking().duration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(limits.blocking().exempt()).isEmpty();
        assertThat(limits.blocking().maxSources()).isEqualTo(10_000);
        assertThat(limits.blocking().exemptRanges().contains(InetAddress.getLoopbackAddress()))
                .isFalse();
        // written out in full by 'sc-server init' (the scale benchmark edits these two lines)
        assertThat(ConfigFile.render(ServerConfig.defaults()))
                .containsPattern("(?m)^\\s+halfOpenPerSource: 64$")
                .containsPattern("(?m)^\\s+exempt: \\[\\]$");
    }

    @Test
    void theFileSetsThemAndTheyAreWrittenBack() throws IOException {
        Files.writeString(
                dir.resolve(ConfigFile.NAME),
                "limits:\n  halfOpenPerSource: 8\n  resetWindow: PT30S\n"
                        + "  blocking:\n    failures: 3\n    exempt: [127.0.0.0/8, \"::1\"]\n    maxSources: 500\n");
        ServerConfig config = ConfigFile.read(dir);
        assertThat(config.limits().halfOpenPerSource()).isEqualTo(8);
        assertThat(config.limits().resets().window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.limits().blocking().failures()).isEqualTo(3);
        assertThat(config.limits().blocking().exempt()).containsExactly("127.0.0.0/8", "::1");
        assertThat(config.limits().blocking().maxSources()).isEqualTo(500);
        ConfigFile.write(dir, config);
        assertThat(ConfigFile.read(dir)).isEqualTo(config);
    }

    @Test
    void exemptEntriesAreLiteralAddressesOrRanges() throws IOException {
        AddressRanges ranges = new AddressRanges(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));
        assertThat(ranges.contains(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(ranges.contains(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("192.0.2.8"))).isFalse();
        assertThat(ranges.contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("2001:db9::5"))).isFalse();

        Files.writeString(dir.resolve(ConfigFile.NAME), "limits:\n  blocking:\n    exempt: [gateway.example.com]\n");
        assertThatThrownBy(() -> ConfigFile.read(dir))
                .hasMessageContaining("gateway.example.com")
                .hasMessageContaining("not a literal address or CIDR range");
        Files.writeString(dir.resolve(ConfigFile.NAME), "limits:\n  blocking:\n    exempt: [10.0.0.0/33]\n");
        assertThatThrownBy(() -> ConfigFile.read(dir)).hasMessageContaining("10.0.0.0/33");
        Files.writeString(dir.resolve(ConfigFile.NAME), "limits:\n  halfOpenPerSource: 0\n");
        assertThatThrownBy(() -> ConfigFile.read(dir)).hasMessageContaining("halfOpenPerSource must be at least 1");
    }

    @Test
    void theEnrolmentListenerHasHalfOpenCapsOfItsOwn() throws IOException {
        ServerConfig.Enrolment defaults = ServerConfig.defaults().enrolment();
        assertThat(defaults.halfOpenPerSource()).isEqualTo(64);
        assertThat(defaults.halfOpenPerListener()).isEqualTo(2048);
        Files.writeString(
                dir.resolve(ConfigFile.NAME), "enrolment:\n  halfOpenPerSource: 4\n  halfOpenPerListener: 100\n");
        ServerConfig config = ConfigFile.read(dir);
        assertThat(config.enrolment().halfOpen())
                .isEqualTo(new dev.secureconnect.server.listener.HalfOpenLimits(4, 100));
        ConfigFile.write(dir, config);
        assertThat(ConfigFile.read(dir)).isEqualTo(config);
        Files.writeString(dir.resolve(ConfigFile.NAME), "enrolment:\n  halfOpenPerListener: 0\n");
        assertThatThrownBy(() -> ConfigFile.read(dir))
                .hasMessageContaining("enrolment.halfOpenPerListener must be at least 1");
    }
}
