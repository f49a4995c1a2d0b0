package dev.secureconnect.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class TlsPolicyTest {

    @Test
    void protocolsAreTls13ThenTls12() {
        assertThat(TlsPolicy.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void cipherSuitesAreAes256GcmWithForwardSecrecyInOrder() {
        assertThat(TlsPolicy.CIPHER_SUITES)
                .containsExactly(
                        "TLS_AES_256_GCM_SHA384",
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(TlsPolicy.CIPHER_SUITES)
                .allSatisfy(suite ->
                        assertThat(suite).contains("AES_256_GCM").doesNotContain("CBC", "AES_128", "TLS_RSA_WITH"));
        assertThat(TlsPolicy.CIPHER_SUITES.subList(1, 3))
                .allSatisfy(suite -> assertThat(suite).containsPattern("^TLS_(EC)?DHE_RSA_"));
    }

    @Test
    void thisJdkSupportsThePolicy() throws Exception {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(null, null, null);
        assertThat(List.of(jdk.getSupportedSSLParameters().getCipherSuites())).containsAll(TlsPolicy.CIPHER_SUITES);
        assertThat(List.of(jdk.getSupportedSSLParameters().getProtocols())).containsAll(TlsPolicy.PROTOCOLS);
    }

    @Test
    void handshakeTimeoutIsTenSecondsAndChecked() {
        assertThat(TlsPolicy.HANDSHAKE_TIMEOUT).isEqualTo(Duration.ofSeconds(10));
        assertThat(TlsPolicy.requireHandshakeTimeout(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
        for (Duration wrong :
                new Duration[] {Duration.ZERO, Duration.ofNanos(999_999), Duration.ofSeconds(-1), Duration.ofMinutes(2)
                }) {
            assertThatThrownBy(() -> TlsPolicy.requireHandshakeTimeout(wrong))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("handshakeTimeout: " + wrong);
        }
    }
}
