package dev.secureconnect.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.testing.OpenSsl;
import dev.secureconnect.crypto.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateFingerprintTest {

    @Test
    void colonHexIsWhatOpensslPrints(@TempDir Path dir) throws Exception {
        TestPki.Issued engineer = TestPki.shared().engineer("fingerprint-alice");
        Path file = Files.writeString(dir.resolve("cert.pem"), Pem.certificates(List.of(engineer.certificate())));

        String output = OpenSsl.run("x509", "-noout", "-fingerprint", "-sha256", "-in", file.toString())
                .trim();

        // OpenSSL 3 prints "sha256 Fingerprint=AB:CD:…", OpenSSL 1.1 "SHA256 Fingerprint=AB:CD:…"
        assertThat(output).containsIgnoringCase("sha256 Fingerprint=");
        String opensslHex = output.substring(output.indexOf('=') + 1);
        assertThat(CertificateFingerprint.of(engineer.certificate()).colonHex())
                .isEqualTo(opensslHex)
                .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void fingerprintIsTheSha256OfTheDerEncoding() throws Exception {
        var certificate = TestPki.shared().rootCertificate();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());

        CertificateFingerprint fingerprint = CertificateFingerprint.of(certificate);

        assertThat(fingerprint.sha256()).isEqualTo(expected);
        assertThat(fingerprint.thumbprint())
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(expected))
                .hasSize(43)
                .doesNotContain("=", "+", "/");
        assertThat(fingerprint.toString()).isEqualTo("SHA256:" + fingerprint.colonHex());
    }

    @Test
    void equalityIsByValue() {
        TestPki pki = TestPki.shared();
        CertificateFingerprint root = CertificateFingerprint.of(pki.rootCertificate());

        assertThat(CertificateFingerprint.of(pki.rootCertificate()))
                .isEqualTo(root)
                .hasSameHashCodeAs(root);
        assertThat(CertificateFingerprint.of(pki.issuingCertificate())).isNotEqualTo(root);
    }

    @Test
    void twoCertificatesOverTheSameKeyHaveDifferentFingerprints() {
        TestPki pki = TestPki.shared();
        assertThat(CertificateFingerprint.of(pki.appliance("SN-F1").certificate()))
                .isNotEqualTo(CertificateFingerprint.of(pki.appliance("SN-F1").certificate()));
    }

    @Test
    void digestCannotBeChangedFromOutside() {
        byte[] digest = new byte[32];
        CertificateFingerprint fingerprint = new CertificateFingerprint(digest);
        digest[0] = 1;
        fingerprint.sha256()[1] = 1;

        assertThat(fingerprint.sha256()).containsOnly(0);
    }
}
