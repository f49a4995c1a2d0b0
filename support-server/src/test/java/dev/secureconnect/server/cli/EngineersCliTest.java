package dev.secureconnect.server.cli;

import static dev.secureconnect.server.cli.ServerCliTest.assertOneLineError;
import static dev.secureconnect.server.cli.ServerCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.totp.OathTool;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.cli.ServerCliTest.Result;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.SecondFactorResult;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sc-server engineers …} run in-process against a real SQLite server directory, with the real oathtool. */
class EngineersCliTest {

    static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path temp;

    Path files;
    Path dir;
    TestPki.Issued alice;

    @BeforeEach
    void initServer() throws IOException {
        TestPki pki = TestPki.shared();
        files = Files.createDirectories(temp.resolve("files"));
        TestPki.Issued server = pki.server();
        Files.writeString(files.resolve("cert.pem"), Pem.certificates(List.of(server.certificate())));
        Files.writeString(files.resolve("key.pem"), Pem.privateKey(server.privateKey()));
        Files.writeString(files.resolve("chain.pem"), Pem.certificates(List.of(pki.issuingCertificate())));
        Files.writeString(files.resolve("ca.pem"), Pem.certificates(List.of(pki.rootCertificate())));
        Files.writeString(files.resolve("crl.pem"), Pem.crl(pki.revocationList()));
        alice = pki.engineer("alice");
        write("alice.pem", alice);
        write("bob.pem", pki.engineer("bob"));
        write("appliance.pem", pki.appliance("SN-ENG"));
        write("untrusted.pem", pki.untrusted(TestPki.engineerIdentity("carol")));
        dir = temp.resolve("server");
        Result init = run(
                "init",
                "--dir",
                dir.toString(),
                "--cert",
                file("cert.pem"),
                "--key",
                file("key.pem"),
                "--chain",
                file("chain.pem"),
                "--ca",
                file("ca.pem"),
                "--crl",
                file("crl.pem"),
                "--appliance-listen",
                "127.0.0.1:0");
        assertThat(init.exitCode()).as(init.err()).isZero();
    }

    void write(String name, TestPki.Issued issued) throws IOException {
        Files.writeString(files.resolve(name), Pem.certificates(List.of(issued.certificate())));
    }

    String file(String name) {
        return files.resolve(name).toString();
    }

    Result engineers(String... args) {
        List<String> all = new ArrayList<>(List.of("engineers"));
        all.addAll(Arrays.asList(args));
        all.add("--dir");
        all.add(dir.toString());
        return run(all.toArray(String[]::new));
    }

    /** The one otpauth:// line of a command's output. */
    static String uriIn(Result result) {
        List<String> uris = result.out()
                .lines()
                .filter(line -> line.startsWith("otpauth://"))
                .toList();
        assertThat(uris).as(result.out()).hasSize(1);
        return uris.get(0);
    }

    static String secretIn(String uri) {
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            if (pair.startsWith("secret=")) {
                return URLDecoder.decode(pair.substring("secret=".length()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no secret in " + uri);
    }

    /** Logs alice in through the store of the server directory, as the engineer listener will. */
    SecondFactorResult login(String code) {
        return login(code, alice.certificate());
    }

    /** Logs alice in with {@code presented} as her certificate. */
    SecondFactorResult login(String code, java.security.cert.X509Certificate presented) {
        try (Database database = Database.open(DatabaseSettings.sqlite(dir))) {
            EngineerStore store = new EngineerStore(
                    database,
                    new ServerAuditLog(database, Clock.systemUTC()),
                    Clock.systemUTC(),
                    TotpSecretKey.in(dir),
                    EngineerSettings.defaults());
            CertificateFingerprint certificate = CertificateFingerprint.of(presented);
            return store.checkSecondFactor("alice", code, certificate, "127.0.0.1:1");
        }
    }

    @Test
    void addPrintsAnOtpauthUriOnceThatOathtoolAcceptsAndWritesTheQrCode() throws IOException {
        Path qr = temp.resolve("alice.png");
        Result added = engineers("add", "--login", "alice", "--cert", file("alice.pem"), "--qr", qr.toString());

        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.err()).isEmpty();
        String uri = uriIn(added);
        assertThat(uri)
                .startsWith("otpauth://totp/SecureConnect%3Aalice?secret=")
                .endsWith("&issuer=SecureConnect&algorithm=SHA1&digits=6&period=30");
        String secret = secretIn(uri);
        assertThat(added.out())
                .contains("enrolled engineer alice: Test Engineer alice <alice@example.com>," + " certificate "
                        + CertificateFingerprint.of(alice.certificate()));
        assertThat(added.out())
                .contains("warning: the otpauth URI below holds alice's TOTP secret and is not shown" + " again");
        assertThat(added.out().split(secret, -1))
                .as("the secret is printed once")
                .hasSize(2);

        byte[] png = Files.readAllBytes(qr);
        assertThat(Arrays.copyOf(png, PNG_MAGIC.length)).isEqualTo(PNG_MAGIC);
        assertThat(Files.getPosixFilePermissions(qr)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(added.out()).contains("QR code written to " + qr + " (mode 0600)");
        assertThat(Files.getPosixFilePermissions(dir.resolve("keys/totp.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        String code = OathTool.totp(secret);
        assertThat(login(code).ok()).as("oathtool's code is accepted").isTrue();
        assertThat(login(code).reason()).as("once").isEqualTo(SecondFactorResult.Reason.REPLAY);
        assertThat(Files.readString(dir.resolve("server.db"), StandardCharsets.ISO_8859_1))
                .doesNotContain(secret);
    }

    @Test
    void listShowsTheEngineersButNeverTheirSecrets() throws IOException {
        String secret = secretIn(uriIn(engineers("add", "--login", "alice", "--cert", file("alice.pem"))));
        assertThat(engineers("add", "--login", "bob", "--cert", file("bob.pem")).exitCode())
                .isZero();

        Result table = engineers("list");
        assertThat(table.exitCode()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .startsWith("LOGIN")
                .contains("STATUS", "LOCKED UNTIL", "NAME", "E-MAIL", "CERTIFICATE");
        assertThat(lines.get(1))
                .startsWith("alice")
                .contains(
                        "enabled",
                        " - ",
                        "Test Engineer alice",
                        "alice@example.com",
                        CertificateFingerprint.of(alice.certificate()).colonHex());
        assertThat(lines.get(2)).startsWith("bob");
        assertThat(table.out()).doesNotContain(secret);

        Result json = engineers("list", "--json");
        assertThat(json.exitCode()).isZero();
        assertThat(json.out()).doesNotContain(secret).doesNotContainIgnoringCase("secret");
        JsonNode first = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(first.get("login").asText()).isEqualTo("alice");
        assertThat(first.get("name").asText()).isEqualTo("Test Engineer alice");
        assertThat(first.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(first.get("status").asText()).isEqualTo("enabled");
        assertThat(first.get("lockedUntil").isNull()).isTrue();
        assertThat(first.get("certificateSha256").asText())
                .isEqualTo(CertificateFingerprint.of(alice.certificate()).colonHex());
    }

    @Test
    void disableEnableAndResetTotp() throws IOException {
        String oldSecret = secretIn(uriIn(engineers("add", "--login", "alice", "--cert", file("alice.pem"))));

        Result disabled = engineers("disable", "alice");
        assertThat(disabled.exitCode()).as(disabled.err()).isZero();
        assertThat(disabled.out()).isEqualTo("disabled engineer alice\n");
        assertThat(engineers("list").out()).contains("disabled");
        assertThat(login(OathTool.totp(oldSecret)).reason()).isEqualTo(SecondFactorResult.Reason.DISABLED);
        assertOneLineError(engineers("disable", "alice"), 1, "engineer alice is disabled already");

        assertThat(engineers("enable", "alice").out()).isEqualTo("enabled engineer alice\n");
        assertOneLineError(engineers("enable", "alice"), 1, "engineer alice is enabled already and not locked out");

        Path qr = temp.resolve("again.png");
        Result reset = engineers("reset-totp", "alice", "--qr", qr.toString());
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("new TOTP secret for engineer alice; the previous one no longer works");
        String newSecret = secretIn(uriIn(reset));
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(Arrays.copyOf(Files.readAllBytes(qr), PNG_MAGIC.length)).isEqualTo(PNG_MAGIC);
        assertThat(login(OathTool.totp(oldSecret)).reason()).isEqualTo(SecondFactorResult.Reason.BAD_CODE);
        assertThat(login(OathTool.totp(newSecret)).ok()).isTrue();

        Result audit = run("audit", "list", "--dir", dir.toString());
        assertThat(audit.out())
                .contains(
                        "engineer.enrolled",
                        "engineer.disabled",
                        "engineer.enabled",
                        "engineer.totp-reset",
                        "login.failed",
                        "login.ok");
        assertThat(audit.out()).doesNotContain(oldSecret).doesNotContain(newSecret);
        assertThat(run("audit", "verify", "--dir", dir.toString()).exitCode()).isZero();
    }

    @Test
    void updateCertRebindsARenewedCertificateAndKeepsTheTotpSecret() throws IOException {
        String secret = secretIn(uriIn(engineers("add", "--login", "alice", "--cert", file("alice.pem"))));
        TestPki.Issued renewed = TestPki.shared().issue(TestPki.engineerIdentity("alice"));
        write("alice-renewed.pem", renewed);

        SecondFactorResult before = login(OathTool.totp(secret), renewed.certificate());
        assertThat(before.reason()).isEqualTo(SecondFactorResult.Reason.WRONG_CERTIFICATE);
        assertThat(before.message())
                .contains("certificate is not the one enrolled for this engineer")
                .contains("ask your operator to run 'sc-server engineers update-cert --login alice --cert FILE'")
                .doesNotContain("\n");

        Result updated = engineers("update-cert", "--login", "alice", "--cert", file("alice-renewed.pem"));
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(updated.out())
                .contains("engineer alice now logs in with certificate "
                        + CertificateFingerprint.of(renewed.certificate()))
                .contains("the TOTP secret is unchanged");
        assertThat(login(OathTool.totp(secret), alice.certificate()).reason())
                .as("the old certificate")
                .isEqualTo(SecondFactorResult.Reason.WRONG_CERTIFICATE);
        assertThat(login(OathTool.totp(secret), renewed.certificate()).ok())
                .as("the renewed certificate, with the same TOTP secret")
                .isTrue();
        assertThat(engineers("list", "--json").out())
                .contains(CertificateFingerprint.of(renewed.certificate()).colonHex());
        Result audit = run("audit", "list", "--dir", dir.toString(), "--json");
        assertThat(audit.out())
                .contains("engineer.certificate-updated")
                .contains(CertificateFingerprint.of(alice.certificate()).toString());

        assertOneLineError(
                engineers("update-cert", "--login", "alice", "--cert", file("alice-renewed.pem")),
                1,
                "is the one engineer alice is enrolled with already");
        assertOneLineError(
                engineers("update-cert", "--login", "alice", "--cert", file("bob.pem")),
                1,
                "the certificate is for engineer bob, not for alice");
        assertOneLineError(
                engineers("update-cert", "--login", "carol", "--cert", file("untrusted.pem")), 1, "is refused");
        write("nobody.pem", TestPki.shared().engineer("nobody"));
        assertOneLineError(
                engineers("update-cert", "--login", "nobody", "--cert", file("nobody.pem")),
                1,
                "engineer nobody is not enrolled");
        assertOneLineError(engineers("update-cert", "--login", "alice"), 2, "--cert");
    }

    @Test
    void removeDeletesTheEngineerAndIsAudited() throws IOException {
        String secret = secretIn(uriIn(engineers("add", "--login", "alice", "--cert", file("alice.pem"))));

        Result removed = engineers("remove", "--login", "alice");

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("removed engineer alice");
        assertThat(engineers("list").out()).doesNotContain("alice");
        assertThat(login(OathTool.totp(secret)).reason()).isEqualTo(SecondFactorResult.Reason.UNKNOWN);
        assertThat(run("audit", "list", "--dir", dir.toString()).out()).contains("engineer.removed");
        assertOneLineError(engineers("remove", "--login", "alice"), 1, "engineer alice is not enrolled");
        assertOneLineError(engineers("remove"), 2, "--login");
        // enrolled again: a new TOTP secret
        assertThat(secretIn(uriIn(engineers("add", "--login", "alice", "--cert", file("alice.pem")))))
                .isNotEqualTo(secret);
    }

    @Test
    void badInputIsOneLineAndExitsOneOrTwo() throws IOException {
        assertOneLineError(
                engineers("add", "--login", "alice", "--cert", file("appliance.pem")),
                1,
                "the certificate is for appliance SN-ENG, not for an engineer");
        assertOneLineError(
                engineers("add", "--login", "bob", "--cert", file("alice.pem")),
                1,
                "the certificate is for engineer alice, not for bob");
        assertOneLineError(
                engineers("add", "--login", "carol", "--cert", file("untrusted.pem")),
                1,
                "certificate " + file("untrusted.pem") + " is refused");
        assertOneLineError(engineers("add", "--login", "alice", "--cert", file("missing.pem")), 1, "missing.pem");
        Path taken = Files.writeString(temp.resolve("taken.png"), "keep");
        assertOneLineError(
                engineers("add", "--login", "alice", "--cert", file("alice.pem"), "--qr", taken.toString()),
                1,
                taken + " already exists");
        assertOneLineError(
                engineers(
                        "add",
                        "--login",
                        "alice",
                        "--cert",
                        file("alice.pem"),
                        "--qr",
                        temp.resolve("nowhere/alice.png").toString()),
                1,
                "does not exist");
        assertThat(engineers("list").out().lines()).as("nothing was enrolled").hasSize(1);
        assertThat(dir.resolve("keys/totp.key")).as("nor a key made").doesNotExist();

        assertThat(engineers("add", "--login", "alice", "--cert", file("alice.pem"))
                        .exitCode())
                .isZero();
        assertOneLineError(
                engineers("add", "--login", "alice", "--cert", file("alice.pem")),
                1,
                "engineer alice is enrolled already");
        for (String command : List.of("disable", "enable", "reset-totp")) {
            assertOneLineError(engineers(command, "nobody"), 1, "engineer nobody is not enrolled");
        }

        assertOneLineError(run("engineers"), 2, "say what to do");
        Result help = run("engineers", "add", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: sc-server engineers add");
        assertOneLineError(engineers("add", "--cert", file("alice.pem")), 2, "--login");
        assertOneLineError(engineers("add", "--login", "alice"), 2, "--cert");
        assertOneLineError(engineers("disable"), 2, "LOGIN");
        // without --dir: $SC_DIR or /var/lib/secureconnect/server (InstanceDirectoryTest, InstanceLockIT)
        assertOneLineError(
                run("engineers", "list", "--dir", temp.resolve("absent").toString()), 1, "does not exist");
    }

    @Test
    void aCorruptedKeyFileIsAOneLineError() throws IOException {
        String secret = secretIn(uriIn(engineers("add", "--login", "alice", "--cert", file("alice.pem"))));
        Files.writeString(dir.resolve("keys/totp.key"), "garbage\n");
        assertOneLineError(
                engineers("reset-totp", "alice"), 1, "TOTP key file " + dir.resolve("keys/totp.key") + " is corrupted");
        assertThat(engineers("list").exitCode()).as("listing needs no key").isZero();
        assertThat(secret).isNotEmpty();
    }
}
