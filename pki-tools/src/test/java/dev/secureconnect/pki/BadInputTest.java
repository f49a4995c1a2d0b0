package dev.secureconnect.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateIdentity;
import dev.secureconnect.pki.ca.CaDirectory;
import dev.secureconnect.testing.DirectorySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input of issue 3: a one-line error naming the problem on stderr ("sc-pki: …", no stack trace), exit
 * code 1 (2 for usage errors), nothing on stdout, and the CA directory byte for byte as it was.
 */
class BadInputTest {

    private static final PkiCli CLI = PkiCli.admin();
    private static final int REFUSED = 1;
    private static final int USAGE = 2;

    @TempDir
    static Path work;

    private static Path ca;
    private static Path csrs;
    private static String validSerial;
    private static String revokedSerial;
    private static String rootSerial;

    @BeforeAll
    static void createCaWithAnApplianceAndARevokedCertificate() throws IOException {
        ca = CLI.init(work.resolve("ca"));
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-TAKEN",
                "--out",
                work.resolve("taken").toString());
        validSerial = serialOf(work.resolve("taken"));
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-GONE",
                "--out",
                work.resolve("gone").toString());
        revokedSerial = serialOf(work.resolve("gone"));
        CLI.ok("revoke", "--dir", ca.toString(), "--serial", revokedSerial, "--reason", "cessationOfOperation");
        rootSerial = CaDirectory.serialHex(Pem.readCertificate(ca.resolve("ca.pem")));

        csrs = Files.createDirectories(work.resolve("csrs"));
        CsrFiles.openssl(csrs, "appliance-sn9", "/CN=SN-9", "URI:urn:secureconnect:appliance:SN-9");
        CsrFiles.openssl(csrs, "api-client-splunk", "/CN=splunk-prod", "URI:urn:secureconnect:api-client:splunk-prod");
        CsrFiles.openssl(
                csrs, "engineer-bob", "/CN=Bob Builder", "URI:urn:secureconnect:engineer:bob,email:bob@example.com");
        CsrFiles.openssl(csrs, "cn-differs", "/CN=SN-1", "URI:urn:secureconnect:appliance:SN-9");
        CsrFiles.openssl(csrs, "rsa-1024", "/CN=SN-SMALL", "URI:urn:secureconnect:appliance:SN-SMALL");
        CsrFiles.openssl(csrs, "taken", "/CN=SN-TAKEN", "URI:urn:secureconnect:appliance:SN-TAKEN");
        CsrFiles.library(csrs, "library-server", CertificateIdentity.server(List.of("support.example.com"), List.of()));

        byte[] der = CsrFiles.der(csrs.resolve("appliance-sn9.csr"));
        byte[] badSignature = der.clone();
        badSignature[badSignature.length - 1] ^= 0x01;
        CsrFiles.writeDer(csrs.resolve("bad-signature.csr"), badSignature);
        CsrFiles.writeDer(csrs.resolve("altered-subject.csr"), CsrFiles.replace(der, "SN-9", "SN-8"));

        String pem = CsrFiles.read(csrs.resolve("appliance-sn9.csr"));
        CsrFiles.write(csrs.resolve("truncated.csr"), pem.substring(0, pem.length() / 2));
        CsrFiles.write(csrs.resolve("garbled.csr"), pem.replace(pem.substring(80, 140), "!!!!".repeat(15)));
        CsrFiles.write(csrs.resolve("not-pem.csr"), "this is not a certificate request\n");
        CsrFiles.write(csrs.resolve("cert-not-csr.csr"), CsrFiles.read(ca.resolve("ca.pem")));
        String cert = CsrFiles.read(ca.resolve("issuing-ca.pem"));
        CsrFiles.write(work.resolve("garbled-cert.pem"), cert.replace(cert.substring(100, 160), "%%%%".repeat(15)));
        CsrFiles.write(work.resolve("truncated-cert.pem"), cert.substring(0, cert.length() - 40));

        Files.writeString(work.resolve("wrong-passphrase.txt"), "not the CA passphrase\n");
        Files.createDirectories(work.resolve("not-empty"))
                .resolve("notes.txt")
                .toFile()
                .createNewFile();
        Files.writeString(
                Files.createDirectories(work.resolve("out-with-cert")).resolve("cert.pem"), "an older certificate\n");
        Files.createDirectories(work.resolve("init-parent"));
        // the 1024-bit request is made by openssl, since the library refuses to make one
        ExternalCommand.opensslOk(
                "req",
                "-new",
                "-newkey",
                "rsa:1024",
                "-nodes",
                "-keyout",
                csrs.resolve("rsa-1024.key").toString(),
                "-out",
                csrs.resolve("rsa-1024.csr").toString(),
                "-subj",
                "/CN=SN-SMALL",
                "-addext",
                "subjectAltName=URI:urn:secureconnect:appliance:SN-SMALL");
    }

    /** One refused command line. */
    record Case(
            String name,
            PkiCli cli,
            int exitCode,
            String problem,
            Supplier<List<Path>> watched,
            Supplier<String[]> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> refusals() {
        PkiCli noPassphrase = CLI.withEnv(CaOptions.PASSPHRASE_ENV, null);
        PkiCli wrongPassphrase = CLI.withEnv(CaOptions.PASSPHRASE_ENV, "not the CA passphrase");
        return Stream.of(
                // key size under 2048
                refused(
                        "fail/key-size-1024-init",
                        "key size 1024 bits is too small",
                        () -> List.of(work.resolve("init-parent")),
                        () -> args(
                                "init",
                                "--dir",
                                work.resolve("init-parent/ca").toString(),
                                "--name",
                                "Small",
                                "--key-size",
                                "1024")),
                refused(
                        "fail/key-size-1024-issue-appliance",
                        "key size 1024 bits is too small",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-10",
                                "--key-size",
                                "1024",
                                "--out",
                                out("k1"))),
                refused(
                        "fail/key-size-1024-issue-server",
                        "key size 1024 bits is too small",
                        () -> args(
                                "issue",
                                "server",
                                "--dir",
                                ca,
                                "--dns",
                                "a.example.com",
                                "--key-size",
                                "1024",
                                "--out",
                                out("k2"))),
                refused(
                        "fail/key-size-1024-issue-engineer",
                        "key size 1024 bits is too small",
                        () -> args(
                                "issue",
                                "engineer",
                                "--dir",
                                ca,
                                "--login",
                                "kim",
                                "--name",
                                "Kim K",
                                "--email",
                                "kim@example.com",
                                "--key-size",
                                "1024",
                                "--out",
                                out("k3"))),
                refused(
                        "fail/key-size-2047-issue",
                        "key size 2047 bits is too small",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-11",
                                "--key-size",
                                "2047",
                                "--out",
                                out("k4"))),
                refused(
                        "fail/key-size-3000-issue",
                        "key size 3000 bits is not supported",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-12",
                                "--key-size",
                                "3000",
                                "--out",
                                out("k5"))),
                refused(
                        "fail/csr-key-size-1024",
                        "the CSR's key is RSA 1024 bits",
                        () -> signCsr("appliance", "rsa-1024")),

                // unknown role, missing options: usage errors
                usage("usage/unknown-role-sign-csr", "unknown role 'admin'", () -> signCsr("admin", "appliance-sn9")),
                usage(
                        "usage/ca-role-sign-csr",
                        "role 'root-ca' cannot be requested",
                        () -> signCsr("root-ca", "appliance-sn9")),
                usage(
                        "usage/unknown-role-list",
                        "unknown role 'admin'",
                        () -> args("list", "--dir", ca, "--role", "admin")),
                usage(
                        "usage/unknown-issue-role",
                        "Unmatched argument",
                        () -> args("issue", "admin", "--dir", ca, "--out", out("u1"))),
                usage(
                        "usage/missing-api-client-name",
                        "Missing required option: '--name=NAME'",
                        () -> args("issue", "api-client", "--dir", ca, "--out", out("u4"))),
                usage(
                        "usage/missing-serial",
                        "Missing required option: '--serial=SERIAL'",
                        () -> args("issue", "appliance", "--dir", ca, "--out", out("u2"))),
                usage(
                        "usage/missing-dir",
                        "Missing required option: '--dir=DIR'",
                        () -> args("revoke", "--serial", validSerial)),
                usage(
                        "usage/key-size-not-a-number",
                        "'--key-size'",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-13",
                                "--key-size",
                                "big",
                                "--out",
                                out("u3"))),
                usage(
                        "usage/unknown-status",
                        "unknown status 'lost'",
                        () -> args("list", "--dir", ca, "--status", "lost")),
                usage(
                        "usage/unknown-reason",
                        "unknown revocation reason 'whim'",
                        () -> args("revoke", "--dir", ca, "--serial", validSerial, "--reason", "whim")),
                usage("usage/no-command", "a command is required", () -> args()),
                usage("usage/issue-without-kind", "say what to issue", () -> args("issue")),
                usage("usage/audit-without-verb", "say what to do: verify", () -> args("audit")),
                usage("usage/unknown-command", "Unmatched argument", () -> args("destroy", "--dir", ca)),

                // identities outside [A-Za-z0-9._-]
                refused(
                        "fail/appliance-serial-with-space",
                        "appliance serial 'SN 1' is not valid",
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "SN 1", "--out", out("i1"))),
                refused(
                        "fail/appliance-serial-with-slash",
                        "appliance serial 'sn/1' is not valid",
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "sn/1", "--out", out("i2"))),
                refused(
                        "fail/appliance-serial-with-newline",
                        "appliance serial 'SN?1' is not valid",
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "SN\n1", "--out", out("i3"))),
                refused(
                        "fail/appliance-serial-empty",
                        "appliance serial '' is not valid",
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "", "--out", out("i4"))),
                refused(
                        "fail/engineer-login-with-semicolon",
                        "engineer login 'bob;rm' is not valid",
                        () -> args(
                                "issue",
                                "engineer",
                                "--dir",
                                ca,
                                "--login",
                                "bob;rm",
                                "--name",
                                "Bob",
                                "--email",
                                "bob@example.com",
                                "--out",
                                out("i5"))),
                refused(
                        "fail/engineer-login-with-path",
                        "engineer login '../bob' is not valid",
                        () -> args(
                                "issue",
                                "engineer",
                                "--dir",
                                ca,
                                "--login",
                                "../bob",
                                "--name",
                                "Bob",
                                "--email",
                                "bob@example.com",
                                "--out",
                                out("i6"))),
                refused(
                        "fail/engineer-email",
                        "e-mail address 'bob' is not valid",
                        () -> args(
                                "issue",
                                "engineer",
                                "--dir",
                                ca,
                                "--login",
                                "bob",
                                "--name",
                                "Bob",
                                "--email",
                                "bob",
                                "--out",
                                out("i7"))),
                refused(
                        "fail/api-client-name-with-space",
                        "API client name 'splunk prod' is not valid",
                        () -> args("issue", "api-client", "--dir", ca, "--name", "splunk prod", "--out", out("i8"))),
                refused(
                        "fail/api-client-name-with-colon",
                        "API client name 'x:engineer:bob' is not valid",
                        () -> args("issue", "api-client", "--dir", ca, "--name", "x:engineer:bob", "--out", out("i9"))),
                refused(
                        "fail/api-client-name-with-path",
                        "API client name '../splunk' is not valid",
                        () -> args("issue", "api-client", "--dir", ca, "--name", "../splunk", "--out", out("i10"))),

                // a second valid certificate for one appliance
                refused(
                        "fail/second-valid-appliance",
                        "appliance SN-TAKEN already has a valid certificate",
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "SN-TAKEN", "--out", out("d1"))),
                refused(
                        "fail/second-valid-appliance-by-csr",
                        "appliance SN-TAKEN already has a valid certificate",
                        () -> signCsr("appliance", "taken")),

                // CSRs: bad signature, other identity, corrupted PEM
                refused(
                        "fail/csr-bad-signature",
                        "the CSR's signature is not valid",
                        () -> signCsr("appliance", "bad-signature")),
                refused(
                        "fail/csr-altered-subject",
                        "the CSR's signature is not valid",
                        () -> signCsr("appliance", "altered-subject")),
                refused(
                        "fail/csr-engineer-as-appliance",
                        "the CSR asks for a engineer bob",
                        () -> signCsr("appliance", "engineer-bob")),
                refused(
                        "fail/csr-appliance-as-engineer",
                        "the CSR asks for a appliance SN-9",
                        () -> signCsr("engineer", "appliance-sn9")),
                refused(
                        "fail/csr-api-client-as-engineer",
                        "the CSR asks for a api-client splunk-prod certificate, not a engineer"
                                + " one: sign it with --role api-client",
                        () -> signCsr("engineer", "api-client-splunk")),
                refused(
                        "fail/csr-engineer-as-api-client",
                        "the CSR asks for a engineer bob",
                        () -> signCsr("api-client", "engineer-bob")),
                refused(
                        "fail/csr-server-as-appliance",
                        "server support.example.com",
                        () -> signCsr("appliance", "library-server")),
                refused(
                        "fail/csr-cn-differs-from-san",
                        "subject CN=SN-1 does not match SAN urn:secureconnect:appliance:SN-9",
                        () -> signCsr("appliance", "cn-differs")),
                refused("fail/csr-truncated", "is not valid PEM", () -> signCsr("appliance", "truncated")),
                refused("fail/csr-garbled", "is not valid PEM", () -> signCsr("appliance", "garbled")),
                refused("fail/csr-not-pem", "holds no PEM block", () -> signCsr("appliance", "not-pem")),
                refused(
                        "fail/csr-is-a-certificate",
                        "holds no PEM certificate request",
                        () -> signCsr("appliance", "cert-not-csr")),
                refused(
                        "fail/csr-missing",
                        "does-not-exist.csr does not exist",
                        () -> signCsr("appliance", "does-not-exist")),
                refused(
                        "fail/show-garbled-cert",
                        "is not valid PEM",
                        () -> args("show", work.resolve("garbled-cert.pem"), "--dir", ca)),
                refused(
                        "fail/show-truncated-cert",
                        "is not valid PEM",
                        () -> args("show", work.resolve("truncated-cert.pem"))),

                // wrong CA passphrase
                refused(
                        "fail/wrong-passphrase-issue",
                        wrongPassphrase,
                        "wrong CA passphrase",
                        () -> List.of(ca),
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "SN-20", "--out", out("p1"))),
                refused(
                        "fail/wrong-passphrase-sign-csr",
                        wrongPassphrase,
                        "wrong CA passphrase",
                        () -> List.of(ca),
                        () -> signCsr("appliance", "appliance-sn9")),
                refused(
                        "fail/wrong-passphrase-revoke",
                        wrongPassphrase,
                        "wrong CA passphrase",
                        () -> List.of(ca),
                        () -> args("revoke", "--dir", ca, "--serial", validSerial)),
                refused(
                        "fail/wrong-passphrase-crl",
                        wrongPassphrase,
                        "wrong CA passphrase",
                        () -> List.of(ca),
                        () -> args("crl", "--dir", ca, "--out", work.resolve("p2.crl.pem"))),
                refused(
                        "fail/wrong-passphrase-file",
                        "wrong CA passphrase",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-21",
                                "--passphrase-file",
                                work.resolve("wrong-passphrase.txt"),
                                "--out",
                                out("p3"))),
                refused(
                        "fail/passphrase-file-missing",
                        "CA passphrase file",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-22",
                                "--passphrase-file",
                                work.resolve("no-such-file.txt"),
                                "--out",
                                out("p4"))),

                // no passphrase source at all, not on a terminal
                refused(
                        "fail/no-passphrase-issue",
                        noPassphrase,
                        "no CA passphrase given and no terminal to ask on",
                        () -> List.of(ca),
                        () -> args("issue", "appliance", "--dir", ca, "--serial", "SN-30", "--out", out("n1"))),
                refused(
                        "fail/no-passphrase-sign-csr",
                        noPassphrase,
                        "no CA passphrase given and no terminal to ask on",
                        () -> List.of(ca),
                        () -> signCsr("appliance", "appliance-sn9")),
                refused(
                        "fail/no-passphrase-revoke",
                        noPassphrase,
                        "no CA passphrase given and no terminal to ask on",
                        () -> List.of(ca),
                        () -> args("revoke", "--dir", ca, "--serial", validSerial)),
                refused(
                        "fail/no-passphrase-crl",
                        noPassphrase,
                        "no CA passphrase given and no terminal to ask on",
                        () -> List.of(ca),
                        () -> args("crl", "--dir", ca, "--out", work.resolve("n2.crl.pem"))),
                refused(
                        "fail/no-passphrase-init",
                        noPassphrase,
                        "no CA passphrase given and no terminal to ask on",
                        () -> List.of(work.resolve("init-parent")),
                        () -> args("init", "--dir", work.resolve("init-parent/ca"), "--name", "Acme")),
                refused(
                        "fail/short-passphrase-init",
                        CLI.withEnv(CaOptions.PASSPHRASE_ENV, "short"),
                        "CA passphrase is too short",
                        () -> List.of(work.resolve("init-parent")),
                        () -> args("init", "--dir", work.resolve("init-parent/ca"), "--name", "Acme")),
                refused(
                        "fail/no-p12-password",
                        CLI.withEnv(IssueCommand.Engineer.P12_ENV, null),
                        "no identity.p12 password given",
                        () -> List.of(ca),
                        () -> args(
                                "issue",
                                "engineer",
                                "--dir",
                                ca,
                                "--login",
                                "eve",
                                "--name",
                                "Eve E",
                                "--email",
                                "eve@example.com",
                                "--out",
                                out("n3"))),

                // revoke: unknown, already revoked, not a serial, a CA
                refused(
                        "fail/revoke-unknown-serial",
                        "no certificate with serial 123456789ABCDEF",
                        () -> args("revoke", "--dir", ca, "--serial", "123456789abcdef")),
                refused(
                        "fail/revoke-already-revoked",
                        "was already revoked",
                        () -> args("revoke", "--dir", ca, "--serial", revokedSerial)),
                refused(
                        "fail/revoke-not-hex",
                        "serial 'SN-TAKEN' is not a hexadecimal serial number",
                        () -> args("revoke", "--dir", ca, "--serial", "SN-TAKEN")),
                refused(
                        "fail/revoke-root-ca",
                        "is the root-ca certificate",
                        () -> args("revoke", "--dir", ca, "--serial", rootSerial)),

                // where things go
                refused(
                        "fail/init-non-empty-dir",
                        "is not empty",
                        () -> List.of(work.resolve("not-empty")),
                        () -> args("init", "--dir", work.resolve("not-empty"), "--name", "Acme")),
                refused(
                        "fail/init-over-existing-ca",
                        "it already holds a CA",
                        () -> args("init", "--dir", ca, "--name", "Acme")),
                refused(
                        "fail/out-holds-cert-issue",
                        "cert.pem already exists",
                        () -> List.of(ca, work.resolve("out-with-cert")),
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-40",
                                "--out",
                                work.resolve("out-with-cert"))),
                refused(
                        "fail/out-holds-cert-sign-csr",
                        "cert.pem already exists",
                        () -> List.of(ca, work.resolve("out-with-cert")),
                        () -> args(
                                "sign-csr",
                                "--dir",
                                ca,
                                "--role",
                                "appliance",
                                "--csr",
                                csrs.resolve("appliance-sn9.csr"),
                                "--out",
                                work.resolve("out-with-cert"))),
                refused(
                        "fail/not-a-ca-dir",
                        "is not a CA directory",
                        () -> List.of(ca, work.resolve("not-empty")),
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                work.resolve("not-empty"),
                                "--serial",
                                "SN-41",
                                "--out",
                                out("w1"))),
                refused(
                        "fail/days-zero",
                        "--days 0 is not valid",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-42",
                                "--days",
                                "0",
                                "--out",
                                out("w2"))),
                refused(
                        "fail/days-beyond-issuing-ca",
                        "would outlive the issuing-ca certificate",
                        () -> args(
                                "issue",
                                "appliance",
                                "--dir",
                                ca,
                                "--serial",
                                "SN-43",
                                "--days",
                                "5000",
                                "--out",
                                out("w3"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedWithOneLineAndTheCaDirectoryUnchanged(Case refusal) {
        String[] args = refusal.args().get();
        List<DirectorySnapshot> before =
                refusal.watched().get().stream().map(DirectorySnapshot::of).toList();

        PkiCli.Result result = refusal.cli().run(args);

        assertOneLineError(result, refusal.exitCode(), refusal.problem(), args);
        for (DirectorySnapshot snapshot : before) {
            assertThat(snapshot.changesSince())
                    .as("changes under %s", snapshot.root())
                    .isEmpty();
        }
    }

    @Test
    void anUnknownCommandIsAUsageErrorEvenWithHelp() {
        for (String[] args : new String[][] {{"nosuch"}, {"nosuch", "--help"}, {"--help", "nosuch"}}) {
            PkiCli.Result result = CLI.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.out()).isEmpty();
            assertThat(result.errLines())
                    .singleElement()
                    .asString()
                    .startsWith("sc-pki: Unmatched argument")
                    .contains("'nosuch'");
        }
    }

    @Test
    void debugIsTakenByEveryCommandAndARefusalStaysOneLine() {
        PkiCli.Result result = CLI.run(
                "list", "--debug", "--dir", ca.resolveSibling("no-such-ca").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines())
                .singleElement()
                .asString()
                .startsWith("sc-pki: ")
                .doesNotContain("unexpected");
    }

    @Test
    void aSecondApplianceCertificateIsIssuedWithRenew() {
        CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-RENEW",
                "--out",
                work.resolve("renew-1").toString());
        DirectorySnapshot before = DirectorySnapshot.of(ca);
        String[] again = args("issue", "appliance", "--dir", ca, "--serial", "SN-RENEW", "--out", out("renew-2"));
        assertOneLineError(CLI.run(again), REFUSED, "appliance SN-RENEW already has a valid certificate", again);
        assertThat(before.changesSince()).isEmpty();

        PkiCli.Result renewed = CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-RENEW",
                "--renew",
                "--out",
                work.resolve("renew-3").toString());

        assertThat(renewed.out()).contains("issued appliance SN-RENEW");
        assertThat(CLI.ok("list", "--dir", ca.toString(), "--role", "appliance", "--status", "valid")
                        .outLines())
                .filteredOn(line -> line.contains("SN-RENEW"))
                .hasSize(2);
        assertThat(before.changesSince())
                .anySatisfy(change -> assertThat(change).startsWith("changed index.json"));
    }

    @Test
    void aRevokedApplianceMayGetANewCertificateWithoutRenew() {
        PkiCli.Result result = CLI.ok(
                "issue",
                "appliance",
                "--dir",
                ca.toString(),
                "--serial",
                "SN-GONE",
                "--out",
                work.resolve("gone-again").toString());

        assertThat(result.out()).contains("issued appliance SN-GONE");
    }

    @Test
    void aWrongPassphraseLeavesAFreshCaUnchanged(@TempDir Path fresh) {
        Path newCa = CLI.init(fresh.resolve("ca"));
        DirectorySnapshot before = DirectorySnapshot.of(newCa);
        String[] args = args("issue", "appliance", "--dir", newCa, "--serial", "SN-1", "--out", fresh.resolve("out"));

        PkiCli.Result result =
                CLI.withEnv(CaOptions.PASSPHRASE_ENV, "not the CA passphrase").run(args);

        assertOneLineError(result, REFUSED, "wrong CA passphrase", args);
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void aRefusedInitLeavesNoStagingFolderBehind(@TempDir Path parent) throws IOException {
        Path existing = Files.createDirectories(parent.resolve("ca"));
        Files.writeString(existing.resolve("keep.txt"), "keep");
        DirectorySnapshot before = DirectorySnapshot.of(parent);
        String[] args = args("init", "--dir", existing, "--name", "Acme");

        assertOneLineError(CLI.run(args), REFUSED, "is not empty", args);
        assertThat(before.changesSince()).isEmpty();
    }

    @Test
    void aRefusedIssueWritesNothingIntoAnEmptyOutFolder() {
        Path out = work.resolve("empty-out");
        String[] args = args("issue", "appliance", "--dir", ca, "--serial", "SN-TAKEN", "--out", out);

        assertOneLineError(CLI.run(args), REFUSED, "already has a valid certificate", args);

        assertThat(out).doesNotExist();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static void assertOneLineError(PkiCli.Result result, int exitCode, String problem, String[] args) {
        String description =
                "sc-pki " + String.join(" ", args) + "\nstdout: " + result.out() + "\nstderr: " + result.err();
        assertThat(result.exitCode()).as(description).isEqualTo(exitCode);
        assertThat(result.errLines()).as(description).singleElement().satisfies(line -> assertThat(line)
                .startsWith("sc-pki: ")
                .contains(problem)
                .doesNotContain("Exception")
                .doesNotContain("unexpected failure"));
        assertThat(result.err()).as(description).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(result.out()).as(description).isEmpty();
    }

    private static Case refused(String name, String problem, Supplier<String[]> args) {
        return new Case(name, CLI, REFUSED, problem, () -> List.of(ca), args);
    }

    private static Case refused(String name, String problem, Supplier<List<Path>> watched, Supplier<String[]> args) {
        return new Case(name, CLI, REFUSED, problem, watched, args);
    }

    private static Case refused(
            String name, PkiCli cli, String problem, Supplier<List<Path>> watched, Supplier<String[]> args) {
        return new Case(name, cli, REFUSED, problem, watched, args);
    }

    private static Case usage(String name, String problem, Supplier<String[]> args) {
        return new Case(name, CLI, USAGE, problem, () -> List.of(ca), args);
    }

    private static String[] signCsr(String role, String csr) {
        return args(
                "sign-csr",
                "--dir",
                ca,
                "--role",
                role,
                "--csr",
                csrs.resolve(csr + ".csr"),
                "--out",
                out("csr-" + csr));
    }

    private static String out(String name) {
        return work.resolve("out").resolve(name).toString();
    }

    private static String[] args(Object... parts) {
        return Arrays.stream(parts).map(String::valueOf).toArray(String[]::new);
    }

    private static String serialOf(Path out) {
        return CaDirectory.serialHex(Pem.readCertificate(out.resolve("cert.pem")));
    }
}
