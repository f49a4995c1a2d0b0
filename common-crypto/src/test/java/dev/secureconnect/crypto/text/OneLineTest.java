package dev.secureconnect.crypto.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class OneLineTest {

    @Test
    void ofJoinsLinesWithSemicolonsAndReplacesOtherControlCharacters() {
        assertThat(OneLine.of(" first line \r\n  second\tthird\u0000 ")).isEqualTo("first line; second?third?");
        assertThat(OneLine.of(null)).isEmpty();
        assertThat(OneLine.of("x".repeat(OneLine.MAX + 1))).isEqualTo("x".repeat(OneLine.MAX) + "…");
        assertThat(OneLine.of("a\u009bb\u0085c\u2028d")).isEqualTo("a?b; c; d"); // C1 controls too
    }

    @Test
    void quotedReplacesControlCharactersAndMarksACut() {
        assertThat(OneLine.quoted("a\nb\u0085c")).isEqualTo("a?b?c");
        assertThat(OneLine.quoted(null)).isEmpty();
        assertThat(OneLine.quoted("y".repeat(81))).isEqualTo("y".repeat(80) + "…");
        assertThat(OneLine.quoted("y".repeat(80))).isEqualTo("y".repeat(80));
        assertThat(OneLine.quoted("abcdef", 3)).isEqualTo("abc…");
    }

    @Test
    void clippedCutsWithoutAMark() {
        assertThat(OneLine.clipped("ab\ncdef", 4)).isEqualTo("ab?c");
        assertThat(OneLine.clipped(null, 4)).isEmpty();
    }

    @Test
    void foldsLineBreaksAndControlCharacters() {
        assertThat(OneLine.folded(" a\r\n\t b\u0000c ")).isEqualTo("a b c");
        assertThat(OneLine.folded(null)).isEmpty();
        // the line breaks outside ASCII too (\R matches them), and the other C1 controls
        assertThat(OneLine.folded("a\u2028b\u2029c\u0085d\u009be")).isEqualTo("a b c d e");
        assertThat(OneLine.reason(new IOException("-----END X\u2028Y----- not found")))
                .doesNotContainPattern("\\R");
    }

    @Test
    void reasonFallsBackToTheClassName() {
        assertThat(OneLine.reason(new IOException("disk\nfull"))).isEqualTo("disk full");
        assertThat(OneLine.reason(new IOException(" "))).isEqualTo("IOException");
        assertThat(OneLine.reason(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void firstLineEndsAtAnyLineBreak() {
        assertThat(OneLine.firstLine("-----END CERTIFICATE RE\r\r\rQUEST----- not found"))
                .isEqualTo("-----END CERTIFICATE RE");
        assertThat(OneLine.firstLine("a\u2028b")).isEqualTo("a");
        assertThat(OneLine.firstLine("a\u0085b")).isEqualTo("a");
        assertThat(OneLine.firstLine("tab\there\nsecond")).isEqualTo("tab?here");
        assertThat(OneLine.firstLine(null)).isEmpty();
    }
}
