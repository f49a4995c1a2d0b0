package dev.secureconnect.server.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TicketNumberTest {

    @ParameterizedTest(name = "ok/{index}: ''{0}''")
    @ValueSource(strings = {"12345678", " 12345678 \n", "\t00000001", "99999999\r\n"})
    void eightDigitsAreAcceptedAfterTrimmingSurroundingWhiteSpace(String text) {
        assertThat(TicketNumber.parse(text).value()).isEqualTo(text.strip());
    }

    @ParameterizedTest(name = "fail/{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            textBlock = """
                    too-short        | 1234567
                    too-long         | 123456789
                    letter           | 1234567a
                    empty            | ""
                    inner-space      | 12 345678
                    sign             | +1234567
                    arabic-digits    | ١٢٣٤٥٦٧٨
                    fullwidth-digits | １２３４５６７８
                    """)
    void anythingElseIsRefusedWithAOneLineMessageQuotingIt(String name, String text) {
        assertThatThrownBy(() -> TicketNumber.parse(text))
                .isInstanceOf(TicketException.class)
                .hasMessage("ticket number '" + text + "' is not valid: expected exactly 8 digits")
                .extracting(e -> ((TicketException) e).reason())
                .isEqualTo(TicketException.Reason.INVALID_NUMBER);
    }

    @Test
    void controlCharactersAndLongInputStayOnOneLineInTheMessage() {
        assertThatThrownBy(() -> TicketNumber.parse("1234\n5678"))
                .hasMessage("ticket number '1234\\n5678' is not valid: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse("9".repeat(100)))
                .hasMessage("ticket number '" + "9".repeat(32) + "…' is not valid: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse(null))
                .hasMessage("ticket number is missing: expected exactly 8 digits");
    }

    @Test
    void theConstructorTakesOnlyTheExactDigits() {
        assertThat(new TicketNumber("00000000").toString()).isEqualTo("00000000");
        assertThatThrownBy(() -> new TicketNumber(" 12345678")).isInstanceOf(TicketException.class);
    }
}
