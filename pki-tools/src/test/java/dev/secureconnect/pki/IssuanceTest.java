package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pem.Pkcs12Bundle;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.pki.CertificateSigningRequest;
import dev.secureconnect.pki.ca.CaDirectory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The happy paths of every sc-pki command against one CA shared by the class. */
class IssuanceTest {

    private static final PkiCli CLI = PkiCli.admin();

    @TempDir
    static Path work;

    private static Path ca;
    private static X509CRL firstCrl;

    @BeforeAll
    static void createCa() {
        ca = CLI.init(work.resolve("ca"));
        firstCrl = Pem.readCrl(ca.resolve("crl.pem"));
    }

    // ---- init ----------------------------------------------------------------------------------------------

    @Test
    void initCreatesRootAndIssuingCaWithEncryptedKeys() throws Exception {
        assertThat(ca)
                .isDirectoryContaining("glob:**/ca.pem")
                .isDirectoryContaining("glob:**/ca-key.pem")
                .isDirectoryContaining("glob:**/issuing-ca.pem")
                .isDirectoryContaining("glob:**/issuing-ca-key.pem")
                .isDirectoryContaining("glob:**/crl.pem")
                .isDirectoryContaining("glob:**/index.json")
                .isDirectoryContaining("glob:**/issuance.log");
        assertThat(mode(ca)).isEqualTo("rwx------");
        assertThat(mode(ca.resolve("ca-key.pem"))).isEqualTo("rw-------");
        assertThat(mode(ca.resolve("issuing-ca-key.pem"))).isEqualTo("rw-------");
        assertThat(Files.readString(ca.resolve("issuing-ca-key.pem")))
                .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(Files.readString(ca.resolve("ca-key.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        X509Certificate root = Pem.readCertificate(ca.resolve("ca.pem"));
        X509Certificate issuing = Pem.readCertificate(ca.resolve("issuing-ca.pem"));
        root.verify(root.getPublicKey());
        issuing.verify(root.getPublicKey());
        assertThat(root.getSubjectX500Principal().getName())
                .contains("CN=Acme Root CA")
                .contains("O=Acme");
        assertThat(issuing.getSubjectX500Principal().getName()).contains("CN=Acme Issuing CA");
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(issuing.getBasicConstraints()).isZero();
        assertThat(((RSAPublicKey) issuing.getPublicKey()).getModulus().bitLength())
                .isEqualTo(2048);

        PrivateKey issuingKey = Pem.readPrivateKey(ca.resolve("issuing-ca-key.pem"), PkiCli.PASSPHRASE.toCharArray());
        assertThat(((RSAPrivateCrtKey) issuingKey).getModulus())
                .isEqualTo(((RSAPublicKey) issuing.getPublicKey()).getModulus());

        firstCrl.verify(issuing.getPublicKey());
        assertThat(firstCrl.getRevokedCertificates()).isNull();
        assertThat(crlNumber(firstCrl)).isEqualTo(BigInteger.ONE);
        assertThat(firstCrl.getNextUpdate().toInstant())
                .isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(1, ChronoUnit.MINUTES));
    }

    // ---- issue ---------------------------------------------------------------------------------------------

    @Test
    void issueServerWritesTheLeafChainRootAndKey() throws Exception {
        Path out = work.resolve("server-out");
        PkiCli.Result result = CLI.ok(
                "issue",
                "server",
                "--dir",
                ca.toString(),
                "--dns",
                "support.example.com",
                "--dns",
                "relay.example.com",
                "--ip",
                "192.0.2.10",
                "--out",
                out.toString());

        X509Certificate cert = assertDelivered(out, true);
        CertificateIdentity identity = CertificateIdentity.of(cert);
        assertThat(identity.role()).isEqualTo(CertificateRole.SERVER);
        assertThat(identity.dnsNames()).containsExactly("support.example.com", "relay.example.com");
        assertThat(identity.ipAddresses()).containsExactly("192.0.2.10");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(fileNames(out)).containsExactlyInAnyOrder("cert.pem", "chain.pem", "ca.pem", "key.pem");
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength())
                .isEqualTo(2048);
        assertValidity(cert, 397);
        assertThat(result.out())
                .contains("issued server support.example.com,relay.example.com,192.0.2.10")
                .contains("serial " + CaDirectory.serialHex(cert))
                .contains(CertificateFingerprint.of(cert).colonHex());
    }

    @Test
    void issueApplianceNamesTheSerialInCnAndSanUri() throws Exception {
        Path out = work.resolve("appliance-out");
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-1001",
                "--days",
                "30",
                "--out",
                out.toString());

        X509Certificate cert = assertDelivered(out, true);
        assertThat(CertificateIdentity.of(cert)).satisfies(identity -> {
            assertThat(identity.role()).isEqualTo(CertificateRole.APPLIANCE);
            assertThat(identity.id()).isEqualTo("SN-1001");
        });
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=SN-1001");
        assertThat(sanUris(cert)).containsExactly("urn:secureconnect:appliance:SN-1001");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(fileNames(out)).containsExactlyInAnyOrder("cert.pem", "chain.pem", "ca.pem", "key.pem");
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength())
                .isEqualTo(2048);
        assertValidity(cert, 30);
    }

    @Test
    void issueEngineerAlsoWritesAnIdentityP12() throws Exception {
        Path out = work.resolve("engineer-out");
        Path p12Password = Files.writeString(work.resolve("engineer-p12.txt"), "another p12 password\n");
        CLI.withEnv(IssueCommand.Engineer.P12_ENV, null)
                .ok(
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
                        out.toString());

        X509Certificate cert = assertDelivered(out, true);
        CertificateIdentity identity = CertificateIdentity.of(cert);
        assertThat(identity.role()).isEqualTo(CertificateRole.ENGINEER);
        assertThat(identity.id()).isEqualTo("alice");
        assertThat(identity.email()).isEqualTo("alice@example.com");
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=Alice Example");
        assertThat(sanUris(cert)).containsExactly("urn:secureconnect:engineer:alice");
        assertValidity(cert, 365);

        assertThat(fileNames(out))
                .containsExactlyInAnyOrder("cert.pem", "chain.pem", "ca.pem", "key.pem", "identity.p12");
        assertThat(mode(out.resolve("identity.p12"))).isEqualTo("rw-------");
        Pkcs12Bundle bundle = Pkcs12Bundle.read(out.resolve("identity.p12"), "another p12 password".toCharArray());
        assertThat(bundle.chain())
                .containsExactly(
                        cert,
                        Pem.readCertificate(ca.resolve("issuing-ca.pem")),
                        Pem.readCertificate(ca.resolve("ca.pem")));
        assertThat(bundle.privateKey().getEncoded())
                .isEqualTo(Pem.readPrivateKey(out.resolve("key.pem"), null).getEncoded());
    }

    @Test
    void issueApiClientNamesTheClientInCnAndSanUriWithClientAuthOnly() throws Exception {
        Path out = work.resolve("api-client-out");
        PkiCli.Result result =
                CLI.ok("issue", "api-client", "--dir", ca.toString(), "--name", "splunk-prod", "--out", out.toString());

        X509Certificate cert = assertDelivered(out, true);
        CertificateIdentity identity = CertificateIdentity.of(cert);
        assertThat(identity).isEqualTo(CertificateIdentity.apiClient("splunk-prod"));
        assertThat(identity.role()).isEqualTo(CertificateRole.API_CLIENT);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=splunk-prod,OU=API Clients,O=Acme");
        assertThat(sanUris(cert)).containsExactly("urn:secureconnect:api-client:splunk-prod");
        assertThat(cert.getSubjectAlternativeNames()).hasSize(1);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(fileNames(out)).containsExactlyInAnyOrder("cert.pem", "chain.pem", "ca.pem", "key.pem");
        assertThat(mode(out.resolve("key.pem"))).isEqualTo("rw-------");
        assertValidity(cert, 365);
        assertThat(result.out()).contains("issued api-client splunk-prod: serial " + CaDirectory.serialHex(cert));

        assertThat(row(CaDirectory.serialHex(cert)).get("role").asText()).isEqualTo("api-client");
        assertThat(row(CaDirectory.serialHex(cert)).get("identity").asText()).isEqualTo("splunk-prod");
        assertThat(CLI.ok("list", "--dir", ca.toString(), "--role", "api-client")
                        .out())
                .contains(CaDirectory.serialHex(cert));
        assertThat(CLI.ok("show", out.resolve("cert.pem").toString()).out())
                .containsPattern("role: +api-client")
                .contains("api-client splunk-prod [urn:secureconnect:api-client:splunk-prod]");
    }

    @Test
    void issueAcceptsA3072BitKey() throws Exception {
        Path out = work.resolve("server-3072");
        CLI.ok(
                "issue",
                "server",
                "--dir",
                ca.toString(),
                "--ip",
                "127.0.0.1",
                "--key-size",
                "3072",
                "--out",
                out.toString());

        X509Certificate cert = assertDelivered(out, true);
        assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength())
                .isEqualTo(3072);
    }

    // ---- sign-csr ------------------------------------------------------------------------------------------

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("openssl/server", CertificateRole.SERVER, "support.example.com", (CsrMaker)
                        folder -> CsrFiles.openssl(
                                folder, "server", "/CN=support.example.com", "DNS:support.example.com,IP:192.0.2.7")),
                Arguments.of("openssl/appliance", CertificateRole.APPLIANCE, "SN-9", (CsrMaker) folder ->
                        CsrFiles.openssl(folder, "appliance", "/CN=SN-9", "URI:urn:secureconnect:appliance:SN-9")),
                Arguments.of("openssl/engineer", CertificateRole.ENGINEER, "bob", (CsrMaker) folder -> CsrFiles.openssl(
                        folder,
                        "engineer",
                        "/CN=Bob Builder",
                        "URI:urn:secureconnect:engineer:bob,email:bob@example.com")),
                Arguments.of("openssl/api-client", CertificateRole.API_CLIENT, "splunk-prod", (CsrMaker)
                        folder -> CsrFiles.openssl(
                                folder,
                                "api-client",
                                "/CN=splunk-prod",
                                "URI:urn:secureconnect:api-client:splunk-prod")),
                Arguments.of("openssl/api-client-cn-only", CertificateRole.API_CLIENT, "elastic-siem", (CsrMaker)
                        folder -> CsrFiles.openssl(folder, "api-client-cn", "/CN=elastic-siem", null)),
                Arguments.of("library/server", CertificateRole.SERVER, "lib.example.com", (CsrMaker)
                        folder -> CsrFiles.library(
                                folder,
                                "server",
                                CertificateIdentity.server(List.of("lib.example.com"), List.of("192.0.2.8")))),
                Arguments.of("library/appliance", CertificateRole.APPLIANCE, "SN-LIB.7", (CsrMaker)
                        folder -> CsrFiles.library(folder, "appliance", CertificateIdentity.appliance("SN-LIB.7"))),
                Arguments.of(
                        "library/engineer", CertificateRole.ENGINEER, "carol_c", (CsrMaker) folder -> CsrFiles.library(
                                folder,
                                "engineer",
                                CertificateIdentity.engineer("carol_c", "Carol Clark", "carol@example.com"))),
                Arguments.of("library/api-client", CertificateRole.API_CLIENT, "qradar.1", (CsrMaker)
                        folder -> CsrFiles.library(folder, "api-client", CertificateIdentity.apiClient("qradar.1"))));
    }

    interface CsrMaker {
        Path make(Path folder);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void signCsrIssuesForTheRequestedRoleAndWritesNoKey(String name, CertificateRole role, String id, CsrMaker maker)
            throws Exception {
        Path folder = Files.createDirectories(work.resolve("csr-" + name.replace('/', '-')));
        Path csr = maker.make(folder);
        Path out = folder.resolve("out");

        PkiCli.Result result = CLI.ok(
                "sign-csr",
                "--dir",
                ca.toString(),
                "--role",
                role.label(),
                "--csr",
                csr.toString(),
                "--out",
                out.toString());

        X509Certificate cert = assertDelivered(out, false);
        assertThat(fileNames(out)).containsExactlyInAnyOrder("cert.pem", "chain.pem", "ca.pem");
        CertificateIdentity identity = CertificateIdentity.of(cert);
        assertThat(identity.role()).isEqualTo(role);
        assertThat(identity.id()).isEqualTo(id);
        CertificateSigningRequest request = Pem.readCsr(csr);
        assertThat(cert.getPublicKey()).isEqualTo(request.publicKey());
        assertValidity(cert, SignCsrCommand.defaultDays(role));
        assertThat(result.out()).contains("wrote cert.pem, chain.pem, ca.pem to");
        assertThat(listJson("--role", role.label()).stream()
                        .map(row -> row.get("serial").asText()))
                .contains(CaDirectory.serialHex(cert));
    }

    // ---- revoke, crl ---------------------------------------------------------------------------------------

    @Test
    void revokeMarksTheIndexAndPublishesACrlWithTheReason() throws Exception {
        Path out = work.resolve("to-revoke");
        CLI.ok("issue", "appliance", "--dir", ca.toString(), "--serial", "SN-REVOKE", "--out", out.toString());
        X509Certificate cert = Pem.readCertificate(out.resolve("cert.pem"));
        String serial = CaDirectory.serialHex(cert);
        BigInteger crlNumberBefore = crlNumber(Pem.readCrl(ca.resolve("crl.pem")));

        PkiCli.Result result = CLI.ok(
                "revoke",
                "--dir",
                ca.toString(),
                "--serial",
                serial.toLowerCase(java.util.Locale.ROOT),
                "--reason",
                "keyCompromise");

        assertThat(result.out())
                .contains("revoked appliance SN-REVOKE")
                .contains(serial)
                .contains("keyCompromise");
        X509CRL crl = Pem.readCrl(ca.resolve("crl.pem"));
        crl.verify(Pem.readCertificate(ca.resolve("issuing-ca.pem")).getPublicKey());
        X509CRLEntry entry = crl.getRevokedCertificate(cert.getSerialNumber());
        assertThat(entry).as("CRL entry for %s", serial).isNotNull();
        assertThat(entry.getRevocationReason()).isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
        assertThat(crlNumber(crl)).isEqualTo(crlNumberBefore.add(BigInteger.ONE));
        assertThat(crl.getNextUpdate().toInstant())
                .isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(1, ChronoUnit.MINUTES));
        assertThat(row(serial).get("status").asText()).isEqualTo("revoked");
        assertThat(row(serial).get("reason").asText()).isEqualTo("keyCompromise");
        assertThat(CLI.ok("show", out.resolve("cert.pem").toString(), "--dir", ca.toString())
                        .out())
                .containsPattern("status: +revoked .*\\(keyCompromise\\)");
    }

    @Test
    void crlWritesAFreshCrlToTheFileAndTheCaDirectory() throws Exception {
        Path out = work.resolve("published.crl.pem");
        BigInteger before = crlNumber(Pem.readCrl(ca.resolve("crl.pem")));

        PkiCli.Result result = CLI.ok("crl", "--dir", ca.toString(), "--out", out.toString(), "--crl-days", "7");

        assertThat(result.out()).contains("wrote CRL with").contains(out.toString());
        X509CRL published = Pem.readCrl(out);
        published.verify(Pem.readCertificate(ca.resolve("issuing-ca.pem")).getPublicKey());
        assertThat(crlNumber(published)).isGreaterThan(before);
        assertThat(published.getNextUpdate().toInstant())
                .isCloseTo(Instant.now().plus(Duration.ofDays(7)), within(1, ChronoUnit.MINUTES));
        assertThat(Files.readString(ca.resolve("crl.pem"))).isEqualTo(Files.readString(out));
        int revokedInIndex = (int) listJson("--status", "revoked").size();
        Collection<? extends X509CRLEntry> entries = published.getRevokedCertificates();
        assertThat(entries == null ? 0 : entries.size()).isEqualTo(revokedInIndex);
    }

    // ---- list, show, audit ---------------------------------------------------------------------------------

    @Test
    void listPrintsATableFilteredByRoleAndStatus() {
        Path out = work.resolve("list-engineer");
        CLI.ok(
                "issue",
                "engineer",
                "--dir",
                ca.toString(),
                "--login",
                "dave",
                "--name",
                "Dave D",
                "--email",
                "dave@example.com",
                "--out",
                out.toString());
        String serial = CaDirectory.serialHex(Pem.readCertificate(out.resolve("cert.pem")));

        List<String> all = CLI.ok("list", "--dir", ca.toString()).outLines();
        assertThat(all.get(0)).containsSubsequence("SERIAL", "ROLE", "IDENTITY", "NOT AFTER", "STATUS");
        assertThat(all).anySatisfy(line -> assertThat(line).contains(serial, "engineer", "dave", "valid"));
        assertThat(all).anySatisfy(line -> assertThat(line).contains("root-ca", "Acme Root CA"));
        assertThat(all).anySatisfy(line -> assertThat(line).contains("issuing-ca", "Acme Issuing CA"));

        List<String> engineers =
                CLI.ok("list", "--dir", ca.toString(), "--role", "engineer").outLines();
        assertThat(engineers.subList(1, engineers.size()))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.split(" +")[1]).isEqualTo("engineer"))
                .anySatisfy(line -> assertThat(line).startsWith(serial));

        List<String> valid =
                CLI.ok("list", "--dir", ca.toString(), "--status", "valid").outLines();
        assertThat(valid.subList(1, valid.size())).isNotEmpty().allSatisfy(line -> assertThat(line)
                .endsWith("valid"));

        CLI.ok("revoke", "--dir", ca.toString(), "--serial", serial, "--reason", "superseded");
        List<String> revoked = CLI.ok("list", "--dir", ca.toString(), "--status", "revoked", "--role", "engineer")
                .outLines();
        assertThat(revoked.subList(1, revoked.size()))
                .allSatisfy(line -> assertThat(line).contains("engineer", "revoked"))
                .anySatisfy(line -> assertThat(line).startsWith(serial).endsWith("revoked (superseded)"));
        assertThat(CLI.ok("list", "--dir", ca.toString(), "--status", "valid").out())
                .doesNotContain(serial);
    }

    @Test
    void listJsonIsAnArrayWithEveryIndexField() throws Exception {
        Path out = work.resolve("json-appliance");
        CLI.ok("issue", "appliance", "--dir", ca.toString(), "--serial", "SN-JSON", "--out", out.toString());
        X509Certificate cert = Pem.readCertificate(out.resolve("cert.pem"));

        JsonNode rows = new ObjectMapper()
                .readTree(CLI.ok("list", "--dir", ca.toString(), "--json").out());

        assertThat(rows.isArray()).isTrue();
        List<String> roles = new ArrayList<>();
        rows.forEach(row -> roles.add(row.get("role").asText()));
        assertThat(roles).contains("root-ca", "issuing-ca", "appliance");
        JsonNode row = row(CaDirectory.serialHex(cert));
        assertThat(row.get("role").asText()).isEqualTo("appliance");
        assertThat(row.get("identity").asText()).isEqualTo("SN-JSON");
        assertThat(row.get("status").asText()).isEqualTo("valid");
        assertThat(row.get("subject").asText()).contains("CN=SN-JSON");
        assertThat(Instant.parse(row.get("notAfter").asText()))
                .isEqualTo(cert.getNotAfter().toInstant());
        assertThat(Instant.parse(row.get("notBefore").asText()))
                .isEqualTo(cert.getNotBefore().toInstant());
        assertThat(row.get("fingerprint").asText())
                .isEqualTo(CertificateFingerprint.of(cert).colonHex());
        assertThat(Instant.parse(row.get("issuedAt").asText())).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(row.has("revokedAt")).isFalse();

        assertThat(listJson("--role", "appliance"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.get("role").asText()).isEqualTo("appliance"));
        assertThat(listJson("--status", "expired")).isEmpty();
    }

    @Test
    void showPrintsRoleIdentityValidityFingerprintIssuerKeySizeAndStatus() {
        Path out = work.resolve("show-appliance");
        CLI.ok("issue", "appliance", "--dir", ca.toString(), "--serial", "SN-SHOW", "--out", out.toString());
        X509Certificate cert = Pem.readCertificate(out.resolve("cert.pem"));

        String shown = CLI.ok("show", out.resolve("cert.pem").toString(), "--dir", ca.toString())
                .out();

        assertThat(shown)
                .containsPattern("role: +appliance")
                .containsPattern("identity: +appliance SN-SHOW \\[urn:secureconnect:appliance:SN-SHOW\\]")
                .containsPattern("issuer: +.*CN=Acme Issuing CA")
                .containsPattern("serial: +" + CaDirectory.serialHex(cert))
                .containsPattern("valid from: +" + cert.getNotBefore().toInstant())
                .containsPattern("valid until: +" + cert.getNotAfter().toInstant())
                .containsPattern("key: +RSA 2048 bits")
                .containsPattern("sha256: +" + CertificateFingerprint.of(cert).colonHex())
                .containsPattern("status: +valid\\R");
        assertThat(CLI.ok("show", out.resolve("cert.pem").toString()).out())
                .containsPattern("status: +valid \\(dates only");
        assertThat(CLI.ok("show", ca.resolve("ca.pem").toString()).out()).containsPattern("role: +root-ca");
    }

    @Test
    void showJsonIsOneObjectWithEveryField() throws Exception {
        Path out = work.resolve("show-json");
        CLI.ok("issue", "appliance", "--dir", ca.toString(), "--serial", "SN-SHOW-JSON", "--out", out.toString());
        X509Certificate cert = Pem.readCertificate(out.resolve("cert.pem"));

        JsonNode shown = new ObjectMapper()
                .readTree(CLI.ok("show", out.resolve("cert.pem").toString(), "--dir", ca.toString(), "--json")
                        .out());

        assertThat(shown.path("role").asText()).isEqualTo("appliance");
        assertThat(shown.path("uri").asText()).isEqualTo("urn:secureconnect:appliance:SN-SHOW-JSON");
        assertThat(shown.path("serial").asText()).isEqualTo(CaDirectory.serialHex(cert));
        assertThat(shown.path("notAfter").asText())
                .isEqualTo(cert.getNotAfter().toInstant().toString());
        assertThat(shown.path("keyAlgorithm").asText()).isEqualTo("RSA");
        assertThat(shown.path("keyBits").asInt()).isEqualTo(2048);
        assertThat(shown.path("sha256").asText())
                .isEqualTo(CertificateFingerprint.of(cert).colonHex());
        assertThat(shown.path("status").asText()).isEqualTo("valid");
        assertThat(shown.path("revocationChecked").asBoolean()).isTrue();

        CLI.ok(
                "revoke",
                "--dir",
                ca.toString(),
                "--cert",
                out.resolve("cert.pem").toString());
        JsonNode revoked = new ObjectMapper()
                .readTree(CLI.ok("show", out.resolve("cert.pem").toString(), "--dir", ca.toString(), "--json")
                        .out());
        assertThat(revoked.path("status").asText()).isEqualTo("revoked");
        assertThat(revoked.path("statusDetail").asText()).contains("(unspecified)");
        assertThat(new ObjectMapper()
                        .readTree(CLI.ok("show", out.resolve("cert.pem").toString(), "--json")
                                .out())
                        .path("revocationChecked")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void revokeTakesTheCertificateFileAndRefusesOneThisCaDidNotIssue() throws Exception {
        Path out = work.resolve("revoke-by-file");
        CLI.ok("issue", "appliance", "--dir", ca.toString(), "--serial", "SN-BY-FILE", "--out", out.toString());
        X509Certificate cert = Pem.readCertificate(out.resolve("cert.pem"));

        PkiCli.Result result = CLI.ok(
                "revoke",
                "--dir",
                ca.toString(),
                "--cert",
                out.resolve("cert.pem").toString(),
                "--reason",
                "superseded");

        assertThat(result.out()).contains("revoked appliance SN-BY-FILE").contains(CaDirectory.serialHex(cert));
        assertThat(Pem.readCrl(ca.resolve("crl.pem")).getRevokedCertificate(cert.getSerialNumber()))
                .isNotNull();

        PkiCli.Result foreign = CLI.run(
                "revoke", "--dir", ca.toString(), "--cert", ca.resolve("ca.pem").toString());
        assertThat(foreign.exitCode()).isNotZero();
        assertThat(foreign.err().strip()).doesNotContain("\n");
        PkiCli.Result both = CLI.run(
                "revoke",
                "--dir",
                ca.toString(),
                "--cert",
                out.resolve("cert.pem").toString(),
                "--serial",
                CaDirectory.serialHex(cert));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        PkiCli.Result neither = CLI.run("revoke", "--dir", ca.toString());
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("--serial").contains("--cert");
        PkiCli.Result missing = CLI.run(
                "revoke",
                "--dir",
                ca.toString(),
                "--cert",
                work.resolve("nope.pem").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.pem").doesNotContain("\n\t");
    }

    @Test
    void auditVerifyPassesOnTheLogOfEveryCommand() throws IOException {
        long lines = Files.readAllLines(ca.resolve("issuance.log")).size();

        PkiCli.Result result = CLI.ok("audit", "verify", "--dir", ca.toString());

        assertThat(lines).isGreaterThanOrEqualTo(1);
        assertThat(result.out()).contains("is intact: " + lines + " entries");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Checks the files of an issue or sign-csr OUT folder and returns the leaf. */
    private static X509Certificate assertDelivered(Path out, boolean withKey) throws Exception {
        X509Certificate cert = Pem.readCertificate(out.resolve("cert.pem"));
        X509Certificate issuing = Pem.readCertificate(ca.resolve("issuing-ca.pem"));
        X509Certificate root = Pem.readCertificate(ca.resolve("ca.pem"));
        assertThat(Pem.readCertificates(out.resolve("cert.pem"))).hasSize(1);
        assertThat(Pem.readCertificates(out.resolve("chain.pem"))).containsExactly(issuing);
        assertThat(Pem.readCertificates(out.resolve("ca.pem"))).containsExactly(root);
        cert.verify(issuing.getPublicKey());
        cert.checkValidity();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getNonCriticalExtensionOIDs())
                .contains(
                        Extension.subjectKeyIdentifier.getId(),
                        Extension.authorityKeyIdentifier.getId(),
                        Extension.subjectAlternativeName.getId());
        assertThat(cert.getSerialNumber().bitLength()).isEqualTo(128);
        assertThat(row(CaDirectory.serialHex(cert)).get("status").asText()).isEqualTo("valid");
        if (withKey) {
            assertThat(mode(out.resolve("key.pem"))).isEqualTo("rw-------");
            assertThat(Files.readString(out.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
            RSAPrivateCrtKey key = (RSAPrivateCrtKey) Pem.readPrivateKey(out.resolve("key.pem"), null);
            assertThat(key.getModulus()).isEqualTo(((RSAPublicKey) cert.getPublicKey()).getModulus());
        } else {
            assertThat(out.resolve("key.pem")).doesNotExist();
        }
        assertThat(mode(out.resolve("cert.pem"))).isEqualTo("rw-r--r--");
        return cert;
    }

    private static void assertValidity(X509Certificate cert, int days) {
        Duration validity = Duration.between(
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertThat(validity)
                .isBetween(Duration.ofDays(days), Duration.ofDays(days).plusMinutes(10));
        assertThat(cert.getNotAfter().toInstant())
                .isCloseTo(Instant.now().plus(Duration.ofDays(days)), within(1, ChronoUnit.MINUTES));
    }

    private static List<JsonNode> listJson(String... filters) {
        List<String> args = new ArrayList<>(List.of("list", "--dir", ca.toString(), "--json"));
        args.addAll(List.of(filters));
        try {
            List<JsonNode> rows = new ArrayList<>();
            new ObjectMapper()
                    .readTree(CLI.ok(args.toArray(String[]::new)).out())
                    .forEach(rows::add);
            return rows;
        } catch (IOException e) {
            throw new AssertionError("list --json printed something that is not JSON", e);
        }
    }

    private static JsonNode row(String serial) {
        return listJson().stream()
                .filter(r -> r.get("serial").asText().equals(serial))
                .findFirst()
                .orElseThrow(() -> new AssertionError("serial " + serial + " is not in 'sc-pki list'"));
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets())
                .getValue();
    }

    static List<String> sanUris(X509Certificate cert) throws Exception {
        List<String> uris = new ArrayList<>();
        for (List<?> name : cert.getSubjectAlternativeNames()) {
            if ((Integer) name.get(0) == 6) {
                uris.add((String) name.get(1));
            }
        }
        return uris;
    }

    static List<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
