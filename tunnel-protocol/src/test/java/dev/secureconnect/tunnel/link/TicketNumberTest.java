package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TicketNumberTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("eight-digits", "12345678", "12345678"),
                Arguments.of("leading-zeros", "00000001", "00000001"),
                Arguments.of("surrounding-spaces", "  12345678 ", "12345678"),
                Arguments.of("space-and-newline", " 12345678 \n", "12345678"),
                Arguments.of("leading-tab", "\t00000001", "00000001"),
                Arguments.of("tab-and-newline", "\t12345678\n", "12345678"),
                Arguments.of("trailing-crlf", "99999999\r\n", "99999999"));
    }

    @ParameterizedTest(name = "ok/{0}")
    @MethodSource("accepted")
    void eightDigitsAreAcceptedAfterTrimmingSurroundingWhiteSpace(String name, String text, String expected) {
        assertThat(TicketNumber.parse(text).value()).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("too-short", "1234567"),
                Arguments.of("too-long", "123456789"),
                Arguments.of("letter", "1234567a"),
                Arguments.of("letters", "1234abcd"),
                Arguments.of("empty", ""),
                Arguments.of("inner-space", "12 345678"),
                Arguments.of("inner-space-middle", "1234 5678"),
                Arguments.of("sign", "+1234567"),
                Arguments.of("arabic-indic-digits", "١٢٣٤٥٦٧٨"),
                Arguments.of("fullwidth-digits", "１２３４５６７８"));
    }

    @ParameterizedTest(name = "fail/{0}")
    @MethodSource("refused")
    void anythingElseIsRefusedWithAOneLineMessageQuotingIt(String name, String text) {
        assertThatThrownBy(() -> TicketNumber.parse(text))
                .isInstanceOf(InvalidTicketNumberException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ticket number '" + text + "' is not valid: expected exactly 8 digits")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void missingOverlongAndControlInputAreNamedOnOneLine() {
        assertThatThrownBy(() -> TicketNumber.parse("1234\n5678"))
                .hasMessage("ticket number '1234\\n5678' is not valid: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse("1234\u00005678"))
                .hasMessage("ticket number '1234\\u00005678' is not valid: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse("9".repeat(100)))
                .hasMessage("ticket number '" + "9".repeat(32) + "…' is not valid: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse("1".repeat(100) + "\n"))
                .hasMessageStartingWith("ticket number '" + "1".repeat(32) + "…' is not valid");
        assertThatThrownBy(() -> TicketNumber.parse(null))
                .isInstanceOf(InvalidTicketNumberException.class)
                .hasMessage("ticket number is missing: expected exactly 8 digits");
    }

    @Test
    void theConstructorTakesOnlyTheExactDigits() {
        assertThat(new TicketNumber("00000000").toString()).isEqualTo("00000000");
        assertThatThrownBy(() -> new TicketNumber(" 12345678")).isInstanceOf(InvalidTicketNumberException.class);
        assertThatThrownBy(() -> new TicketNumber(null))
                .isInstanceOf(InvalidTicketNumberException.class)
                .hasMessage("ticket number is missing: expected exactly 8 digits");
    }
}
