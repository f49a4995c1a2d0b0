package dev.secureconnect.appliance.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.ApplianceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TicketNumberTest {

    @ParameterizedTest(name = "ok/{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "eight-digits        | 12345678       | 12345678",
        "leading-zeros       | 00000001       | 00000001",
        "surrounding-spaces  | \"  12345678 \" | 12345678",
        "tabs-and-newline    | \"\t12345678\n\" | 12345678",
    })
    void accepted(String name, String input, String expected) {
        assertThat(TicketNumber.parse(input).value()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "fail/{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "seven-digits        | 1234567      | ticket number '1234567' is not valid: expected exactly 8 digits",
        "nine-digits         | 123456789    | ticket number '123456789' is not valid: expected exactly 8 digits",
        "letters             | 1234abcd     | ticket number '1234abcd' is not valid: expected exactly 8 digits",
        "inner-space         | \"1234 5678\"  | ticket number '1234 5678' is not valid: expected exactly 8 digits",
        "sign                | +1234567     | ticket number '+1234567' is not valid: expected exactly 8 digits",
        "empty               | \"\"           | ticket number '' is not valid: expected exactly 8 digits",
        "arabic-indic-digits | ١٢٣٤٥٦٧٨     | ticket number '١٢٣٤٥٦٧٨' is not valid: expected exactly 8 digits",
    })
    void refused(String name, String input, String message) {
        assertThatThrownBy(() -> TicketNumber.parse(input)).isInstanceOf(ApplianceException.class).hasMessage(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @org.junit.jupiter.api.Test
    void missingOverlongAndControlInputAreNamedOnOneLine() {
        assertThatThrownBy(() -> TicketNumber.parse("1234\u00005678")).hasMessage("ticket number '1234\\u00005678' is not"
                + " valid: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse("1234\n5678")).hasMessage("ticket number '1234\\n5678' is not valid:"
                + " expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse(null)).hasMessage("ticket number is missing: expected exactly 8 digits");
        assertThatThrownBy(() -> TicketNumber.parse("1".repeat(100) + "\n"))
                .hasMessageStartingWith("ticket number '" + "1".repeat(32) + "…' is not valid");
    }
}
