package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.util.Arrays;

/**
 * The link's control messages as a peer may send them, to {@link LinkJson#decode}: a {@link Hello} (server side) or an
 * {@link Admission} or a {@link RenewedCertificate} (appliance side) whose every field is usable, or a {@link
 * LinkException} with a one-line message; nothing else escapes. The first byte of an input chooses the message type
 * ({@code A} admission, {@code R} renewed certificate, else hello).
 */
class LinkJsonFuzzTest {

    @FuzzTest
    void decodesOrRefusesOnOneLine(byte[] input) {
        boolean admission = input.length > 0 && input[0] == 'A';
        boolean renewed = input.length > 0 && input[0] == 'R';
        byte[] json = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        try {
            if (admission) {
                Admission decoded = LinkJson.decode(json, Admission.class);
                assertThat(decoded.verdicts()).doesNotContainNull();
                decoded.verdicts()
                        .forEach(verdict -> assertThat(verdict.ticket()).isNotNull());
                decoded.verdicts()
                        .forEach(verdict -> assertThat(verdict.reason()).isNotNull());
            } else if (renewed) {
                RenewedCertificate decoded = LinkJson.decode(json, RenewedCertificate.class);
                assertThat(decoded.certificates().isEmpty()).isEqualTo(decoded.wasRefused());
                assertThat(decoded.refused()).doesNotContain("\n", "\r", "\u2028", "\u000b");
            } else {
                Hello hello = LinkJson.decode(json, Hello.class);
                assertThat(hello.serial()).isNotNull();
                assertThat(hello.softwareVersion()).isNotNull();
                assertThat(hello.auditCheckpoint()).isNotNull();
                assertThat(hello.renewalCsr()).isNotNull();
                assertThat(hello.tickets()).doesNotContainNull();
                assertThat(hello.services()).doesNotContainNull();
            }
        } catch (LinkException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }
}
