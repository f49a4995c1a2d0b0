package dev.secureconnect.appliance.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code appliance.json} as an admin's editor may leave it, through {@link ApplianceDirectory#config}: a configuration
 * whose every setting is there, or an {@link ApplianceException} with a one-line message naming the file; nothing
 * else escapes. An input is the file's bytes.
 */
class ApplianceConfigFuzzTest {

    private static final Path DIR = directory();

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) throws IOException {
        Files.write(DIR.resolve(ApplianceDirectory.CONFIG_FILE), input);
        try {
            ApplianceConfig config = ApplianceDirectory.open(DIR).config();
            assertThat(config.server()).isNotNull();
            assertThat(config.keepAlive()).isNotNull();
            assertThat(config.backoff()).isNotNull();
            assertThat(config.timeouts()).isNotNull();
            assertThat(config.streams()).isNotNull();
            assertThat(config.services()).doesNotContainNull();
            assertThat(config.files()).isNotNull();
            assertThat(config.tls()).isNotNull();
            assertThat(config.audit()).isNotNull();
        } catch (ApplianceException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }

    private static Path directory() {
        try {
            Path dir = Files.createTempDirectory("sc-fuzz-appliance");
            dir.toFile().deleteOnExit();
            dir.resolve(ApplianceDirectory.CONFIG_FILE).toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
