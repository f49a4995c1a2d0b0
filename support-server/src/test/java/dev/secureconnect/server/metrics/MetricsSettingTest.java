package dev.secureconnect.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** {@code metrics} in server.yaml: on, on loopback, by default; another address only when explicitly allowed. */
class MetricsSettingTest {

    @Test
    void onByDefaultOnLoopback() {
        ServerConfig.Metrics metrics = ServerConfig.defaults().metrics();
        assertThat(metrics.enabled()).isTrue();
        assertThat(metrics.listener()).isEqualTo(new ServerConfig.Listener("127.0.0.1", 9464));
        assertThat(metrics.allowRemote()).isFalse();
        assertThat(new ServerConfig.Metrics(null, new ServerConfig.Listener("::1", 0), null)
                        .listener()
                        .host())
                .isEqualTo("::1");
        assertThat(new ServerConfig.Metrics(null, new ServerConfig.Listener("localhost", 0), null).enabled())
                .isTrue();
    }

    @Test
    void anotherAddressNeedsAllowRemote() {
        assertThatThrownBy(() -> new ServerConfig.Metrics(null, new ServerConfig.Listener("0.0.0.0", 9464), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics.listener.host: 0.0.0.0 is not a loopback address; the metrics are plain,"
                        + " unauthenticated HTTP: keep 127.0.0.1, or set metrics.allowRemote: true and put the"
                        + " listener behind TLS or a firewall");
        assertThatThrownBy(
                        () -> new ServerConfig.Metrics(null, new ServerConfig.Listener("metrics.example", 9464), null))
                .hasMessageStartingWith("metrics.listener.host: metrics.example is not a loopback address");
        assertThat(new ServerConfig.Metrics(null, new ServerConfig.Listener("0.0.0.0", 9464), true).allowRemote())
                .isTrue();
        assertThat(new ServerConfig.Metrics(false, new ServerConfig.Listener("0.0.0.0", 9464), null).enabled())
                .as("a listener that does not run binds nothing")
                .isFalse();
    }
}
