package dev.secureconnect.server.cli;

import static dev.secureconnect.server.cli.ServerCliTest.assertOneLineError;
import static dev.secureconnect.server.cli.ServerCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ServerCliTest.Result;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.tunnel.enrolment.EnrolmentCode;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sc-server appliances invite [--revoke]} and {@code appliances revoke} on a real SQLite directory with an
 * enrolment CA.
 */
class InviteCliTest {

    @TempDir
    Path temp;

    Path dir;

    @BeforeEach
    void serverWithEnrolmentCa() throws Exception {
        EnrolmentCaCliTest setup = new EnrolmentCaCliTest();
        setup.temp = temp;
        setup.serverFiles();
        dir = temp.resolve("server");
        Result init = setup.init(
                dir,
                "--enrolment-ca",
                setup.enrolmentCaFolder("enrolment", TestPki.shared().rootCa()).toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    List<ServerAuditRecord> audit() {
        try (Database database = Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()))) {
            return new ServerAuditLog(database, Clock.systemUTC()).list(0, 1000);
        }
    }

    /** Every value of every column of the invites table, as text. */
    List<String> storedValues() {
        try (Database database = Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()))) {
            return database.withConnection(connection -> {
                List<String> values = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT * FROM enrolment_invites");
                        ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                            values.add(String.valueOf(rs.getString(column)));
                        }
                    }
                }
                return values;
            });
        }
    }

    @Test
    void aCodeCarriesTheRootFingerprintIsStoredOnlyAsAHashAndIsAudited() {
        Result invited = run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42", "--ttl", "2h");

        assertThat(invited.exitCode()).as(invited.err()).isZero();
        EnrolmentCode code =
                EnrolmentCode.parse(invited.out().lines().findFirst().orElseThrow());
        assertThat(code.root())
                .isEqualTo(CertificateFingerprint.of(TestPki.shared().rootCertificate()));
        assertThat(invited.out()).contains("one-time code " + code.id() + " for appliance SN-42, usable until");
        assertThat(storedValues())
                .contains(code.secretHash(), "SN-42")
                .noneMatch(value -> value.contains(code.text().substring(4, 26)));
        ServerAuditRecord record = audit().get(audit().size() - 1);
        assertThat(record.event().type()).isEqualTo(EventType.ENROLMENT_INVITED);
        assertThat(record.event().applianceSerial()).isEqualTo("SN-42");
        assertThat(record.event().details()).containsEntry("codeId", code.id()).containsEntry("replace", "false");
        assertThat(record.event().details().toString())
                .doesNotContain(code.text().substring(4, 26));
    }

    @Test
    void oneUnusedCodePerSerialRevokedOnRequest() throws Exception {
        assertThat(run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42")
                        .exitCode())
                .isZero();
        assertOneLineError(
                run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42"),
                1,
                "appliance SN-42 has an unused enrolment code already");

        Result revoked = run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42", "--revoke");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).startsWith("revoked enrolment code ");
        assertThat(audit().get(audit().size() - 1).event().type()).isEqualTo(EventType.ENROLMENT_INVITE_REVOKED);
        assertOneLineError(
                run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42", "--revoke"),
                1,
                "appliance SN-42 has no unused enrolment code to revoke");

        Result again = run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42", "--replace", "--json");
        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode json = Mappers.json().readTree(again.out());
        assertThat(json.path("serial").asText()).isEqualTo("SN-42");
        assertThat(json.path("replace").asBoolean()).isTrue();
        assertThat(EnrolmentCode.parse(json.path("code").asText()).id())
                .isEqualTo(json.path("codeId").asText());
    }

    @Test
    void badInputIsRefusedOnOneLine() {
        assertOneLineError(
                run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN 42"), 1, "appliance serial");
        assertOneLineError(
                run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42", "--ttl", "1 week"),
                1,
                "--ttl '1 week' is not valid");
        assertOneLineError(
                run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-42", "--ttl", "31d"),
                1,
                "at most 30 days");
        assertThat(storedValues()).isEmpty();
    }

    @Test
    void revokingAnEnrolledApplianceRevokesItsCertificateInTheEnrolmentCrlAndItNeedsReplaceToComeBack() {
        Result invited = run("appliances", "invite", "--dir", dir.toString(), "--serial", "SN-7");
        String code = invited.out().lines().findFirst().orElseThrow();
        java.security.cert.X509Certificate certificate;
        dev.secureconnect.crypto.pki.CertificateAuthority enrolmentCa =
                dev.secureconnect.server.enrolment.EnrolmentCa.load(
                        dir, TestPki.shared().rootCertificate(), Clock.systemUTC());
        try (Database database = Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()))) {
            certificate = new dev.secureconnect.server.enrolment.Enrolments(
                            new ServerAuditLog(database, Clock.systemUTC()),
                            enrolmentCa,
                            java.time.Duration.ofDays(30),
                            dev.secureconnect.server.blocks.SourceGuard.OPEN,
                            Clock.systemUTC())
                    .enrol(
                            code,
                            "SN-7",
                            dev.secureconnect.crypto.pem.Pem.csr(
                                    dev.secureconnect.crypto.pki.CertificateSigningRequest.create(
                                            dev.secureconnect.crypto.pki.CertificateIdentity.appliance("SN-7"),
                                            TestPki.keyPair("appliance-SN-7"))),
                            java.net.InetAddress.getLoopbackAddress())
                    .certificate();
        }

        Result revoked = run("appliances", "revoke", "--dir", dir.toString(), "--serial", "SN-7", "--reason", "stolen");

        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out().lines())
                .singleElement()
                .asString()
                .startsWith("revoked 1 certificate(s) of appliance SN-7");
        assertThat(new dev.secureconnect.server.enrolment.EnrolmentCrl(dir, enrolmentCa, Clock.systemUTC())
                        .revokedSerials())
                .containsExactly(certificate.getSerialNumber());
        ServerAuditRecord record = audit().get(audit().size() - 1);
        assertThat(record.event().type()).isEqualTo(EventType.APPLIANCE_REVOKED);
        assertThat(record.event().details())
                .containsEntry(
                        "fingerprints", CertificateFingerprint.of(certificate).colonHex())
                .containsEntry("reason", "stolen");
        assertOneLineError(
                run("appliances", "revoke", "--dir", dir.toString(), "--serial", "SN-7"), 1, "nothing to revoke");
        assertOneLineError(
                run("appliances", "revoke", "--dir", dir.toString(), "--serial", "SN-UNKNOWN"),
                1,
                "holds no certificate signed by this server's enrolment CA");
    }
}
