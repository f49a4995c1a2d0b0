package dev.secureconnect.pki;

import static dev.secureconnect.pki.ExternalCommand.openssl;
import static dev.secureconnect.pki.ExternalCommand.opensslOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.CryptoException;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.keys.RsaKeyPairs;
import dev.secureconnect.crypto.keys.RsaKeySize;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateAuthority;
import dev.secureconnect.crypto.pki.CertificateChainValidator;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRejectedException;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.SoftwareKeySigner;
import dev.secureconnect.pki.ca.CaDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sc-pki issue enrolment-ca}: the online sub-CA for appliance enrolment, checked from outside with the real
 * {@code openssl} (its profile as {@code x509 -text} prints it, chains {@code verify} accepts and refuses) and with the
 * JDK's PKIX validator the listeners use.
 */
class EnrolmentCaTest {

    private static final PkiCli CLI = PkiCli.admin();

    @TempDir
    static Path work;

    private static Path ca;
    private static Path enrolment;
    private static CertificateAuthority enrolmentCa;

    @BeforeAll
    static void issueTheEnrolmentCa() {
        ca = CLI.init(work.resolve("ca"));
        enrolment = work.resolve("enrolment");
        PkiCli.Result issued = CLI.ok("issue", "enrolment-ca", "--dir", ca.toString(), "--out", enrolment.toString());
        assertThat(issued.out()).contains("issued enrolment-ca Acme Enrolment CA: serial ");
        X509Certificate certificate = Pem.readCertificate(enrolment.resolve("cert.pem"));
        PrivateKey key = Pem.readPrivateKey(enrolment.resolve("key.pem"), null);
        enrolmentCa = new CertificateAuthority(
                certificate,
                List.of(Pem.readCertificate(enrolment.resolve("ca.pem"))),
                new SoftwareKeySigner(key, certificate.getPublicKey()),
                Clock.systemUTC());
    }

    @Test
    void opensslShowsAPathLengthZeroClientAuthCaConstrainedToApplianceSubjects() {
        String text = opensslOk("x509", "-in", enrolment.resolve("cert.pem").toString(), "-noout", "-text");

        assertThat(text)
                .contains("Subject: O = Acme, CN = Acme Enrolment CA")
                .contains("Issuer: O = Acme, CN = Acme Root CA")
                .containsPattern("X509v3 Basic Constraints: critical\\s+CA:TRUE, pathlen:0")
                .containsPattern("X509v3 Key Usage: critical\\s+Certificate Sign, CRL Sign")
                .containsPattern("X509v3 Extended Key Usage:\\s+TLS Web Client Authentication\\s")
                .containsPattern(
                        "X509v3 Name Constraints: critical\\s+Permitted:\\s+DirName:O = Acme, OU = Appliances");
        assertThat(Pem.readCertificate(enrolment.resolve("chain.pem")))
                .isEqualTo(Pem.readCertificate(ca.resolve(CaDirectory.ROOT_CERT)));
        assertThat(enrolment.resolve("key.pem")).isReadable();
    }

    @Test
    void theIssuanceIsInTheIndexAndTheSignedLog() throws Exception {
        JsonNode index = Mappers.json().readTree(ca.resolve(CaDirectory.INDEX).toFile());
        assertThat(index.toString()).contains("\"role\":\"enrolment-ca\"", "\"identity\":\"Acme Enrolment CA\"");
        String log = Files.readString(ca.resolve(CaDirectory.LOG), StandardCharsets.UTF_8);
        assertThat(log.lines().reduce((first, second) -> second).orElseThrow())
                .contains("\"action\":\"issue\"", "\"role\":\"enrolment-ca\"");
        assertThat(CLI.ok("audit", "verify", "--dir", ca.toString()).out()).contains("is intact: 2 entries");
        assertThat(CLI.ok("list", "--dir", ca.toString(), "--role", "enrolment-ca")
                        .out())
                .contains("Acme Enrolment CA");
    }

    @Test
    void opensslAndPkixAcceptAnApplianceCertificateItSigns() throws Exception {
        Path out = Files.createDirectories(work.resolve("sn-1"));
        X509Certificate appliance = enrolmentCa.issue(
                CertificateIdentity.appliance("SN-1"),
                RsaKeyPairs.generate(RsaKeySize.DEFAULT).getPublic(),
                Duration.ofDays(90));
        Files.writeString(out.resolve("cert.pem"), Pem.certificates(List.of(appliance)));

        assertThat(opensslOk(
                        "verify",
                        "-CAfile",
                        enrolment.resolve("ca.pem").toString(),
                        "-untrusted",
                        enrolment.resolve("cert.pem").toString(),
                        "-purpose",
                        "sslclient",
                        out.resolve("cert.pem").toString()))
                .contains("cert.pem: OK");
        CertificateChainValidator.withoutRevocationCheck(List.of(enrolmentCa.root()), List.of())
                .validate(List.of(appliance, enrolmentCa.certificate()), Instant.now());
        assertThat(CertificateIdentity.of(appliance)).isEqualTo(CertificateIdentity.appliance("SN-1"));
    }

    @Test
    void itsKeyIsRefusedAnyOtherRole() {
        assertThatThrownBy(() -> enrolmentCa.issue(
                        CertificateIdentity.engineer("mallory", "Mallory", "mallory@example.com"),
                        RsaKeyPairs.generate(RsaKeySize.DEFAULT).getPublic(),
                        Duration.ofDays(30)))
                .isInstanceOf(CryptoException.class)
                .hasMessage("the enrolment CA signs appliance certificates only, not the certificate of engineer"
                        + " mallory (Mallory <mallory@example.com>)");
    }

    @Test
    void aServerOrEngineerCertificateSignedWithItsKeyOutsideSecureConnectIsRefusedByOpensslAndPkix() throws Exception {
        Path rogue = Files.createDirectories(work.resolve("rogue"));
        Path extensions = Files.writeString(
                rogue.resolve("server.ext"),
                "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n"
                        + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:support.example.com\n");
        opensslOk(
                "req",
                "-new",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                rogue.resolve("key.pem").toString(),
                "-out",
                rogue.resolve("request.pem").toString(),
                "-subj",
                "/O=Acme/OU=Support Servers/CN=support.example.com");
        opensslOk(
                "x509",
                "-req",
                "-in",
                rogue.resolve("request.pem").toString(),
                "-CA",
                enrolment.resolve("cert.pem").toString(),
                "-CAkey",
                enrolment.resolve("key.pem").toString(),
                "-set_serial",
                "7",
                "-days",
                "30",
                "-extfile",
                extensions.toString(),
                "-out",
                rogue.resolve("cert.pem").toString());

        ExternalCommand.Result verified = openssl(
                "verify",
                "-CAfile",
                enrolment.resolve("ca.pem").toString(),
                "-untrusted",
                enrolment.resolve("cert.pem").toString(),
                rogue.resolve("cert.pem").toString());
        assertThat(verified.exitCode()).as("%s", verified).isNotZero();
        assertThat(verified.output()).contains("permitted subtree violation");
        X509Certificate server = Pem.readCertificate(rogue.resolve("cert.pem"));
        assertThatThrownBy(
                        () -> CertificateChainValidator.withoutRevocationCheck(List.of(enrolmentCa.root()), List.of())
                                .validate(List.of(server, enrolmentCa.certificate()), Instant.now()))
                .isInstanceOf(CertificateRejectedException.class)
                .hasMessageContaining("name constraints");
    }

    @Test
    void anEnrolmentCaNeedsTheRootKeyAndIsReadBackAsItsOwnRole() throws Exception {
        assertThat(CertificateIdentity.of(enrolmentCa.certificate()).role()).isEqualTo(CertificateRole.ENROLMENT_CA);

        Path copy = work.resolve("no-root-key");
        Files.createDirectories(copy);
        for (String name :
                List.of(CaDirectory.ROOT_CERT, CaDirectory.ISSUING_CERT, CaDirectory.ISSUING_KEY, CaDirectory.INDEX)) {
            Files.copy(ca.resolve(name), copy.resolve(name));
        }
        PkiCli.Result refused = CLI.run(
                "issue",
                "enrolment-ca",
                "--dir",
                copy.toString(),
                "--out",
                work.resolve("x").toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("sc-pki: " + copy + " holds no root CA key (ca-key.pem is missing)");
        assertThat(work.resolve("x")).doesNotExist();
    }
}
