package dev.secureconnect.tunnel.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The enrolment request's JSON both ways, and the bodies the listener refuses. */
class EnrolmentRequestTest {

    @Test
    void roundTripsAndHidesTheCode() {
        EnrolmentRequest request =
                new EnrolmentRequest("SC1.secret.root", "SN-1", "-----BEGIN CERTIFICATE REQUEST-----");
        assertThat(EnrolmentRequest.parse(request.toJson())).isEqualTo(request);
        assertThat(request.toString()).contains("SN-1").doesNotContain("secret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "fail/not-json|{code|is not JSON",
                "fail/array|[]|is not a JSON object",
                "fail/missing-csr|{\"code\":\"c\",\"serial\":\"s\"}|no text field 'csr'",
                "fail/unknown-field|{\"code\":\"c\",\"serial\":\"s\",\"csr\":\"x\",\"key\":\"k\"}|unknown field 'key'",
                "fail/number-serial|{\"code\":\"c\",\"serial\":1,\"csr\":\"x\"}|no text field 'serial'",
                "fail/empty-serial|{\"code\":\"c\",\"serial\":\" \",\"csr\":\"x\"}|serial is empty",
            })
    void refusesOnOneLine(String name, String body, String message) {
        assertThatThrownBy(() -> EnrolmentRequest.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEnrolmentRequestException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void refusesALongSerialAndAnOversizedBody() {
        String serial = "S".repeat(65);
        assertThatThrownBy(() -> EnrolmentRequest.parse(("{\"code\":\"c\",\"serial\":\"" + serial + "\",\"csr\":\"x\"}")
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("serial has 65 characters: at most 64");
        assertThatThrownBy(() -> EnrolmentRequest.parse(new byte[EnrolmentRequest.MAX_BODY_BYTES + 1]))
                .hasMessageContaining("at most " + EnrolmentRequest.MAX_BODY_BYTES);
    }

    @Test
    void answerRoundTrips() {
        EnrolmentAnswer answer = new EnrolmentAnswer("cert", "chain", "root", "{\"keys\":[]}", 8443);
        assertThat(EnrolmentAnswer.parse(answer.toJson())).isEqualTo(answer);
        assertThatThrownBy(() -> EnrolmentAnswer.parse("{\"certificate\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEnrolmentRequestException.class)
                .hasMessageContaining("applianceListenerPort");
    }
}
