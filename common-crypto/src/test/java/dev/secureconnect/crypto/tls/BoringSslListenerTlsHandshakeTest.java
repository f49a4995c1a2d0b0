package dev.secureconnect.crypto.tls;

/** {@link TlsHandshakeTest} with the listeners on BoringSSL (netty-tcnative), the clients on the JDK. */
class BoringSslListenerTlsHandshakeTest extends TlsHandshakeTest {

    @Override
    TlsProvider listenerProvider() {
        return TlsProviders.require(TlsProvider.OPENSSL);
    }

    @Override
    TlsProvider clientProvider() {
        return TlsProviders.require(TlsProvider.JDK);
    }
}
