package dev.secureconnect.appliance.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a certificate is due, on a clock the test sets; which certificates are renewed at all. */
class RenewalScheduleTest {

    private static final TestPki PKI = TestPki.shared();

    @Test
    void aCertificateIsDueOnceTheGivenPartOfItsLifetimeIsLeft() {
        X509Certificate certificate = PKI.enrolled("SN-SCHEDULE-1").certificate();
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Duration lifetime = Duration.between(notBefore, notAfter);
        RenewalSchedule third = new RenewalSchedule(0.33);
        Instant due = notAfter.minusMillis((long) (lifetime.toMillis() * 0.33));

        assertThat(third.untilDue(certificate, notBefore))
                .as("just issued")
                .isEqualTo(Duration.between(notBefore, due));
        assertThat(third.untilDue(certificate, due.minusSeconds(1)))
                .as("a second before")
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(third.untilDue(certificate, due)).as("due").isZero();
        assertThat(third.untilDue(certificate, notAfter.plusSeconds(1)))
                .as("expired")
                .isZero();
    }

    @Test
    void aPartAboveOneIsDueAtOnce() {
        X509Certificate certificate = PKI.enrolled("SN-SCHEDULE-2").certificate();
        Instant issued = certificate.getNotBefore().toInstant();
        assertThat(new RenewalSchedule(1.5).untilDue(certificate, issued)).isZero();
        assertThat(new RenewalSchedule(1e300).untilDue(certificate, issued)).isZero();
        assertThat(new RenewalSchedule(1.0).untilDue(certificate, issued)).isZero();
    }

    @Test
    void onlyACertificateTheEnrolmentCaSignedIsRenewed() {
        TestPki.Issued enrolled = PKI.enrolled("SN-SCHEDULE-3");
        assertThat(RenewalSchedule.renewable(
                        List.of(enrolled.certificate(), PKI.enrolmentCa().certificate())))
                .isTrue();

        TestPki.Issued handMade = PKI.appliance("SN-SCHEDULE-3");
        assertThat(RenewalSchedule.renewable(List.of(handMade.certificate(), PKI.issuingCertificate())))
                .as("sc-pki issued it")
                .isFalse();
        assertThat(RenewalSchedule.renewable(List.of(handMade.certificate())))
                .as("no chain")
                .isFalse();
        assertThat(RenewalSchedule.renewable(
                        List.of(handMade.certificate(), PKI.enrolmentCa().certificate())))
                .as("an enrolment CA that is not its issuer")
                .isFalse();
    }

    @Test
    void aPartOfZeroOrLessIsRefused() {
        assertThatThrownBy(() -> new RenewalSchedule(0)).hasMessageContaining("renewal.when");
        assertThatThrownBy(() -> new RenewalSchedule(Double.NaN)).hasMessageContaining("renewal.when");
    }
}
