package dev.secureconnect.crypto.tls;

/** {@link OpenSslInteropTest} with the listener on the JDK. */
class JdkOpenSslInteropTest extends OpenSslInteropTest {

    @Override
    TlsProvider provider() {
        return TlsProviders.require(TlsProvider.JDK);
    }
}
