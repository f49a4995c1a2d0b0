package dev.secureconnect.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a failed handshake's message is read into the reason of its {@code handshake.refused} record. */
class MutualTlsListenerTest {

    @Test
    void aMissingClientCertificateIsRecognisedFromEitherProvider() {
        assertThat(MutualTlsListener.noCertificate("Empty client certificate chain"))
                .isTrue(); // JDK
        assertThat(MutualTlsListener.noCertificate(
                        "error:10000418:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"))
                .isTrue(); // BoringSSL
        assertThat(MutualTlsListener.noCertificate("Connection reset")).isFalse();
        assertThat(MutualTlsListener.noCertificate("javax.net.ssl.SSLHandshakeException: no cipher suites in common"))
                .isFalse();
    }
}
