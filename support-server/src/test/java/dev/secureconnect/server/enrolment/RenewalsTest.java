package dev.secureconnect.server.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.RevocationReason;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The certificates the enrolment CA signed (stored at enrolment and renewal, revoked by the operator) and the server's
 * renewal decision, on a real SQLite database with a real enrolment CA and revocation list.
 */
class RenewalsTest {

    private static final TestPki PKI = TestPki.shared();
    private static final CertificateFingerprint ROOT = CertificateFingerprint.of(PKI.rootCertificate());
    private static final String SOURCE = "192.0.2.7:40000";

    @TempDir
    Path temp;

    Database database;
    ServerAuditLog audit;
    CertificateAuthority enrolmentCa;
    ApplianceCertificates certificates;
    EnrolmentCrl crl;
    Renewals renewals;

    @BeforeEach
    void open() {
        database = Database.open(DatabaseSettings.sqlite(temp));
        audit = new ServerAuditLog(database, Clock.systemUTC());
        KeyPair keys = TestPki.keyPair("enrolment-ca");
        enrolmentCa = new CertificateAuthority(
                PKI.rootCa().createEnrolmentCa(keys.getPublic(), Duration.ofDays(60)),
                List.of(PKI.rootCertificate()),
                new SoftwareKeySigner(keys.getPrivate(), keys.getPublic()),
                Clock.systemUTC());
        certificates = new ApplianceCertificates(database, audit, Clock.systemUTC());
        crl = new EnrolmentCrl(temp, enrolmentCa, Clock.systemUTC());
        renewals = new Renewals(audit, enrolmentCa, Duration.ofDays(30), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    /** Enrols {@code serial} by code, as an appliance does first. */
    X509Certificate enrol(String serial, boolean replace) {
        String code = new InviteStore(database, audit, Clock.systemUTC())
                .invite(serial, Duration.ofHours(1), replace, "operator:test", ROOT)
                .code()
                .text();
        return new Enrolments(audit, enrolmentCa, Duration.ofDays(30), SourceGuard.OPEN, Clock.systemUTC())
                .enrol(code, serial, EnrolmentsTest.csr(serial), InetAddress.getLoopbackAddress())
                .certificate();
    }

    static String fingerprint(X509Certificate certificate) {
        return CertificateFingerprint.of(certificate).colonHex();
    }

    List<ServerAuditRecord> records(EventType type) {
        return audit.list(0, 10_000).stream()
                .filter(r -> r.event().type() == type)
                .toList();
    }

    @Test
    void enrolmentStoresTheCertificateItSigned() {
        X509Certificate certificate = enrol("SN-1", false);

        assertThat(certificates.of("SN-1")).singleElement().satisfies(stored -> {
            assertThat(stored.fingerprint()).isEqualTo(fingerprint(certificate));
            assertThat(stored.serialNumber())
                    .isEqualTo(certificate.getSerialNumber().toString(16));
            assertThat(stored.notAfter()).isEqualTo(certificate.getNotAfter().toInstant());
            assertThat(stored.issuedBy()).isEqualTo("enrolment");
            assertThat(stored.certificate()).isEqualTo(certificate);
            assertThat(stored.replacedBy()).isNull();
            assertThat(stored.revoked()).isFalse();
        });
    }

    @Test
    void aRenewalSignsTheNewKeyRecordsItAsReplacingTheOldAndAuditsBothFingerprints() {
        X509Certificate old = enrol("SN-2", false);
        KeyPair next = TestPki.keyPair("renewed-SN-2");

        Enrolments.Enrolled renewed = renewals.renew(
                "SN-2",
                old,
                dev.secureconnect.crypto.pem.Pem.csr(dev.secureconnect.crypto.pki.CertificateSigningRequest.create(
                        CertificateIdentity.appliance("SN-2"), next)),
                SOURCE);

        assertThat(renewed.certificate().getPublicKey()).isEqualTo(next.getPublic());
        assertThat(CertificateIdentity.of(renewed.certificate())).isEqualTo(CertificateIdentity.appliance("SN-2"));
        assertThat(renewed.chain()).containsExactly(enrolmentCa.certificate(), PKI.rootCertificate());
        assertThat(certificates.of("SN-2"))
                .extracting(ApplianceCertificates.Stored::fingerprint, ApplianceCertificates.Stored::replacedBy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(fingerprint(renewed.certificate()), null),
                        org.assertj.core.groups.Tuple.tuple(fingerprint(old), fingerprint(renewed.certificate())));
        assertThat(records(EventType.CERTIFICATE_RENEWED)).singleElement().satisfies(record -> assertThat(
                        record.event().details())
                .containsEntry("oldFingerprint", fingerprint(old))
                .containsEntry("fingerprint", fingerprint(renewed.certificate())));
    }

    /** The refusals, each with the state that leads to it. */
    enum Refusal {
        REVOKED(EnrolmentException.Reason.REVOKED, "was revoked"),
        OTHER_SERIAL(EnrolmentException.Reason.BAD_REQUEST, "names appliance 'SN-OTHER'"),
        WEAK_KEY(EnrolmentException.Reason.BAD_REQUEST, "bits"),
        SAME_KEY(EnrolmentException.Reason.BAD_REQUEST, "reuses the key"),
        NOT_CURRENT(EnrolmentException.Reason.NOT_CURRENT, "was replaced by a renewal since"),
        NOT_ENROLLED(EnrolmentException.Reason.NOT_ENROLLED, "was not signed by this server's enrolment CA"),
        NOT_A_REQUEST(EnrolmentException.Reason.BAD_REQUEST, "certificate request");

        final EnrolmentException.Reason reason;
        final String message;

        Refusal(EnrolmentException.Reason reason, String message) {
            this.reason = reason;
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void eachRefusalIsAuditedOnOneLineAndSignsNothing(Refusal refusal) {
        String serial = "SN-" + refusal.name().replace('_', '-');
        X509Certificate current = enrol(serial, false);
        Supplier<String> fresh = () -> EnrolmentsTest.csr(serial, TestPki.keyPair("fresh-" + serial));
        String csr = fresh.get();
        switch (refusal) {
            case REVOKED -> certificates.revoke(serial, "stolen", "operator:test", crl);
            case OTHER_SERIAL -> csr = EnrolmentsTest.csr("SN-OTHER");
            case WEAK_KEY -> csr = EnrolmentsTest.csr(serial, TestPki.weakRsaKeyPair());
            case SAME_KEY -> csr = EnrolmentsTest.csr(serial, TestPki.keyPair("appliance-" + serial));
            case NOT_CURRENT -> {
                X509Certificate second =
                        renewals.renew(serial, current, csr, SOURCE).certificate();
                renewals.renew(serial, second, EnrolmentsTest.csr(serial, TestPki.keyPair("third-" + serial)), SOURCE);
                csr = EnrolmentsTest.csr(serial, TestPki.keyPair("fourth-" + serial));
            }
            case NOT_ENROLLED -> current = PKI.appliance(serial).certificate();
            case NOT_A_REQUEST -> csr = "not a request\u000b\u2028";
        }
        int stored = certificates.of(serial).size();
        X509Certificate presented = current;
        String offered = csr;

        assertThatThrownBy(() -> renewals.renew(serial, presented, offered, SOURCE))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(refusal.reason))
                .hasMessageContaining(refusal.message)
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\u2028");

        assertThat(certificates.of(serial)).hasSize(stored);
        List<ServerAuditRecord> refused = records(EventType.CERTIFICATE_RENEWAL_REFUSED);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).event().applianceSerial()).isEqualTo(serial);
        assertThat(refused.get(0).event().details())
                .containsEntry("fingerprint", fingerprint(presented))
                .hasEntrySatisfying("reason", reason -> assertThat(reason).contains(refusal.message));
    }

    @Test
    void theCertificateTheNewestReplacedMayRenewAgainWhenTheAnswerWasLost() {
        X509Certificate old = enrol("SN-3", false);
        renewals.renew("SN-3", old, EnrolmentsTest.csr("SN-3", TestPki.keyPair("lost-SN-3")), SOURCE);

        X509Certificate again = renewals.renew(
                        "SN-3", old, EnrolmentsTest.csr("SN-3", TestPki.keyPair("again-SN-3")), SOURCE)
                .certificate();

        assertThat(certificates.of("SN-3").get(0).fingerprint()).isEqualTo(fingerprint(again));
    }

    @Test
    void revokingPutsEveryUnexpiredCertificateInTheCrlAndARevokedApplianceNeedsReplace() {
        X509Certificate first = enrol("SN-4", false);
        X509Certificate second = renewals.renew(
                        "SN-4", first, EnrolmentsTest.csr("SN-4", TestPki.keyPair("r-SN-4")), SOURCE)
                .certificate();
        Instant before = Instant.now().minusSeconds(1);

        List<ApplianceCertificates.Stored> revoked =
                certificates.revoke("SN-4", "stolen\nlaptop", "operator:test", crl);

        assertThat(revoked).hasSize(2);
        assertThat(crl.revokedSerials()).contains(first.getSerialNumber(), second.getSerialNumber());
        assertThat(certificates.of("SN-4")).allSatisfy(stored -> {
            assertThat(stored.revoked()).isTrue();
            assertThat(stored.revokedReason()).isEqualTo("stolen?laptop");
        });
        assertThat(records(EventType.APPLIANCE_REVOKED)).singleElement().satisfies(record -> {
            assertThat(record.event().applianceSerial()).isEqualTo("SN-4");
            assertThat(record.event().details().get("fingerprints")).contains(fingerprint(first), fingerprint(second));
        });
        assertThat(certificates.revokedAfter(before))
                .extracting(ApplianceCertificates.Revoked::serial)
                .containsExactly("SN-4");
        assertThatThrownBy(() -> certificates.revoke("SN-4", "again", "operator:test", crl))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("nothing to revoke");
        assertThatThrownBy(() -> enrol("SN-4", false))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("already holds a valid certificate");
        new InviteStore(database, audit, Clock.systemUTC()).revoke("SN-4", "operator:test");
        assertThat(enrol("SN-4", true)).isNotNull();
    }

    @Test
    void twoWritersOfTheCrlAtOnceKeepEveryEntry() throws Exception {
        // the daemon's refresh (due at every call: a clock a week ahead) and the CLI's revocations, as two writers of
        // one server directory, each reading, adding to and writing the list at the same time
        EnrolmentCrl daemon =
                new EnrolmentCrl(temp, enrolmentCa, Clock.offset(Clock.systemUTC(), EnrolmentCrl.VALIDITY));
        List<X509Certificate> enrolled = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            enrolled.add(enrol("SN-W" + i, false));
        }
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (X509Certificate certificate : enrolled) {
                EnrolmentCrl cli = new EnrolmentCrl(temp, enrolmentCa, Clock.systemUTC());
                done.add(writers.submit(() -> cli.revoke(certificate, RevocationReason.KEY_COMPROMISE)));
                done.add(writers.submit(daemon::refreshIfDue));
            }
            for (java.util.concurrent.Future<?> each : done) {
                each.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        assertThat(crl.revokedSerials())
                .containsExactlyInAnyOrderElementsOf(
                        enrolled.stream().map(X509Certificate::getSerialNumber).toList());
    }

    @Test
    void revokingAnUnknownSerialIsRefusedOnOneLine() {
        assertThatThrownBy(() -> certificates.revoke("SN-NONE", "why", "operator:test", crl))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("holds no certificate signed by this server's enrolment CA")
                .hasMessageNotContaining("\n");
        assertThat(records(EventType.APPLIANCE_REVOKED)).isEmpty();
    }
}
