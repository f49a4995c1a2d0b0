package dev.secureconnect.tunnel.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.nio.charset.StandardCharsets;

/**
 * {@link EnrolmentCode#parse} on any text: a code comes back spelled exactly as given (one spelling per code), everything
 * else is an {@link InvalidEnrolmentCodeException} with a one-line message; nothing else escapes.
 */
class EnrolmentCodeFuzzTest {

    @FuzzTest
    void parsesOrRefusesOnOneLine(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        EnrolmentCode code;
        try {
            code = EnrolmentCode.parse(text);
        } catch (InvalidEnrolmentCodeException e) {
            FuzzContract.assertOneLineMessage(e);
            return;
        }
        assertThat(code.text()).isEqualTo(text.strip());
        assertThat(code.secretHash()).matches("[0-9a-f]{64}");
        assertThat(code.toString()).doesNotContain(code.text().substring(4, 26));
    }
}
