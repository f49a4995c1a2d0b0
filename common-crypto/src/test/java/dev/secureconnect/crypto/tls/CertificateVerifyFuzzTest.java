package dev.secureconnect.crypto.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Pattern;

/**
 * {@link CertificateVerifyCheck} on anything a client may send after its ClientHello (the listener reads it before
 * BoringSSL does, from anyone who connects), as {@link HandshakeRecordsFuzzing} feeds it: it passes what it gets on
 * unchanged, or refuses on one line with a {@code handshake_failure} alert; nothing escapes, no buffer is kept.
 */
class CertificateVerifyFuzzTest {

    @FuzzTest
    void passesOnOrRefusesOnOneLine(byte[] input) {
        HandshakeRecordsFuzzing.passesOnOrRefusesOnOneLine(
                input,
                CertificateVerifyCheck::new,
                Pattern.compile("the client signed its TLS 1.2 CertificateVerify with .+"));
    }
}
