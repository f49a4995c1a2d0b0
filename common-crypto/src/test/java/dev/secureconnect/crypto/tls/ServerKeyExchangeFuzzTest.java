package dev.secureconnect.crypto.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Pattern;

/**
 * {@link ServerKeyExchangeCheck} on anything a server may send (a BoringSSL client reads it before BoringSSL does,
 * from whatever answers at the address it dialled), as {@link HandshakeRecordsFuzzing} feeds it: it passes what it
 * gets on unchanged, or refuses on one line with a {@code handshake_failure} alert; nothing escapes, no buffer is
 * kept.
 */
class ServerKeyExchangeFuzzTest {

    @FuzzTest
    void passesOnOrRefusesOnOneLine(byte[] input) {
        HandshakeRecordsFuzzing.passesOnOrRefusesOnOneLine(
                input,
                ServerKeyExchangeCheck::new,
                Pattern.compile("the server (signed its|sent a malformed) TLS 1\\.2 ServerKeyExchange .+"));
    }
}
