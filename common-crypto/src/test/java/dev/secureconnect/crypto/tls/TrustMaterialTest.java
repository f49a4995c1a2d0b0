package dev.secureconnect.crypto.tls;

import static dev.secureconnect.crypto.tls.TlsFixtures.publishCrl;
import static dev.secureconnect.crypto.tls.TlsFixtures.trust;
import static dev.secureconnect.crypto.tls.TlsFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRejectedException.Reason;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.testing.TestPki;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRL file behind a listener's trust: read at start, re-read when it changes, fail-closed when it is unusable. */
class TrustMaterialTest {

    private static TestPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.shared();
    }

    @Test
    void crlIsReadAtStart() {
        TestPki.Issued revoked = pki.revoked(CertificateIdentity.appliance("SN-TRUST-REVOKED"));
        TestPki.Issued valid = pki.appliance("SN-TRUST-VALID");
        TrustMaterial trust = trust(pki, publishCrl(dir, pki.revocationList()));

        assertThat(trust.checksRevocation()).isTrue();
        assertThatCode(() -> trust.validator().validate(valid.chain(), Instant.now()))
                .doesNotThrowAnyException();
        assertRefused(trust, revoked, Reason.REVOKED);
        assertThat(trust.toString()).contains("issuing-ca.crl.pem", "SecureConnect Test Root CA");
    }

    @Test
    void changedCrlFileIsReadAgain() {
        TestPki.Issued appliance = pki.appliance("SN-TRUST-LATER");
        TrustMaterial trust = trust(pki, publishCrl(dir, pki.revocationList()));
        assertThatCode(() -> trust.validator().validate(appliance.chain(), Instant.now()))
                .doesNotThrowAnyException();

        pki.revoke(appliance, RevocationReason.KEY_COMPROMISE);
        publishCrl(dir, pki.revocationList());

        assertRefused(trust, appliance, Reason.REVOKED);
    }

    @Test
    void unchangedFileIsNotReadAgain() throws Exception {
        TestPki.Issued appliance = pki.appliance("SN-TRUST-UNCHANGED");
        Path crl = publishCrl(dir, pki.revocationList());
        TrustMaterial trust = trust(pki, crl);
        FileTime modified = Files.getLastModifiedTime(crl);
        int size = (int) Files.size(crl);

        // same file, same size, same modification time: the content is not looked at again
        Files.writeString(crl, "x".repeat(size), StandardCharsets.US_ASCII);
        Files.setLastModifiedTime(crl, modified);

        assertThatCode(() -> trust.validator().validate(appliance.chain(), Instant.now()))
                .doesNotThrowAnyException();
    }

    @Test
    void unusableReplacementRefusesEveryPeerUntilFixed() {
        TestPki.Issued appliance = pki.appliance("SN-TRUST-BROKEN");
        Path crl = publishCrl(dir, pki.revocationList());
        TrustMaterial trust = trust(pki, crl);

        write(crl, "-----BEGIN X509 CRL-----\ngarbage\n-----END X509 CRL-----\n");
        assertThatThrownBy(trust::validator)
                .isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining(crl + " is not valid PEM")
                .hasMessageContaining("no peer is accepted until it is fixed")
                .satisfies(e -> assertThat(((CertificateRejectedException) e).reason())
                        .isEqualTo(Reason.REVOCATION_STATUS_UNKNOWN));
        assertThatThrownBy(trust::validator)
                .as("still refused: no fall-back")
                .isInstanceOf(CertificateRejectedException.class);

        publishCrl(dir, pki.revocationList());
        assertThatCode(() -> trust.validator().validate(appliance.chain(), Instant.now()))
                .doesNotThrowAnyException();
    }

    @Test
    void deletedCrlRefusesEveryPeer() throws Exception {
        Path crl = publishCrl(dir, pki.revocationList());
        TrustMaterial trust = trust(pki, crl);

        Files.delete(crl);

        assertThatThrownBy(trust::validator)
                .isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining(crl + " does not exist");
    }

    @Test
    void crlOfAnotherCaIsRefusedAtStartAndLater() {
        Path crl = dir.resolve("rogue.crl.pem");
        write(crl, Pem.crl(pki.untrustedCa().revocationList(List.of(), BigInteger.ONE, Duration.ofDays(1))));

        assertThatThrownBy(() -> trust(pki, crl))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("is signed by")
                .hasMessageContaining("Untrusted Test Root CA")
                .hasMessageContaining("not a trusted CA here");

        Path good = publishCrl(dir, pki.revocationList());
        TrustMaterial trust = trust(pki, good);
        write(good, Pem.crl(pki.untrustedCa().revocationList(List.of(), BigInteger.TWO, Duration.ofDays(1))));
        assertThatThrownBy(trust::validator).hasMessageContaining("not a trusted CA here");
    }

    @Test
    void missingOrCorruptedCrlAtStartIsAnError() {
        assertThatThrownBy(() -> trust(pki, dir.resolve("none.crl.pem")))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the revocation list " + dir.resolve("none.crl.pem") + " does not exist");
        Path corrupted = write(dir.resolve("bad.crl.pem"), "not pem at all\n");
        assertThatThrownBy(() -> trust(pki, corrupted))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("bad.crl.pem holds no PEM block");
    }

    @Test
    void outOfDateCrlRefusesEveryPeer() {
        TrustMaterial stale = trust(pki, publishCrl(dir, pki.staleRevocationList()));
        assertThatThrownBy(stale::validator)
                .isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("is out of date")
                .hasMessageContaining("publish a fresh CRL");

        TrustMaterial later = trust(pki, publishCrl(dir, pki.revocationList()))
                .withClock(Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC));
        assertThatThrownBy(later::validator).hasMessageContaining("is out of date");
    }

    @Test
    void withoutRevocationCheckSaysSoAndAcceptsRevokedCertificates() {
        TestPki.Issued revoked = pki.revoked(CertificateIdentity.server(List.of("revoked.example.net"), List.of()));
        TrustMaterial trust = TlsFixtures.trustWithoutCrl(pki);

        assertThat(trust.checksRevocation()).isFalse();
        assertThat(trust.toString()).contains("revocation not checked");
        assertThatCode(() -> trust.validator().validate(revoked.chain(), Instant.now()))
                .doesNotThrowAnyException();
    }

    @Test
    void leafCertificateIsNotATrustAnchor() {
        TestPki.Issued server = pki.server();
        assertThatThrownBy(() -> TrustMaterial.withoutRevocationCheck(List.of(server.certificate()), List.of()))
                .isInstanceOf(CryptoException.class)
                .hasMessageContaining("is not a CA certificate");
        assertThatThrownBy(() -> TrustMaterial.withoutRevocationCheck(List.of(), List.of()))
                .hasMessage("no trusted root CA certificate given");
    }

    @Test
    void eachCrlIsCheckedAgainstItsIssuer() throws Exception {
        TestPki.Issued enrolled = pki.enrolled("SN-TRUST-ENROLLED");
        TestPki.Issued revokedEnrolled = pki.enrolled("SN-TRUST-ENROLLED-REVOKED");
        Path issuingCrl = publishCrl(dir, pki.revocationList());
        Path enrolmentCrl = write(dir.resolve("enrolment-ca.crl.pem"), Pem.crl(pki.enrolmentRevocationList(List.of())));
        List<java.security.cert.X509Certificate> intermediates =
                List.of(pki.issuingCertificate(), pki.enrolmentCa().certificate());

        // the issuing CA's CRL alone says nothing about a leaf of the enrolment CA
        TrustMaterial issuingOnly = TrustMaterial.withCrl(List.of(pki.rootCertificate()), intermediates, issuingCrl);
        assertRefused(issuingOnly, enrolled, Reason.REVOCATION_STATUS_UNKNOWN);

        TrustMaterial both = TrustMaterial.withCrls(
                List.of(pki.rootCertificate()), intermediates, List.of(issuingCrl, enrolmentCrl));
        assertThatCode(() -> both.validator().validate(enrolled.chain(), Instant.now()))
                .doesNotThrowAnyException();
        assertThatCode(() -> both.validator()
                        .validate(pki.appliance("SN-TRUST-ISSUED").chain(), Instant.now()))
                .doesNotThrowAnyException();
        assertThat(both.toString()).contains("issuing-ca.crl.pem", "enrolment-ca.crl.pem");

        Files.writeString(
                enrolmentCrl,
                Pem.crl(pki.enrolmentRevocationList(List.of(revokedEnrolled))),
                StandardCharsets.US_ASCII);
        assertRefused(both, revokedEnrolled, Reason.REVOKED);
        assertThatCode(() -> both.validator().validate(enrolled.chain(), Instant.now()))
                .doesNotThrowAnyException();

        // a second file that no CA given here signed refuses every peer, as one bad file does
        Files.writeString(
                enrolmentCrl,
                Pem.crl(pki.untrustedCa().revocationList(List.of(), BigInteger.ONE, Duration.ofDays(1))),
                StandardCharsets.US_ASCII);
        assertRefused(both, pki.appliance("SN-TRUST-ISSUED-2"), Reason.REVOCATION_STATUS_UNKNOWN);
    }

    private static void assertRefused(TrustMaterial trust, TestPki.Issued certificate, Reason reason) {
        assertThatThrownBy(() -> trust.validator().validate(certificate.chain(), Instant.now()))
                .isInstanceOf(CertificateRejectedException.class)
                .satisfies(e ->
                        assertThat(((CertificateRejectedException) e).reason()).isEqualTo(reason));
    }
}
