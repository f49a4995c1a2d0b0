package dev.secureconnect.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;

/** The providers the TLS tests run on; both must be usable on a machine that runs the tests. */
final class TlsProviders {

    private TlsProviders() {}

    /** {@code provider}, failing the test if it would fall back to another one here. */
    static TlsProvider require(TlsProvider provider) {
        if (provider == TlsProvider.OPENSSL) {
            assertThat(OpenSsl.isAvailable())
                    .as("BoringSSL loads here (cause: %s)", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
        assertThat(provider.onListener()).isEqualTo(provider);
        assertThat(provider.onClient()).isEqualTo(provider);
        return provider;
    }
}
