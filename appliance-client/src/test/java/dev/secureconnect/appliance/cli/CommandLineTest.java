package dev.secureconnect.appliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.testing.ApplianceCli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every sc-appliance command line shares: unknown names refused, --debug, --version. */
class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownCommandIsAUsageErrorEvenWithHelp() {
        for (String[] args : new String[][] {{"nosuch"}, {"nosuch", "--help"}, {"services", "nosuch", "--help"}}) {
            ApplianceCli.Result result = ApplianceCli.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.out()).isEmpty();
            assertThat(result.error()).contains("'nosuch'");
        }
    }

    @Test
    void debugIsTakenByEveryCommandAndARefusalStaysOneLine() {
        ApplianceCli.Result result = ApplianceCli.run(
                "status", "--debug", "--dir", dir.resolve("none").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error()).doesNotContain("unexpected failure");
    }

    @Test
    void versionNamesTheTool() {
        assertThat(ApplianceCli.ok("--version").out()).startsWith("sc-appliance ");
    }
}
