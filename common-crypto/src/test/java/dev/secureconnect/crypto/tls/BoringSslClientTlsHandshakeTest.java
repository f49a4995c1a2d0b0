package dev.secureconnect.crypto.tls;

/** {@link TlsHandshakeTest} with the clients on BoringSSL (netty-tcnative), the listeners on the JDK. */
class BoringSslClientTlsHandshakeTest extends TlsHandshakeTest {

    @Override
    TlsProvider listenerProvider() {
        return TlsProviders.require(TlsProvider.JDK);
    }

    @Override
    TlsProvider clientProvider() {
        return TlsProviders.require(TlsProvider.OPENSSL);
    }
}
