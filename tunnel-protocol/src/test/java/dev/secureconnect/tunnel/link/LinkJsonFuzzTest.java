package dev.secureconnect.tunnel.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.secureconnect.crypto.testing.FuzzContract;
import java.util.Arrays;

/**
 * The link's control messages as a peer may send them, to {@link LinkJson#decode}: a {@link Hello} (server side) or an
 * {@link Admission}, a {@link RenewedCertificate} or {@link CaseNotice.Cases} (appliance side) whose every field is
 * usable, or a {@link LinkException} with a one-line message; nothing else escapes. The first byte of an input chooses
 * the message type ({@code A} admission, {@code R} renewed certificate, {@code C} cases, else hello).
 */
class LinkJsonFuzzTest {

    @FuzzTest
    void decodesOrRefusesOnOneLine(byte[] input) {
        boolean admission = input.length > 0 && input[0] == 'A';
        boolean renewed = input.length > 0 && input[0] == 'R';
        boolean cases = input.length > 0 && input[0] == 'C';
        byte[] json = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        try {
            if (cases) {
                CaseNotice.Cases decoded = LinkJson.decode(json, CaseNotice.Cases.class);
                assertThat(decoded.cases()).doesNotContainNull();
                decoded.cases().forEach(c -> {
                    assertThat(c.ticket()).isEqualTo(c.id().substring(1));
                    assertThat(c.title()).doesNotContain("\n", "\u000b", "\u2028");
                    assertThat(c.scope().services()).doesNotContainNull();
                    assertThat(c.scope().commands()).doesNotContainNull();
                    assertThat(c.scope().folders()).doesNotContainNull();
                    assertThat(c.scope().describe()).isNotNull();
                });
            } else if (renewed) {
                RenewedCertificate decoded = LinkJson.decode(json, RenewedCertificate.class);
                assertThat(decoded.certificates().isEmpty()).isEqualTo(decoded.wasRefused());
                assertThat(decoded.refused()).doesNotContain("\n", "\r", "\u2028", "\u000b");
            } else if (admission) {
                Admission decoded = LinkJson.decode(json, Admission.class);
                assertThat(decoded.verdicts()).doesNotContainNull();
                decoded.verdicts()
                        .forEach(verdict -> assertThat(verdict.ticket()).isNotNull());
                decoded.verdicts()
                        .forEach(verdict -> assertThat(verdict.reason()).isNotNull());
            } else {
                Hello hello = LinkJson.decode(json, Hello.class);
                assertThat(hello.serial()).isNotNull();
                assertThat(hello.softwareVersion()).isNotNull();
                assertThat(hello.auditCheckpoint()).isNotNull();
                assertThat(hello.renewalCsr()).isNotNull();
                assertThat(hello.tickets()).doesNotContainNull();
                assertThat(hello.services()).doesNotContainNull();
                assertThat(hello.decisions()).doesNotContainNull();
                hello.decisions().forEach(d -> assertThat(d.reason()).doesNotContain("\n", "\u000b"));
            }
        } catch (LinkException e) {
            FuzzContract.assertOneLineMessage(e);
        }
    }
}
