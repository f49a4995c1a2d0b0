package dev.secureconnect.tunnel.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnrolmentCodeTest {

    private static final CertificateFingerprint ROOT =
            CertificateFingerprint.of(TestPki.shared().rootCertificate());

    @Test
    void aCodeCarriesTheRootFingerprintAndReadsBackAsItself() {
        EnrolmentCode code = EnrolmentCode.generate(ROOT);

        assertThat(code.text())
                .matches("SC1\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}")
                .endsWith(ROOT.thumbprint());
        EnrolmentCode read = EnrolmentCode.parse("  " + code.text() + "\n");
        assertThat(read).isEqualTo(code);
        assertThat(read.root()).isEqualTo(ROOT);
        assertThat(read.secretHash()).isEqualTo(code.secretHash()).hasSize(64);
        assertThat(read.id()).isEqualTo(code.secretHash().substring(0, 8));
        assertThat(code.toString())
                .contains(code.id())
                .doesNotContain(code.text().substring(4, 26));
        assertThat(EnrolmentCode.generate(ROOT).secretHash()).isNotEqualTo(code.secretHash());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "SC1.short.root",
                "SC2.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "SC1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
                "SC1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nSC1"
            })
    void anythingElseIsRefusedOnOneLine(String text) {
        assertThatThrownBy(() -> EnrolmentCode.parse(text))
                .isInstanceOf(InvalidEnrolmentCodeException.class)
                .hasMessageContaining("is not valid: expected SC1.<22 characters>.<43 characters>")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aCodeWhoseLastCharacterCarriesStrayBitsIsRefusedAsAltered() {
        // 22 base64 characters hold 132 bits for a 128-bit secret: 'B' sets one of the 4 unused bits
        assertThatThrownBy(() ->
                        EnrolmentCode.parse("SC1.AAAAAAAAAAAAAAAAAAAAAB.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
                .isInstanceOf(InvalidEnrolmentCodeException.class)
                .hasMessageContaining("it was altered");
    }
}
