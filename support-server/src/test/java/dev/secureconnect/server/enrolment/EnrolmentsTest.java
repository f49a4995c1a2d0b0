package dev.secureconnect.server.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.blocks.SourceFailure;
import dev.secureconnect.server.blocks.SourceGuard;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's half of enrolment by one-time code, on a real SQLite database with a real enrolment CA. */
class EnrolmentsTest {

    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();
    private static final TestPki PKI = TestPki.shared();
    private static final CertificateFingerprint ROOT = CertificateFingerprint.of(PKI.rootCertificate());

    @TempDir
    Path temp;

    Database database;
    ServerAuditLog audit;
    InviteStore invites;
    CertificateAuthority enrolmentCa;
    final List<InetAddress> failedSources = new ArrayList<>();
    final SourceGuard guard = new SourceGuard() {
        @Override
        public boolean isBlocked(InetAddress source) {
            return false;
        }

        @Override
        public void failed(InetAddress source, SourceFailure failure) {
            assertThat(failure).isEqualTo(SourceFailure.ENROLMENT);
            failedSources.add(source);
        }
    };

    @BeforeEach
    void open() {
        database = Database.open(DatabaseSettings.sqlite(temp));
        audit = new ServerAuditLog(database, Clock.systemUTC());
        invites = new InviteStore(database, audit, Clock.systemUTC());
        KeyPair keys = TestPki.keyPair("enrolment-ca");
        X509Certificate certificate = PKI.rootCa().createEnrolmentCa(keys.getPublic(), Duration.ofDays(60));
        enrolmentCa = new CertificateAuthority(
                certificate,
                List.of(PKI.rootCertificate()),
                new dev.secureconnect.crypto.pki.SoftwareKeySigner(keys.getPrivate(), keys.getPublic()),
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        database.close();
    }

    Enrolments enrolments(Clock clock) {
        return new Enrolments(audit, enrolmentCa, Duration.ofDays(30), guard, clock);
    }

    static String csr(String serial, KeyPair keys) {
        return Pem.csr(CertificateSigningRequest.create(CertificateIdentity.appliance(serial), keys));
    }

    static String csr(String serial) {
        return csr(serial, TestPki.keyPair("appliance-" + serial));
    }

    String invite(String serial, boolean replace) {
        return invites.invite(serial, Duration.ofHours(1), replace, "operator:test", ROOT)
                .code()
                .text();
    }

    ServerAuditRecord lastRecord() {
        List<ServerAuditRecord> records = audit.list(0, 10_000);
        return records.get(records.size() - 1);
    }

    @Test
    void aCodeEnrolsItsSerialOnceWithACertificateThatPassesTheListenersChecks() {
        String code = invite("SN-1", false);

        Enrolments.Enrolled enrolled = enrolments(Clock.systemUTC()).enrol(code, "SN-1", csr("SN-1"), SOURCE);

        assertThat(CertificateIdentity.of(enrolled.certificate())).isEqualTo(CertificateIdentity.appliance("SN-1"));
        assertThat(enrolled.certificate().getPublicKey())
                .isEqualTo(TestPki.keyPair("appliance-SN-1").getPublic());
        assertThat(enrolled.chain()).containsExactly(enrolmentCa.certificate(), PKI.rootCertificate());
        new CertificateChainValidator(
                        List.of(PKI.rootCertificate()),
                        List.of(enrolmentCa.certificate()),
                        List.of(enrolmentCa.revocationList(List.of(), BigInteger.ONE, Duration.ofDays(1))))
                .validate(List.of(enrolled.certificate()), Instant.now());
        ServerAuditRecord record = lastRecord();
        assertThat(record.event().type()).isEqualTo(EventType.APPLIANCE_ENROLLED);
        assertThat(record.event().details())
                .containsEntry(
                        "fingerprint",
                        CertificateFingerprint.of(enrolled.certificate()).colonHex());

        assertRefused(code, "SN-1", csr("SN-1"), EnrolmentException.Reason.USED, "was used already");
        assertThat(invites.list().get(0).usedAt()).isNotNull();
    }

    @Test
    void eachBadInputIsRefusedWithItsReasonAuditedAndCountedAgainstTheSource() {
        String code = invite("SN-2", false);
        assertRefused("SC1.nonsense", "SN-2", csr("SN-2"), EnrolmentException.Reason.MALFORMED_CODE, "is not valid");
        assertRefused(
                dev.secureconnect.tunnel.enrolment.EnrolmentCode.generate(ROOT).text(),
                "SN-2",
                csr("SN-2"),
                EnrolmentException.Reason.UNKNOWN_CODE,
                "is not one this server made");
        assertRefused(code, "SN-3", csr("SN-3"), EnrolmentException.Reason.OTHER_SERIAL, "is for another appliance");
        assertRefused(code, "SN-2", csr("SN-3"), EnrolmentException.Reason.BAD_REQUEST, "names appliance 'SN-3'");
        assertRefused(
                code, "SN-2", csr("SN-2", TestPki.weakRsaKeyPair()), EnrolmentException.Reason.BAD_REQUEST, "bits");
        assertRefused(code, "SN-2", "not a request", EnrolmentException.Reason.BAD_REQUEST, "certificate request");

        assertThat(failedSources).hasSize(6);
        assertThat(invites.list().get(0).usedAt()).isNull();
        // five of the six named SN-2 (one claimed SN-3): its code is revoked, whatever comes next
        assertRefused(code, "SN-2", csr("SN-2"), EnrolmentException.Reason.REVOKED, "was revoked");
    }

    @Test
    void anExpiredOrRevokedCodeIsRefused() {
        String expired = invite("SN-4", false);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        assertThatThrownBy(() -> enrolments(later).enrol(expired, "SN-4", csr("SN-4"), SOURCE))
                .isInstanceOf(EnrolmentException.class)
                .hasMessageContaining("expired at");

        String revoked = invite("SN-5", false);
        invites.revoke("SN-5", "operator:test");
        assertRefused(revoked, "SN-5", csr("SN-5"), EnrolmentException.Reason.REVOKED, "was revoked");
    }

    @Test
    void aSerialHoldingAValidCertificateNeedsACodeMadeWithReplace() {
        enrolments(Clock.systemUTC()).enrol(invite("SN-6", false), "SN-6", csr("SN-6"), SOURCE);

        assertRefused(
                invite("SN-6", false),
                "SN-6",
                csr("SN-6"),
                EnrolmentException.Reason.HAS_CERTIFICATE,
                "already holds a valid certificate");
        invites.revoke("SN-6", "operator:test");
        assertThat(enrolments(Clock.systemUTC()).enrol(invite("SN-6", true), "SN-6", csr("SN-6"), SOURCE))
                .isNotNull();
    }

    @Test
    void guessingOneSerialRevokesItsCodeAfterTheLimit() {
        String code = invite("SN-8", false);
        for (int attempt = 0; attempt < Enrolments.MAX_FAILED_ATTEMPTS; attempt++) {
            assertRefused(
                    dev.secureconnect.tunnel.enrolment.EnrolmentCode.generate(ROOT)
                            .text(),
                    "SN-8",
                    csr("SN-8"),
                    EnrolmentException.Reason.UNKNOWN_CODE,
                    "is not one this server made");
        }

        assertThat(invites.list().get(0).revokedAt()).isNotNull();
        assertThat(audit.list(0, 10_000))
                .extracting(record -> record.event().type())
                .contains(EventType.ENROLMENT_INVITE_REVOKED);
        assertRefused(code, "SN-8", csr("SN-8"), EnrolmentException.Reason.REVOKED, "was revoked");
    }

    void assertRefused(String code, String serial, String csr, EnrolmentException.Reason reason, String messagePart) {
        assertThatThrownBy(() -> enrolments(Clock.systemUTC()).enrol(code, serial, csr, SOURCE))
                .isInstanceOfSatisfying(
                        EnrolmentException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart)
                .hasMessageNotContaining("\n");
        ServerAuditRecord record = audit.list(0, 10_000).stream()
                .filter(r -> r.event().type() == EventType.ENROLMENT_REFUSED)
                .reduce((first, second) -> second)
                .orElseThrow();
        assertThat(record.seq()).isGreaterThanOrEqualTo(lastRecord().seq() - 1);
        assertThat(record.event().details()).containsEntry("reason", reason.code());
    }
}
