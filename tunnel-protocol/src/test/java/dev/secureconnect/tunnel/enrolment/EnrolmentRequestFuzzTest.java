package dev.secureconnect.tunnel.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;

/**
 * {@link EnrolmentRequest#parse} on any body the enrolment listener may receive (from anyone: it asks for no client
 * certificate): a request within the bounds, or an {@link InvalidEnrolmentRequestException} with a one-line message;
 * nothing else escapes, and the code never shows in {@code toString()}.
 */
class EnrolmentRequestFuzzTest {

    @FuzzTest
    void parsesOrRefusesOnOneLine(byte[] input) {
        EnrolmentRequest request;
        try {
            request = EnrolmentRequest.parse(input);
        } catch (InvalidEnrolmentRequestException e) {
            FuzzContract.assertOneLineMessage(e);
            return;
        }
        assertThat(request.serial()).isNotBlank().hasSizeLessThanOrEqualTo(EnrolmentRequest.MAX_SERIAL_CHARS);
        assertThat(request.code()).hasSizeLessThanOrEqualTo(EnrolmentRequest.MAX_CODE_CHARS);
        assertThat(request.toString()).doesNotContain("\n", "\r");
        if (request.code().length() >= 8) {
            assertThat(request.toString()).doesNotContain(request.code());
        }
    }
}
