package dev.secureconnect.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * {@link ClientHelloCheck#refusal} on any ClientHello body a peer may send (the listener reads it before the TLS
 * handshake starts, from anyone who connects): it says nothing (pass the offer on to BoringSSL) or gives a one-line
 * refusal naming the suite, on machines with and without AES instructions; nothing escapes, and the input is left as
 * it was.
 */
class ClientHelloFuzzTest {

    @FuzzTest
    void passesOrRefusesOnOneLine(byte[] input) {
        ByteBuf hello = Unpooled.wrappedBuffer(input);
        for (boolean aesHardware : new boolean[] {true, false}) {
            String refusal = ClientHelloCheck.refusal(hello, aesHardware);
            if (refusal != null) {
                assertThat(refusal)
                        .startsWith("the client's TLS 1.")
                        .doesNotContain("\n", "\r")
                        .hasSizeLessThan(300);
            }
            assertThat(hello.readerIndex()).isZero();
        }
    }
}
