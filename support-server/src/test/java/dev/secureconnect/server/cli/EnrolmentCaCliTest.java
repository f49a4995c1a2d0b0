package dev.secureconnect.server.cli;

import static dev.secureconnect.server.cli.ServerCliTest.assertOneLineError;
import static dev.secureconnect.server.cli.ServerCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ServerCliTest.Result;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.enrolment.EnrolmentCa;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.testing.DirectorySnapshot;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sc-server enrolment-ca import} and {@code init --enrolment-ca} on a real SQLite directory. */
class EnrolmentCaCliTest {

    @TempDir
    Path temp;

    TestPki pki = TestPki.shared();
    Path files;

    @BeforeEach
    void serverFiles() throws Exception {
        files = Files.createDirectories(temp.resolve("files"));
        TestPki.Issued server = pki.server();
        Files.writeString(files.resolve("cert.pem"), Pem.certificates(List.of(server.certificate())));
        Files.writeString(files.resolve("key.pem"), Pem.privateKey(server.privateKey()));
        Files.writeString(files.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        Files.writeString(files.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Files.writeString(files.resolve("crl.pem"), Pem.crl(pki.revocationList()));
    }

    Result init(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "init",
                "--dir",
                dir.toString(),
                "--cert",
                files.resolve("cert.pem").toString(),
                "--key",
                files.resolve("key.pem").toString(),
                "--chain",
                files.resolve("chain.pem").toString(),
                "--ca",
                files.resolve("ca.pem").toString(),
                "--crl",
                files.resolve("crl.pem").toString(),
                "--appliance-listen",
                "127.0.0.1:0",
                "--engineer-listen",
                "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    /** What 'sc-pki issue enrolment-ca --out' writes, signed by {@code root}. */
    Path enrolmentCaFolder(String name, CertificateAuthority root) throws Exception {
        Path out = Files.createDirectories(temp.resolve(name));
        KeyPair keys = TestPki.keyPair("enrolment-" + name);
        X509Certificate certificate = root.createEnrolmentCa(keys.getPublic(), Duration.ofDays(30));
        Files.writeString(out.resolve("cert.pem"), Pem.certificates(List.of(certificate)));
        Files.writeString(out.resolve("key.pem"), Pem.privateKey(keys.getPrivate()));
        Files.writeString(out.resolve("ca.pem"), Pem.certificates(List.of(root.root())));
        return out;
    }

    List<ServerAuditRecord> audit(Path dir) {
        try (Database database = Database.open(
                ServerDaemon.databaseSettings(dir, ConfigFile.read(dir).database()))) {
            return new ServerAuditLog(database, Clock.systemUTC()).list(0, 1000);
        }
    }

    @Test
    void importKeepsTheKeyEncryptedAtRestAuditsItAndSignsApplianceCertificatesOnly() throws Exception {
        Path dir = temp.resolve("server");
        assertThat(init(dir).exitCode()).isZero();
        Path from = enrolmentCaFolder("enrolment", pki.rootCa());

        Result imported = run("enrolment-ca", "import", "--dir", dir.toString(), "--from", from.toString());

        assertThat(imported.exitCode()).as(imported.err()).isZero();
        X509Certificate certificate = Pem.readCertificate(from.resolve("cert.pem"));
        String fingerprint = CertificateFingerprint.of(certificate).colonHex();
        assertThat(imported.out())
                .contains("enrolment CA CN=SecureConnect Test Enrolment CA,O=SecureConnect Test imported")
                .contains(fingerprint);
        String key = Files.readString(dir.resolve(EnrolmentCa.KEY), StandardCharsets.US_ASCII);
        assertThat(key).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        for (String secret : List.of(EnrolmentCa.KEY, EnrolmentCa.PASSPHRASE)) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(secret)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        CertificateAuthority loaded = EnrolmentCa.load(dir, pki.rootCertificate(), Clock.systemUTC());
        X509Certificate appliance = loaded.issue(
                CertificateIdentity.appliance("SN-7"), TestPki.keyPair("sn-7").getPublic(), Duration.ofDays(1));
        // the listener checks revocation against a CRL of the CA that signed the leaf: the enrolment CA's own
        new CertificateChainValidator(
                        List.of(pki.rootCertificate()),
                        List.of(),
                        List.of(loaded.revocationList(List.of(), BigInteger.ONE, Duration.ofDays(1))))
                .validate(List.of(appliance, certificate), java.time.Instant.now());
        ServerAuditRecord record = audit(dir).get(audit(dir).size() - 1);
        assertThat(record.event().type()).isEqualTo(EventType.ENROLMENT_CA_IMPORTED);
        assertThat(record.event().details()).containsEntry("fingerprint", fingerprint);

        assertOneLineError(
                run("enrolment-ca", "import", "--dir", dir.toString(), "--from", from.toString()),
                1,
                "already holds an enrolment CA");
        assertThat(run("enrolment-ca", "import", "--dir", dir.toString(), "--from", from.toString(), "--replace")
                        .exitCode())
                .isZero();
    }

    @Test
    void initTakesTheEnrolmentCaToo() {
        Path dir = temp.resolve("server");
        Path from;
        try {
            from = enrolmentCaFolder("enrolment", pki.rootCa());
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        Result created = init(dir, "--enrolment-ca", from.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(EnrolmentCa.presentIn(dir)).isTrue();
        assertThat(audit(dir)).extracting(record -> record.event().type()).contains(EventType.ENROLMENT_CA_IMPORTED);
    }

    @Test
    void anEnrolmentCaOfAnotherRootOrAnotherKindOfCertificateIsRefusedAndNothingIsWritten() throws Exception {
        Path dir = temp.resolve("server");
        assertThat(init(dir).exitCode()).isZero();
        DirectorySnapshot keys = DirectorySnapshot.of(dir.resolve("keys"));

        assertOneLineError(
                run(
                        "enrolment-ca",
                        "import",
                        "--dir",
                        dir.toString(),
                        "--from",
                        enrolmentCaFolder("foreign", pki.untrustedCa()).toString()),
                1,
                "is not an enrolment CA of this server's root CA");
        assertOneLineError(
                run("enrolment-ca", "import", "--dir", dir.toString(), "--from", files.toString()),
                1,
                "is the certificate of a server, not of an enrolment CA");
        assertOneLineError(
                run("enrolment-ca", "import", "--dir", dir.toString(), "--from", temp.toString()),
                1,
                "holds no enrolment CA (cert.pem is missing)");
        assertThat(keys.changesSince()).isEmpty();
    }
}
