package dev.secureconnect.crypto.tls;

/** {@link OpenSslInteropTest} with the listener on BoringSSL (netty-tcnative). */
class BoringSslOpenSslInteropTest extends OpenSslInteropTest {

    @Override
    TlsProvider provider() {
        return TlsProviders.require(TlsProvider.OPENSSL);
    }
}
