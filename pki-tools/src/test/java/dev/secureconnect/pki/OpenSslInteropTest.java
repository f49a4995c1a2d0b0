package dev.secureconnect.pki;

import static dev.secureconnect.pki.ExternalCommand.openssl;
import static dev.secureconnect.pki.ExternalCommand.opensslOk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.pki.ca.CaDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The certificates, CRL and PKCS#12 bundle that sc-pki writes, checked with the real {@code openssl} command line
 * rather than with our own parser. A missing openssl fails these tests.
 */
class OpenSslInteropTest {

    private static final PkiCli CLI = PkiCli.admin();

    @TempDir
    static Path work;

    private static Path ca;
    private static Path p12Password;
    private static String revokedSerial;

    @BeforeAll
    static void issueOneOfEach() throws Exception {
        ca = CLI.init(work.resolve("ca"));
        CLI.ok(
                "issue",
                "server",
                "--dir",
                ca.toString(),
                "--dns",
                "support.example.com",
                "--ip",
                "127.0.0.1",
                "--out",
                work.resolve("server").toString());
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-1234",
                "--out",
                work.resolve("appliance").toString());
        p12Password = Files.writeString(work.resolve("p12-password.txt"), "p12 password from a file\n");
        CLI.ok(
                "issue",
                "engineer",
                "--dir",
                ca.toString(),
                "--login",
                "alice",
                "--name",
                "Alice Example",
                "--email",
                "alice@example.com",
                "--p12-passphrase-file",
                p12Password.toString(),
                "--out",
                work.resolve("engineer").toString());
        Path csr = CsrFiles.openssl(
                Files.createDirectories(work.resolve("csr")),
                "appliance",
                "/CN=SN-9",
                "URI:urn:secureconnect:appliance:SN-9");
        CLI.ok(
                "sign-csr",
                "--dir",
                ca.toString(),
                "--role",
                "appliance",
                "--csr",
                csr.toString(),
                "--out",
                work.resolve("csr-appliance").toString());

        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-STOLEN",
                "--out",
                work.resolve("revoked").toString());
        revokedSerial = serial("revoked");
        CLI.ok("revoke", "--dir", ca.toString(), "--serial", revokedSerial, "--reason", "keyCompromise");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"server, sslserver", "appliance, sslclient", "engineer, sslclient", "csr-appliance, sslclient"})
    void opensslVerifyAcceptsEachIssuedCertificateWithItsChainAndCrl(String folder, String purpose) {
        Path out = work.resolve(folder);

        assertThat(opensslOk(
                        "verify",
                        "-CAfile",
                        out.resolve("ca.pem").toString(),
                        "-untrusted",
                        out.resolve("chain.pem").toString(),
                        "-purpose",
                        purpose,
                        out.resolve("cert.pem").toString()))
                .contains("cert.pem: OK");
        assertThat(opensslOk(
                        "verify",
                        "-crl_check",
                        "-CRLfile",
                        ca.resolve("crl.pem").toString(),
                        "-CAfile",
                        out.resolve("ca.pem").toString(),
                        "-untrusted",
                        out.resolve("chain.pem").toString(),
                        "-purpose",
                        purpose,
                        out.resolve("cert.pem").toString()))
                .contains("cert.pem: OK");
    }

    @Test
    void opensslVerifyWithCrlCheckRefusesTheRevokedCertificate() {
        Path out = work.resolve("revoked");
        List<String> common = List.of(
                "-CAfile",
                out.resolve("ca.pem").toString(),
                "-untrusted",
                out.resolve("chain.pem").toString(),
                out.resolve("cert.pem").toString());

        assertThat(opensslOk(args("verify", common))).contains("cert.pem: OK");
        ExternalCommand.Result checked = openssl(args(
                "verify",
                List.of("-crl_check", "-CRLfile", ca.resolve("crl.pem").toString()),
                common));

        assertThat(checked.exitCode()).as("%s", checked).isNotZero();
        assertThat(checked.output()).contains("certificate revoked");
    }

    @Test
    void opensslVerifyRefusesAClientCertificateForServerUse() {
        Path out = work.resolve("appliance");

        ExternalCommand.Result result = openssl(
                "verify",
                "-CAfile",
                out.resolve("ca.pem").toString(),
                "-untrusted",
                out.resolve("chain.pem").toString(),
                "-purpose",
                "sslserver",
                out.resolve("cert.pem").toString());

        assertThat(result.exitCode()).as("%s", result).isNotZero();
        assertThat(result.output()).contains("unsuitable certificate purpose");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "server        | TLS Web Server Authentication | DNS:support.example.com, IP Address:127.0.0.1",
                "appliance     | TLS Web Client Authentication | URI:urn:secureconnect:appliance:SN-1234",
                "engineer      | TLS Web Client Authentication | URI:urn:secureconnect:engineer:alice, email:alice@example.com",
                "csr-appliance | TLS Web Client Authentication | URI:urn:secureconnect:appliance:SN-9"
            })
    void opensslX509ShowsRsa2048TheEkuAndTheSan(String folder, String eku, String san) {
        String text = opensslOk(
                "x509", "-in", work.resolve(folder).resolve("cert.pem").toString(), "-text", "-noout");

        assertThat(text)
                .contains("Public-Key: (2048 bit)")
                .containsPattern("X509v3 Extended Key Usage: *\\R *" + Pattern.quote(eku) + "\\R")
                .containsPattern("X509v3 Subject Alternative Name: *\\R *" + Pattern.quote(san) + "\\R")
                .containsPattern("X509v3 Basic Constraints: critical\\R *CA:FALSE")
                .containsPattern("X509v3 Key Usage: critical\\R *Digital Signature\\R")
                .contains("X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier")
                .contains("Signature Algorithm: sha256WithRSAEncryption")
                .contains("Issuer: O = Acme, CN = Acme Issuing CA");
    }

    @Test
    void opensslX509ShowsTheCaProfiles() {
        String root = opensslOk("x509", "-in", ca.resolve("ca.pem").toString(), "-text", "-noout");
        String issuing = opensslOk("x509", "-in", ca.resolve("issuing-ca.pem").toString(), "-text", "-noout");

        assertThat(root)
                .containsPattern("X509v3 Basic Constraints: critical\\R *CA:TRUE\\R")
                .containsPattern("X509v3 Key Usage: critical\\R *Certificate Sign, CRL Sign")
                .contains("Public-Key: (2048 bit)");
        assertThat(issuing)
                .containsPattern("X509v3 Basic Constraints: critical\\R *CA:TRUE, pathlen:0")
                .containsPattern("X509v3 Key Usage: critical\\R *Certificate Sign, CRL Sign");
    }

    @Test
    void opensslCrlListsTheRevokedSerialAndItsReason() {
        String text = opensslOk("crl", "-in", ca.resolve("crl.pem").toString(), "-text", "-noout");

        assertThat(text)
                .contains("Issuer: O = Acme, CN = Acme Issuing CA")
                .containsPattern("Serial Number: " + revokedSerial + "\\R")
                .containsPattern("X509v3 CRL Reason Code: *\\R *Key Compromise")
                .contains("X509v3 CRL Number", "X509v3 Authority Key Identifier", "Next Update");
        Matcher serials = Pattern.compile("Serial Number: ").matcher(text);
        int count = 0;
        while (serials.find()) {
            count++;
        }
        assertThat(count).as("revoked entries").isEqualTo(1);
        assertThat(opensslOk(
                        "crl",
                        "-in",
                        ca.resolve("crl.pem").toString(),
                        "-noout",
                        "-CAfile",
                        ca.resolve("issuing-ca.pem").toString()))
                .contains("verify OK");
    }

    @Test
    void opensslPkcs12OpensIdentityP12WithItsCertificatesAndKey() throws Exception {
        Path p12 = work.resolve("engineer").resolve("identity.p12");
        String passin = "file:" + p12Password;

        String certs = opensslOk("pkcs12", "-in", p12.toString(), "-passin", passin, "-nokeys");
        assertThat(Pattern.compile("-----BEGIN CERTIFICATE-----")
                        .matcher(certs)
                        .results()
                        .count())
                .isEqualTo(3);
        assertThat(certs)
                .contains("CN = Alice Example", "CN = Acme Issuing CA", "CN = Acme Root CA")
                .doesNotContain("PRIVATE KEY");

        String key = opensslOk("pkcs12", "-in", p12.toString(), "-passin", passin, "-nocerts", "-nodes");
        assertThat(key).contains("-----BEGIN PRIVATE KEY-----");
        PrivateKey fromBundle = Pem.parse(key.substring(key.indexOf("-----BEGIN")), "openssl pkcs12 output").stream()
                .filter(PrivateKeyInfo.class::isInstance)
                .map(PrivateKeyInfo.class::cast)
                .findFirst()
                .map(info -> {
                    try {
                        return new JcaPEMKeyConverter().getPrivateKey(info);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .orElseThrow();
        RSAPrivateCrtKey written =
                (RSAPrivateCrtKey) Pem.readPrivateKey(work.resolve("engineer").resolve("key.pem"), null);
        assertThat(((RSAPrivateCrtKey) fromBundle).getModulus()).isEqualTo(written.getModulus());
        assertThat(((RSAPrivateCrtKey) fromBundle).getPrivateExponent()).isEqualTo(written.getPrivateExponent());

        Path wrong = Files.writeString(work.resolve("wrong-password.txt"), "not the password\n");
        ExternalCommand.Result refused =
                openssl("pkcs12", "-in", p12.toString(), "-passin", "file:" + wrong, "-nokeys");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
    }

    @Test
    void opensslReadsTheWrittenKeyAndTheEncryptedCaKey() {
        assertThat(opensslOk(
                        "pkey",
                        "-in",
                        work.resolve("appliance").resolve("key.pem").toString(),
                        "-noout",
                        "-text"))
                .contains("Private-Key: (2048 bit");
        Path passphrase = work.resolve("ca-passphrase.txt");
        CsrFiles.write(passphrase, PkiCli.PASSPHRASE + "\n");
        assertThat(opensslOk(
                        "pkey",
                        "-in",
                        ca.resolve("issuing-ca-key.pem").toString(),
                        "-passin",
                        "file:" + passphrase,
                        "-noout",
                        "-text"))
                .contains("Private-Key: (2048 bit");
    }

    private static String serial(String folder) {
        return CaDirectory.serialHex(Pem.readCertificate(work.resolve(folder).resolve("cert.pem")));
    }

    @SafeVarargs
    private static String[] args(String command, List<String>... parts) {
        List<String> all = new java.util.ArrayList<>(List.of(command));
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all.toArray(String[]::new);
    }
}
