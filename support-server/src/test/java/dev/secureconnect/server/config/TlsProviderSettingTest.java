package dev.secureconnect.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.tls.TlsProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tls.provider} of server.yaml. */
class TlsProviderSettingTest {

    @TempDir
    Path dir;

    @Test
    void defaultIsAuto() throws IOException {
        Files.writeString(dir.resolve(ConfigFile.NAME), "node: a\n");
        assertThat(ConfigFile.read(dir).tls().provider()).isEqualTo("auto");
        assertThat(ConfigFile.read(dir).tls().tlsProvider()).isEqualTo(TlsProvider.AUTO);
        assertThat(ServerConfig.defaults().tls().tlsProvider()).isEqualTo(TlsProvider.AUTO);
    }

    @Test
    void autoKeepsTheEngineerListenerOnTheJdkAndAnExplicitChoiceCoversBothListeners() throws IOException {
        assertThat(ServerConfig.defaults().tls().engineerListenerProvider()).isEqualTo(TlsProvider.JDK);
        Files.writeString(dir.resolve(ConfigFile.NAME), "tls:\n  provider: openssl\n");
        ServerConfig config = ConfigFile.read(dir);
        assertThat(config.tls().tlsProvider()).isEqualTo(TlsProvider.OPENSSL);
        assertThat(config.tls().engineerListenerProvider()).isEqualTo(TlsProvider.OPENSSL);
    }

    @Test
    void providerIsReadIgnoringCaseAndWrittenBack() throws IOException {
        Files.writeString(dir.resolve(ConfigFile.NAME), "tls:\n  provider: JDK\n");
        ServerConfig config = ConfigFile.read(dir);
        assertThat(config.tls().tlsProvider()).isEqualTo(TlsProvider.JDK);
        assertThat(ConfigFile.render(config)).contains("provider: jdk");
    }

    @Test
    void unknownProviderIsNamedOnOneLine() throws IOException {
        Files.writeString(dir.resolve(ConfigFile.NAME), "tls:\n  provider: boringssl\n");
        assertThatThrownBy(() -> ConfigFile.read(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls.provider: 'boringssl' (expected: auto, openssl or jdk)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
