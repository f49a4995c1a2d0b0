package dev.secureconnect.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class OneLineTest {

    @Test
    void foldsLineBreaksAndControlCharacters() {
        assertThat(OneLine.of(" a\r\n\t b\u0000c ")).isEqualTo("a b c");
    }

    @Test
    void reasonFallsBackToTheClassName() {
        assertThat(OneLine.reason(new IOException("disk\nfull"))).isEqualTo("disk full");
        assertThat(OneLine.reason(new IOException(" "))).isEqualTo("IOException");
        assertThat(OneLine.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
