package dev.secureconnect.crypto.tls;

/** {@link TlsHandshakeTest} with both on the JDK. */
class JdkTlsHandshakeTest extends TlsHandshakeTest {

    @Override
    TlsProvider listenerProvider() {
        return TlsProviders.require(TlsProvider.JDK);
    }

    @Override
    TlsProvider clientProvider() {
        return TlsProviders.require(TlsProvider.JDK);
    }
}
