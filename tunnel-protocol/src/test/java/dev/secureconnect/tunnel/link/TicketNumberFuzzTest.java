package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.nio.charset.StandardCharsets;

/**
 * {@link TicketNumber#parse} on any text: eight digits come back stripped, everything else is an
 * {@link InvalidTicketNumberException} with a one-line message; nothing else escapes.
 */
class TicketNumberFuzzTest {

    @FuzzTest
    void parsesOrRefusesOnOneLine(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        TicketNumber number;
        try {
            number = TicketNumber.parse(text);
        } catch (InvalidTicketNumberException e) {
            FuzzContract.assertOneLineMessage(e);
            return;
        }
        assertThat(number.value()).matches("[0-9]{8}").isEqualTo(text.strip());
    }
}
