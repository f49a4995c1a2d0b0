package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.engineer.testing.EngineerCli;
import dev.secureconnect.engineer.testing.IdentityFiles;
import dev.secureconnect.engineer.testing.TestEngineerServer;
import dev.secureconnect.testing.Eventually;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole client against an in-test TLS HTTP/2 engineer listener: login, listings, access, then each session
 * command with the request headers the wire contract asks for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionFlowTest {

    private static final Pattern FORWARDING = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) -> SN-1:(\\d+)\\n");

    @TempDir
    static Path dir;

    private TestEngineerServer server;
    private IdentityFiles files;
    private Path home;
    private EngineerCli cli;

    @BeforeAll
    void loginAndAccess() throws Exception {
        server = TestEngineerServer.start(dir);
        files = IdentityFiles.write(dir.resolve("alice"), "alice");
        home = dir.resolve("home");
        cli = new EngineerCli(home);
        EngineerCli.Run login = cli.run(
                "login",
                "--server",
                server.address(),
                "--identity",
                files.p12().toString(),
                "--totp-code",
                TestEngineerServer.TOTP,
                "--p12-passphrase-file",
                files.p12Passphrase().toString());
        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.out()).startsWith("logged in as alice until ");
        EngineerCli.Run access = cli.run(
                "access",
                "SN-1",
                "--ticket",
                "12345678",
                "--ttl",
                "2h",
                "--reason",
                "disk full",
                "--token-passphrase-file",
                files.tokenPassphrase().toString());
        assertThat(access.exitCode()).as(access.toString()).isZero();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void loginSavesTheSessionOwnerOnly() throws Exception {
        Path session = home.resolve("session.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(session)))
                .isEqualTo("rw-------");
        JsonNode saved = new ObjectMapper().readTree(session.toFile());
        assertThat(saved.path("server").asText()).isEqualTo(server.address());
        assertThat(saved.path("identity").asText())
                .isEqualTo(files.p12().toAbsolutePath().toString());
        assertThat(saved.path("p12PassphraseFile").asText())
                .isEqualTo(files.p12Passphrase().toAbsolutePath().toString());
        assertThat(saved.path("login").asText()).isEqualTo("alice");
        assertThat(saved.path("session").asText()).isEqualTo(TestEngineerServer.SESSION);
        assertThat(saved.path("thumbprint").asText()).hasSize(43);
        Http2Headers login = server.last("/api/v1/login");
        assertThat(login.method().toString()).isEqualTo("POST");
        assertThat(login.get("authorization")).isNull();
        assertThat(login.get("content-type").toString()).isEqualTo("application/json");
    }

    @Test
    void accessStoresTheTokenEncryptedAndPrintsNoSecret() throws Exception {
        Path token = home.resolve("tokens/SN-1.jwe");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token.getParent())))
                .isEqualTo("rwx------");
        assertThat(Files.readString(token)).doesNotContain(server.lastToken());
        Http2Headers tokens = server.last("/api/v1/tokens");
        assertThat(tokens.get("authorization").toString()).isEqualTo("Bearer " + TestEngineerServer.SESSION);

        EngineerCli.Run again = cli.run(
                "access",
                "SN-1",
                "--ticket",
                "12345678",
                "--token-passphrase-file",
                files.tokenPassphrase().toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out())
                .matches("token [0-9a-f-]{36} for appliance SN-1, ticket 12345678, expires at \\S+"
                        + " \\(stored in .*SN-1.jwe\\)\\n");
        assertThat(again.out() + again.err())
                .doesNotContain(server.lastToken())
                .doesNotContain(TestEngineerServer.SESSION);
    }

    @Test
    void accessForACaseGetsATokenLimitedToTheCaseAndSaysSo() {
        EngineerCli.Run access = cli.run(
                "access",
                "SN-CASE",
                "--case",
                "C23456789",
                "--token-passphrase-file",
                files.tokenPassphrase().toString());
        assertThat(access.exitCode()).as(access.toString()).isZero();
        assertThat(access.out())
                .matches(
                        "token [0-9a-f-]{36} for appliance SN-CASE, case C23456789 \\(ticket 23456789\\), expires at \\S+"
                                + " \\(stored in .*SN-CASE.jwe\\)\\n"
                                + "limited to services none; commands raid-status; folders /var/log\\n");
        assertThat(access.out() + access.err()).doesNotContain("eyJ"); // no JWS

        EngineerCli.Run both = cli.run("access", "SN-CASE", "--case", "C23456789", "--ticket", "23456789");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("sc-engineer: --ticket and --case are mutually exclusive");
        EngineerCli.Run badCase = cli.run("access", "SN-CASE", "--case", "23456789");
        assertThat(badCase.exitCode()).isEqualTo(2);
        assertThat(badCase.err()).contains("case '23456789' is not valid: expected C and 8 digits");
    }

    @Test
    void accessForAClosedTicketIsRefusedWithTheServersReason() {
        EngineerCli.Run refused = cli.run(
                "access",
                "SN-CLOSED",
                "--ticket",
                "12345678",
                "--token-passphrase-file",
                files.tokenPassphrase().toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("sc-engineer: ticket 12345678 is not open\n");
        assertThat(home.resolve("tokens/SN-CLOSED.jwe")).doesNotExist();
    }

    @Test
    void listsAppliancesAndSessions() throws Exception {
        EngineerCli.Run appliances = cli.run("appliances");
        assertThat(appliances.exitCode()).as(appliances.toString()).isZero();
        assertThat(appliances.out()).contains("SERIAL", "SN-1", "12345678", "ssh:22");
        EngineerCli.Run json = cli.run("appliances", "--json");
        assertThat(new ObjectMapper()
                        .readTree(json.out())
                        .path("appliances")
                        .get(0)
                        .path("serial")
                        .asText())
                .isEqualTo("SN-1");
        EngineerCli.Run sessions = cli.run("sessions");
        assertThat(sessions.exitCode()).as(sessions.toString()).isZero();
        assertThat(sessions.out()).contains("s-1", "connect", "127.0.0.1:22");
        assertThat(server.last("/api/v1/sessions").get("authorization").toString())
                .isEqualTo("Bearer " + TestEngineerServer.SESSION);
    }

    @Test
    void execStreamsOutputAndExitsWithTheTrailersStatus() {
        EngineerCli.Run exec = cli.run(
                "exec",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                "collect-logs",
                "--since",
                "1 h");
        assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(3);
        assertThat(exec.out()).isEqualTo("ran collect-logs with [\"--since\",\"1 h\"]\n");
        Http2Headers request = server.last("/v1/exec");
        assertThat(request.method().toString()).isEqualTo("POST");
        assertThat(request.scheme().toString()).isEqualTo("https");
        assertThat(request.authority().toString()).isEqualTo("127.0.0.1");
        assertThat(request.get("sc-command").toString()).isEqualTo("collect-logs");
        assertThat(request.get("sc-args").toString()).isEqualTo("[\"--since\",\"1 h\"]");
        assertCredentials(request);
    }

    @Test
    void execNotesATimeoutAndExitsWith255WhenRefused() {
        EngineerCli.Run slow = cli.run(
                "exec", "--token-passphrase-file", files.tokenPassphrase().toString(), "SN-1", "slow");
        assertThat(slow.exitCode()).isEqualTo(124);
        assertThat(slow.err()).contains("sc-engineer: note: slow ran out of time");
        assertThat(server.last("/v1/exec").get("sc-args")).isNull();

        EngineerCli.Run unknown = cli.run(
                "exec", "--token-passphrase-file", files.tokenPassphrase().toString(), "SN-1", "unknown");
        assertThat(unknown.exitCode()).isEqualTo(255);
        assertThat(unknown.err())
                .isEqualTo("sc-engineer: refused (404): appliance refused: no command 'unknown' in the catalogue\n");
        assertThat(unknown.out()).isEmpty();
    }

    @Test
    void aWrongTokenPassphraseIsRefusedOnOneLine() throws Exception {
        Path wrong = dir.resolve("wrong.pass");
        Files.writeString(wrong, "not the passphrase\n");
        int before = server.requests().size();
        EngineerCli.Run run = cli.run("exec", "--token-passphrase-file", wrong.toString(), "SN-1", "collect-logs");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("sc-engineer: wrong token passphrase for " + home.resolve("tokens/SN-1.jwe") + "\n");
        // the token stays on the laptop; only the failed unlock is reported, for the server's audit log
        assertThat(server.requests()).hasSize(before + 1);
        assertThat(server.requests().get(before).path().toString()).isEqualTo("/api/v1/tokens/unlock-failed");
        assertThat(server.requests().get(before).toString()).doesNotContain("sc-access-token");
    }

    @Test
    void noTokenForAnApplianceSaysHowToGetOne() {
        EngineerCli.Run run = cli.run(
                "proxy", "--token-passphrase-file", files.tokenPassphrase().toString(), "SN-2", "22");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("sc-engineer: no access token for SN-2 (")
                .endsWith("): run sc-engineer access SN-2 --ticket NUMBER first\n");
    }

    @Test
    void getChecksTheHashAndRenamesIntoPlace() throws Exception {
        Path target = dir.resolve("got/app.log");
        Files.createDirectories(target.getParent());
        EngineerCli.Run get = cli.run(
                "get",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                "/var/log/my app.log",
                target.toString());
        assertThat(get.exitCode()).as(get.toString()).isZero();
        byte[] expected = TestEngineerServer.fileContent("/var/log/my app.log");
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        assertThat(get.out())
                .isEqualTo("got /var/log/my app.log (" + expected.length + " bytes, sha256 "
                        + TestEngineerServer.sha256(expected) + ")\n");
        Http2Headers request = server.last("/v1/files");
        assertThat(request.method().toString()).isEqualTo("GET");
        assertThat(request.path().toString()).isEqualTo("/v1/files?path=%2Fvar%2Flog%2Fmy+app.log");
        assertCredentials(request);
        assertThat(listing(target.getParent())).containsExactly("app.log");
    }

    @Test
    void getLeavesNothingWhenTheHashDoesNotMatch() throws Exception {
        Path folder = dir.resolve("damaged");
        Files.createDirectories(folder);
        EngineerCli.Run get = cli.run(
                "get",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                "/data/damaged.bin",
                folder.resolve("out.bin").toString());
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.err())
                .startsWith("sc-engineer: /data/damaged.bin arrived damaged (")
                .endsWith("): nothing was written to " + folder.resolve("out.bin") + "\n")
                .doesNotContain("\n\n");
        assertThat(listing(folder)).isEmpty();

        EngineerCli.Run missing = cli.run(
                "get",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                "/data/missing.bin",
                folder.toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err())
                .isEqualTo("sc-engineer: refused (404): appliance refused: no such file /data/missing.bin\n");
        assertThat(listing(folder)).isEmpty();
    }

    @Test
    void putStreamsTheFileAndChecksTheStoredHash() throws Exception {
        Path local = dir.resolve("upload.bin");
        byte[] content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        Files.write(local, content);
        EngineerCli.Run put = cli.run(
                "put",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                local.toString(),
                "/tmp/upload.bin");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(server.stored("/tmp/upload.bin")).isEqualTo(content);
        assertThat(put.out())
                .endsWith("(" + content.length + " bytes, sha256 " + TestEngineerServer.sha256(content) + ")\n");
        Http2Headers request = server.last("/v1/files");
        assertThat(request.method().toString()).isEqualTo("PUT");
        assertCredentials(request);

        EngineerCli.Run refused = cli.run(
                "put",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                local.toString(),
                "/readonly/upload.bin");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo(
                        "sc-engineer: /readonly/upload.bin was not stored: appliance refused: folder /readonly is not writable\n");
    }

    @Test
    void proxyRelaysStandardInputAndOutput() {
        byte[] input =
                "SSH-2.0-OpenSSH_9.6\r\nhello through the proxy".repeat(500).getBytes(StandardCharsets.UTF_8);
        EngineerCli.Run proxy = cli.run(
                new ByteArrayInputStream(input),
                "proxy",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                "22");
        assertThat(proxy.exitCode()).as(proxy.toString()).isZero();
        assertThat(proxy.stdoutBytes()).isEqualTo(input);
        assertThat(proxy.err()).isEmpty();
        Http2Headers request = server.last("CONNECT");
        assertThat(request.authority().toString()).isEqualTo("127.0.0.1:22");
        assertThat(request.path()).isNull();
        assertCredentials(request);

        EngineerCli.Run refused = cli.run(
                "proxy", "--token-passphrase-file", files.tokenPassphrase().toString(), "SN-1", "9");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("sc-engineer: refused (403): appliance refused: port 9 is not allow-listed\n");
        assertThat(refused.stdoutBytes()).isEmpty();
    }

    @Test
    void forwardRelaysEachLocalConnectionOverItsOwnStream() throws Exception {
        for (String spec : List.of("0:22", "9")) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            StringBuffer err = new StringBuffer();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread forward = new Thread(() -> exit.set(cli.runLive(
                    stdout,
                    err,
                    "forward",
                    "--token-passphrase-file",
                    files.tokenPassphrase().toString(),
                    "SN-1",
                    spec)));
            forward.start();
            try {
                Eventually.within(
                        Duration.ofSeconds(15),
                        "the forwarding line",
                        () -> FORWARDING
                                        .matcher(stdout.toString(StandardCharsets.UTF_8))
                                        .find()
                                || exit.get() >= 0);
                Matcher line = FORWARDING.matcher(stdout.toString(StandardCharsets.UTF_8));
                assertThat(line.matches()).as(stdout + " / " + err).isTrue();
                int port = Integer.parseInt(line.group(1));
                if (spec.equals("9")) {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        socket.setSoTimeout(10_000);
                        assertThat(socket.getInputStream().read()).isEqualTo(-1);
                    }
                    Eventually.within(Duration.ofSeconds(10), "the refusal on stderr", () -> err.length() > 0);
                    assertThat(err.toString())
                            .isEqualTo(
                                    "sc-engineer: SN-1:9: refused (403): appliance refused: port 9 is not allow-listed\n");
                    continue;
                }
                for (int i = 0; i < 2; i++) {
                    byte[] sent = ("connection " + i + " ").repeat(10_000).getBytes(StandardCharsets.UTF_8);
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        socket.setSoTimeout(10_000);
                        OutputStream out = socket.getOutputStream();
                        out.write(sent);
                        socket.shutdownOutput();
                        InputStream in = socket.getInputStream();
                        assertThat(in.readAllBytes()).isEqualTo(sent);
                    }
                }
                Http2Headers request = server.last("CONNECT");
                assertThat(request.authority().toString()).isEqualTo("127.0.0.1:22");
                assertCredentials(request);
                assertThat(err.toString()).isEmpty();
            } finally {
                forward.interrupt();
                forward.join(10_000);
            }
            assertThat(forward.isAlive()).isFalse();
            assertThat(exit.get()).isZero();
        }
    }

    private static void assertCredentials(Http2Headers request) {
        assertThat(request.get("authorization").toString()).isEqualTo("Bearer " + TestEngineerServer.SESSION);
        assertThat(request.get("sc-access-token")).isNotNull();
        assertThat(request.get("sc-appliance").toString()).isEqualTo("SN-1");
    }

    private static List<String> listing(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
