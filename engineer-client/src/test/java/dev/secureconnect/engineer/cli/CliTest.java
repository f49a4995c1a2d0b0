package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.engineer.state.EngineerHome;
import dev.secureconnect.engineer.state.SavedSession;
import dev.secureconnect.engineer.testing.EngineerCli;
import dev.secureconnect.engineer.testing.IdentityFiles;
import dev.secureconnect.engineer.testing.TestEngineerServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Arguments, exit codes and one-line messages, without a server or against the test server's login. */
class CliTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bad-ticket       | access SN-1 --ticket 1234567            | ticket number '1234567' is not valid: expected exactly 8 digits",
                "letters-ticket   | access SN-1 --ticket 1234567a           | ticket number '1234567a' is not valid",
                "no-ticket        | access SN-1                             | Missing required option: '--ticket=N'",
                "bad-ttl          | access SN-1 --ticket 12345678 --ttl 2w  | ttl '2w' is not valid: expected a number and a unit",
                "long-ttl         | access SN-1 --ticket 12345678 --ttl 8d  | ttl '8d' is longer than the maximum of 7 days",
                "bad-serial       | access ../x --ticket 12345678           | appliance serial '../x' is not valid",
                "bad-port-spec    | forward SN-1 22:x                       | port spec '22:x' is not valid: expected [LOCALPORT:]REMOTEPORT",
                "zero-remote      | forward SN-1 2222:0                     | port spec '2222:0' is not valid",
                "bad-proxy-port   | proxy SN-1 ssh                          | port 'ssh' is not valid: expected 1 to 65535",
                "relative-remote  | get SN-1 etc/passwd out                 | remote path 'etc/passwd' is not valid: expected an absolute path",
                "bad-server       | login --server nohost --identity x.p12  | server 'nohost' is not valid: expected HOST:PORT",
                "bad-totp         | login --server h:1 --identity x.p12 --totp-code 12ab | TOTP code '12ab' is not valid",
                "no-command       | ''                                      | a command is required",
                "unknown-command  | frobnicate                              | Unmatched argument at index 0: 'frobnicate'",
            })
    void usageErrorsExitWith2AndOneLine(String name, String args, String message) {
        EngineerCli.Run run = new EngineerCli(dir).run(args.isEmpty() ? new String[0] : args.split(" "));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith("sc-engineer: ").contains(message).endsWith("--help')\n");
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("session.json")).doesNotExist();
    }

    @Test
    void anUnknownCommandIsAUsageErrorEvenWithHelp() {
        EngineerCli cli = new EngineerCli(dir);
        for (String[] args : new String[][] {{"nosuch"}, {"nosuch", "--help"}, {"--help", "nosuch"}}) {
            EngineerCli.Run run = cli.run(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err().lines().toList())
                    .singleElement()
                    .asString()
                    .startsWith("sc-engineer: Unmatched argument")
                    .contains("'nosuch'");
        }
    }

    @Test
    void debugIsTakenByEveryCommand() {
        EngineerCli.Run run = new EngineerCli(dir).run("sessions", "--debug");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("sc-engineer: ")
                .doesNotContain("unexpected");
    }

    @Test
    void helpIsInheritedBySubcommands() {
        EngineerCli.Run help = new EngineerCli(dir).run("forward", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: sc-engineer forward", "--token-passphrase-file", "-h, --help");
        assertThat(new EngineerCli(dir).run("--version").out()).startsWith("sc-engineer ");
    }

    @Test
    void withoutASessionEveryCommandSaysToLogIn() {
        for (String[] args : new String[][] {
            {"appliances"},
            {"sessions", "--json"},
            {"access", "SN-1", "--ticket", "12345678"},
            {"forward", "SN-1", "22"},
            {"proxy", "SN-1", "22"},
            {"exec", "SN-1", "uptime"},
            {"get", "SN-1", "/a", "b"},
            {"put", "SN-1", "pom.xml", "/a"},
            {"cases", "--appliance", "SN-1"}
        }) {
            EngineerCli.Run run = new EngineerCli(dir).run(args);
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run).isEqualTo(1);
            assertThat(run.err())
                    .as(String.join(" ", args))
                    .isEqualTo("sc-engineer: not logged in (or session expired):"
                            + " run sc-engineer login --server HOST:PORT --identity FILE.p12\n");
        }
    }

    @Test
    void anExpiredSessionCountsAsNone() {
        EngineerHome home = EngineerHome.at(dir);
        home.save(new SavedSession(
                "localhost:8443",
                dir.resolve("alice.p12"),
                Optional.empty(),
                Optional.empty(),
                "alice",
                "s",
                "x".repeat(43),
                Instant.parse("2030-01-01T00:00:00Z")));
        EngineerCli.Run later = new EngineerCli(dir)
                .withClock(Clock.fixed(Instant.parse("2030-01-01T00:00:01Z"), ZoneOffset.UTC))
                .run("appliances");
        assertThat(later.exitCode()).isEqualTo(1);
        assertThat(later.err())
                .isEqualTo("sc-engineer: not logged in (or session expired): run sc-engineer login"
                        + " --server localhost:8443 --identity " + dir.resolve("alice.p12") + "\n");
        EngineerCli.Run logout = new EngineerCli(dir)
                .withClock(Clock.fixed(Instant.parse("2030-01-01T00:00:01Z"), ZoneOffset.UTC))
                .run("logout");
        assertThat(logout.exitCode()).isZero();
        assertThat(home.sessionFile()).doesNotExist();
    }

    @Test
    void aStoredTokenOpensOnlyWithItsPassphrase() throws Exception {
        EngineerHome home = EngineerHome.at(dir);
        home.save(new SavedSession(
                "localhost:8443",
                dir.resolve("nowhere.p12"),
                Optional.empty(),
                Optional.empty(),
                "alice",
                "s",
                "x".repeat(43),
                Instant.now().plus(Duration.ofHours(8))));
        TestPki.Issued alice = TestPki.shared().engineer("alice");
        AccessTokenIssuer issuer = new AccessTokenIssuer(TokenSigningKey.generate(), "localhost", Clock.systemUTC());
        SignedAccessToken token = issuer.issue(alice.certificate(), "SN-1", "12345678");
        home.prepareTokens();
        new TokenVault().store(home.tokenFile("SN-1"), token, "right passphrase".toCharArray());
        Path right = Files.writeString(dir.resolve("right"), "right passphrase\n");
        Path wrong = Files.writeString(dir.resolve("wrong"), "wrong passphrase\n");

        EngineerCli.Run refused =
                new EngineerCli(dir).run("forward", "--token-passphrase-file", wrong.toString(), "SN-1", "22");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("sc-engineer: wrong token passphrase for " + home.tokenFile("SN-1") + "\n");

        // the right passphrase opens it; the command then goes on to the identity, which is missing here
        EngineerCli.Run opened =
                new EngineerCli(dir).run("forward", "--token-passphrase-file", right.toString(), "SN-1", "22");
        assertThat(opened.exitCode()).isEqualTo(1);
        assertThat(opened.err()).startsWith("sc-engineer: there is no terminal to ask for it");

        // an expired token is not judged here: it goes to the server, which refuses it and audits the attempt
        EngineerCli.Run expired = new EngineerCli(dir)
                .withClock(Clock.fixed(token.claims().expiresAt(), ZoneOffset.UTC))
                .run("forward", "--token-passphrase-file", right.toString(), "SN-1", "22");
        assertThat(expired.exitCode()).isEqualTo(1);
        assertThat(expired.err()).startsWith("sc-engineer: there is no terminal to ask for it");
    }

    @Test
    void loginRefusalsAreOneLine() throws Exception {
        IdentityFiles files = IdentityFiles.write(dir.resolve("alice"), "alice");
        try (TestEngineerServer server = TestEngineerServer.start(dir)) {
            EngineerCli cli = new EngineerCli(dir.resolve("home"));
            EngineerCli.Run wrongCode = cli.run(
                    "login",
                    "--server",
                    server.address(),
                    "--identity",
                    files.p12().toString(),
                    "--totp-code",
                    "654321",
                    "--p12-passphrase-file",
                    files.p12Passphrase().toString());
            assertThat(wrongCode.exitCode()).isEqualTo(1);
            assertThat(wrongCode.err()).isEqualTo("sc-engineer: wrong TOTP code\n");
            assertThat(dir.resolve("home/session.json")).doesNotExist();

            Path wrongPass = Files.writeString(dir.resolve("wrong.pass"), "nope\n");
            EngineerCli.Run wrongP12 = cli.run(
                    "login",
                    "--server",
                    server.address(),
                    "--identity",
                    files.p12().toString(),
                    "--totp-code",
                    "123456",
                    "--p12-passphrase-file",
                    wrongPass.toString());
            assertThat(wrongP12.exitCode()).isEqualTo(1);
            assertThat(wrongP12.err())
                    .isEqualTo("sc-engineer: wrong password for " + files.p12().toAbsolutePath() + "\n");

            Path otherCa = Files.writeString(
                    dir.resolve("other-ca.pem"),
                    dev.secureconnect.crypto.pem.Pem.certificates(
                            java.util.List.of(TestPki.shared().untrustedCa().certificate())));
            EngineerCli.Run untrusted = cli.run(
                    "login",
                    "--server",
                    server.address(),
                    "--identity",
                    files.p12().toString(),
                    "--ca",
                    otherCa.toString(),
                    "--totp-code",
                    "123456",
                    "--p12-passphrase-file",
                    files.p12Passphrase().toString());
            assertThat(untrusted.exitCode()).isEqualTo(1);
            assertThat(untrusted.err())
                    .startsWith("sc-engineer: refused the certificate of the server at " + server.address());
            assertThat(untrusted.err().lines()).hasSize(1);

            EngineerCli.Run noTerminal = cli.run(
                    "login",
                    "--server",
                    server.address(),
                    "--identity",
                    files.p12().toString(),
                    "--p12-passphrase-file",
                    files.p12Passphrase().toString());
            assertThat(noTerminal.exitCode()).isEqualTo(1);
            assertThat(noTerminal.err())
                    .isEqualTo("sc-engineer: there is no terminal to ask for it: give it with" + " --totp-code N\n");

            EngineerCli.Run ok = cli.run(
                    "login",
                    "--server",
                    "localhost:" + server.port(),
                    "--identity",
                    files.p12().toString(),
                    "--ca",
                    files.caPem().toString(),
                    "--totp-code",
                    "123456",
                    "--p12-passphrase-file",
                    files.p12Passphrase().toString());
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            EngineerCli.Run logout = cli.run("logout");
            assertThat(logout.exitCode()).as(logout.toString()).isZero();
            assertThat(logout.out()).isEqualTo("logged out alice\n");
            assertThat(server.last("/api/v1/logout").get("authorization").toString())
                    .isEqualTo("Bearer " + TestEngineerServer.SESSION);
            assertThat(dir.resolve("home/session.json")).doesNotExist();
        }
    }

    @Test
    void nothingAnswersOnAClosedPort() throws Exception {
        IdentityFiles files = IdentityFiles.write(dir.resolve("alice"), "alice");
        int port;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EngineerCli.Run run = new EngineerCli(dir)
                .run(
                        "login",
                        "--server",
                        "127.0.0.1:" + port,
                        "--identity",
                        files.p12().toString(),
                        "--totp-code",
                        "123456",
                        "--p12-passphrase-file",
                        files.p12Passphrase().toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("sc-engineer: cannot reach the server at 127.0.0.1:" + port + ": ");
        assertThat(run.err().lines()).hasSize(1);
    }
}
