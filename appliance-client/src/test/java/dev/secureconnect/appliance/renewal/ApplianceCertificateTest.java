package dev.secureconnect.appliance.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.config.Enrolment;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.testing.DirectorySnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal's files: the pending key (0600, kept across restarts), the renewed certificate installed beside the old
 * one only when it matches the pending key, is this appliance's and chains to the pinned root, and the switch of
 * {@code appliance.json} once it has worked.
 */
class ApplianceCertificateTest {

    private static final String SERIAL = "SN-RENEW-FILES";
    private static final TestPki PKI = TestPki.shared();

    @TempDir
    Path work;

    private Path dir;
    private ApplianceDirectory directory;
    private ApplianceCertificate files;

    @BeforeEach
    void enrolled() {
        dir = work.resolve("appliance");
        RenewalFixture.enrolled(work.resolve("issued"), dir, SERIAL);
        directory = ApplianceDirectory.open(dir);
        files = new ApplianceCertificate(directory, Clock.systemUTC());
    }

    @Test
    void thePendingKeyIsKeptOwnerOnlyAndAskedForAgainAfterARestart() throws Exception {
        String request = files.request(SERIAL);
        Path pending = dir.resolve("tls").resolve(ApplianceCertificate.PENDING_KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pending)))
                .isEqualTo("rw-------");
        assertThat(RenewalFixture.keyOf(request))
                .isNotEqualTo(files.current().keys().certificate().getPublicKey());

        String again = new ApplianceCertificate(directory, Clock.systemUTC()).request(SERIAL);
        assertThat(RenewalFixture.keyOf(again)).isEqualTo(RenewalFixture.keyOf(request));

        files.dropRequest();
        assertThat(pending).doesNotExist();
        assertThat(RenewalFixture.keyOf(files.request(SERIAL))).isNotEqualTo(RenewalFixture.keyOf(request));
    }

    @Test
    void theRenewedCertificateIsInstalledBesideTheOldOneThenSwitchedTo() throws Exception {
        Enrolment.Material old = files.current();
        String request = files.request(SERIAL);

        ApplianceCertificate.Installed installed =
                files.install(RenewalFixture.signed(SERIAL, RenewalFixture.keyOf(request)), old);

        Path tls = dir.resolve("tls");
        assertThat(tls.resolve(ApplianceCertificate.PENDING_KEY)).doesNotExist();
        assertThat(tls.resolve(ApplianceCertificate.RENEWED_KEY)).exists();
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(tls.resolve(ApplianceCertificate.RENEWED_KEY))))
                .isEqualTo("rw-------");
        assertThat(Pem.readCertificates(tls.resolve(ApplianceCertificate.RENEWED_CERTIFICATE)))
                .as("the certificate and the enrolment CA, not the root")
                .containsExactly(
                        installed.material().keys().certificate(),
                        PKI.enrolmentCa().certificate());
        assertThat(installed.oldFingerprint())
                .isEqualTo(ApplianceCertificate.fingerprint(old.keys().certificate()));
        assertThat(files.current().keys().certificate())
                .as("the old one stays current")
                .isEqualTo(old.keys().certificate());
        assertThat(files.renewed())
                .get()
                .extracting(m -> m.keys().certificate())
                .isEqualTo(installed.material().keys().certificate());
        assertThat(Files.list(tls).filter(f -> f.getFileName().toString().startsWith(".")))
                .as("no staging left")
                .isEmpty();

        files.promote();

        X509Certificate now = files.current().keys().certificate();
        assertThat(now).isEqualTo(installed.material().keys().certificate());
        assertThat(directory.config().files().certificate())
                .startsWith("tls/cert-")
                .endsWith(".pem");
        assertThat(directory.config().files().key()).startsWith("tls/key-");
        assertThat(tls.resolve("cert.pem")).as("the old pair is removed").doesNotExist();
        assertThat(tls.resolve("key.pem")).doesNotExist();
        assertThat(tls.resolve(ApplianceCertificate.RENEWED_CERTIFICATE)).doesNotExist();
        assertThat(files.renewed()).isEmpty();
        assertThat(RenewalSchedule.renewable(files.current().keys().chain()))
                .as("renewed again next time")
                .isTrue();
    }

    @Test
    void aCertificateForAnotherKeyIsRefusedAndNothingIsWritten() {
        Enrolment.Material old = files.current();
        files.request(SERIAL);
        DirectorySnapshot before = DirectorySnapshot.of(dir);

        assertThatThrownBy(() -> files.install(
                        RenewalFixture.signed(
                                SERIAL, TestPki.keyPair("someone-else").getPublic()),
                        old))
                .isInstanceOf(RenewalRefusedException.class)
                .hasMessageStartingWith("the renewed certificate does not check: ")
                .hasMessageNotContaining("\n");
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void aCertificateForAnotherSerialIsRefused() {
        Enrolment.Material old = files.current();
        String request = files.request(SERIAL);
        X509Certificate other = PKI.enrolmentCa()
                .issue(
                        CertificateIdentity.appliance("SN-SOMEONE-ELSE"),
                        RenewalFixture.keyOf(request),
                        Duration.ofDays(5));
        DirectorySnapshot before = DirectorySnapshot.of(dir);

        assertThatThrownBy(() -> files.install(
                        Pem.certificates(List.of(other, PKI.enrolmentCa().certificate())), old))
                .isInstanceOf(RenewalRefusedException.class)
                .hasMessage("the renewed certificate is for appliance SN-SOMEONE-ELSE, not " + SERIAL);
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void aCertificateThatDoesNotChainToThePinnedRootIsRefused() {
        Enrolment.Material old = files.current();
        String request = files.request(SERIAL);
        X509Certificate foreign = PKI.untrustedCa()
                .issue(CertificateIdentity.appliance(SERIAL), RenewalFixture.keyOf(request), Duration.ofDays(5));
        DirectorySnapshot before = DirectorySnapshot.of(dir);

        assertThatThrownBy(() -> files.install(
                        Pem.certificates(List.of(foreign, PKI.untrustedCa().certificate())), old))
                .isInstanceOf(RenewalRefusedException.class)
                .hasMessageContaining("does not chain to the CA in");
        assertThatThrownBy(() -> files.install("not PEM at all\u000b\u2028", old))
                .isInstanceOf(RenewalRefusedException.class)
                .hasMessageNotContaining("\u000b")
                .hasMessageNotContaining("\u2028");
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void withoutAPendingKeyNothingIsInstalled() {
        Enrolment.Material old = files.current();
        assertThatThrownBy(() -> files.install(
                        RenewalFixture.signed(
                                SERIAL, TestPki.keyPair("anything").getPublic()),
                        old))
                .isInstanceOf(RenewalRefusedException.class)
                .hasMessageStartingWith("no renewal is pending on this appliance");
    }
}
