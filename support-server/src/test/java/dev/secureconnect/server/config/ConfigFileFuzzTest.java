package dev.secureconnect.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code server.yaml} as an operator's editor may leave it, through {@link ConfigFile#read}: a configuration whose
 * every section is there, or a {@link ConfigException} with a one-line message naming the file; nothing else escapes.
 * An input is the file's bytes.
 */
class ConfigFileFuzzTest {

    private static final Path DIR = directory();

    @FuzzTest
    void readsOrRefusesOnOneLine(byte[] input) throws IOException {
        Files.write(DIR.resolve(ConfigFile.NAME), input);
        try {
            ServerConfig config = ConfigFile.read(DIR);
            assertThat(config).isNotNull();
            assertThat(config.node()).isNotBlank();
            assertThat(config.applianceListener()).isNotNull();
            assertThat(config.engineerListener()).isNotNull();
            assertThat(config.tls()).isNotNull();
            assertThat(config.database()).isNotNull();
            assertThat(config.link()).isNotNull();
            assertThat(config.audit()).isNotNull();
            assertThat(config.sinks()).doesNotContainNull();
            assertThat(config.mail()).isNotNull();
            assertThat(config.reports()).isNotNull();
            assertThat(config.limits()).isNotNull();
        } catch (ConfigException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }

    private static Path directory() {
        try {
            Path dir = Files.createTempDirectory("sc-fuzz-server");
            dir.toFile().deleteOnExit();
            dir.resolve(ConfigFile.NAME).toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
