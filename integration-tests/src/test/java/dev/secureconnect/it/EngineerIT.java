package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.crypto.token.AccessTokenIssuer;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.crypto.token.TokenSigningKey;
import dev.secureconnect.crypto.token.TokenVault;
import dev.secureconnect.crypto.totp.OathTool;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engineer access end to end, every part real: the support server (in this JVM), an {@code sc-appliance} daemon
 * process whose service is a real OpenSSH {@code sshd} on 127.0.0.1, and {@code bin/sc-engineer} processes logging
 * in with a certificate and codes from {@code oathtool}, then {@code ssh} and {@code scp} through
 * {@code sc-engineer proxy}, {@code exec}, {@code get}/{@code put} — and every bad input refused, audited, with no
 * byte reaching the service.
 */
class EngineerIT {

    /**
     * One world for the whole class (server, appliance, sshd, the shared ticket): building it is most of a test's
     * time. Each test gets an engineer of its own (enrolled, logging in and taking tokens only in that test), so that
     * what a test does to its engineer (a lock-out, a revoked, tampered or expired token) never reaches another; the
     * test that closes a ticket connects a ticket of its own. A test reads only its own audit: what was recorded since
     * it began, minus what earlier tests' engineers still caused (a stream closed late). The server never blocks
     * 127.0.0.1: the refusals of all the tests together would reach the source-block threshold.
     */
    @TempDir
    static Path root;

    static SupportWorld world;
    static ServerUnderTest server;
    static OpenSshd sshd;
    static ApplianceProcess appliance;
    static String sharedTicket;
    static Path folder;
    /** The engineers of the tests that ran before this one. */
    static final Set<String> earlierEngineers = new HashSet<>();

    private static int engineers;

    EngineerProcess bob;
    String bobSecret;
    String ticket;
    /** How many audit records there were when this test began. */
    int auditMark;
    /** The engineers this test made. */
    final List<String> ownEngineers = new ArrayList<>();

    @BeforeAll
    static void setUpWorld() throws Exception {
        ServerUnderTest shared = new ServerUnderTest(root);
        try {
            shared.exemptFromBlocks("127.0.0.1");
        } catch (Exception | AssertionError e) {
            shared.close();
            throw e;
        }
        world = new SupportWorld(
                shared, root, "SN-ENG-1", "off", TestPki.engineerIdentity("bob").name());
        server = world.server;
        sshd = world.sshd;
        appliance = world.appliance;
        appliance.admin("commands add", "--name", "echo-args", "--allow-args", "--", "/bin/echo", "args:");
        appliance.admin("commands add", "--name", "fail", "--", "/bin/sh", "-c", "echo failing; exit 3");
        folder = Files.createDirectories(root.resolve("appliance-files"));
        Files.writeString(folder.resolve("report.txt"), "appliance report\n");
        appliance.admin("files allow", "--path", folder.toString(), "--write");
        appliance.start();
        sharedTicket = world.connectTicket("engineer access test");
    }

    @AfterAll
    static void tearDownWorld() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    /** This test's own engineer ("bob-N"), enrolled but not logged in, and the shared ticket. */
    @BeforeEach
    void setUp() throws Exception {
        auditMark = server.audit().size();
        bob = newEngineer("bob");
        bobSecret = world.enrol(bob);
        ticket = sharedTicket;
    }

    @AfterEach
    void tearDown() {
        earlierEngineers.addAll(ownEngineers);
    }

    /** A new engineer of this test's, whose login is {@code name-N}, unique in this class. */
    private EngineerProcess newEngineer(String name) throws IOException {
        EngineerProcess engineer = new EngineerProcess(root, name + "-" + (++engineers));
        ownEngineers.add(engineer.login);
        return engineer;
    }

    // ---- the whole flow --------------------------------------------------------------------------------------

    @Test
    void sshAndScpThroughTheTunnelWithOathtoolCodes() throws Exception {
        String code = OathTool.totp(bobSecret);
        assertThat(bob.login(server.engineerPort(), code).exitCode()).isZero();
        Launcher.Result replay = bob.login(server.engineerPort(), code);
        assertThat(replay.exitCode()).as(replay.describe()).isNotZero();
        assertThat(replay.err().strip()).doesNotContain("\n").containsIgnoringCase("already used");
        assertThat(events(EventType.TOTP_REPLAY)).anyMatch(r -> bob.login.equals(r.actor()));

        assertThat(bob.ok("appliances")).contains(appliance.serial).contains(ticket);
        SupportWorld.access(bob, appliance.serial, ticket);

        Launcher.Result ssh = ssh(bob, "echo logged-in-as-$(id -un)");
        assertThat(ssh.exitCode()).as(ssh.describe()).isZero();
        assertThat(ssh.out()).contains("logged-in-as-" + sshd.user);

        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(payload);
        Path local = Files.write(root.resolve("upload.bin"), payload);
        Path remote = root.resolve("sshd-side").resolve("uploaded.bin");
        Files.createDirectories(remote.getParent());
        Launcher.Result up = scp(bob, local.toString(), sshd.user + "@" + appliance.serial + ":" + remote);
        assertThat(up.exitCode()).as(up.describe()).isZero();
        assertThat(sha256(remote)).isEqualTo(sha256(local));
        Path back = root.resolve("downloaded.bin");
        Launcher.Result down = scp(bob, sshd.user + "@" + appliance.serial + ":" + remote, back.toString());
        assertThat(down.exitCode()).as(down.describe()).isZero();
        assertThat(sha256(back)).isEqualTo(sha256(local));

        Eventually.within(
                Duration.ofSeconds(10),
                "the sessions are audited as closed",
                () -> events(EventType.STREAM_CLOSED).size() >= 3);
        ServerAuditEvent closed = events(EventType.STREAM_CLOSED).get(1);
        assertThat(closed.actor()).isEqualTo(bob.login);
        assertThat(closed.applianceSerial()).isEqualTo(appliance.serial);
        assertThat(closed.ticket()).isEqualTo(ticket);
        assertThat(closed.details()).containsKeys("bytesToAppliance", "bytesFromAppliance", "durationMs");
        assertThat(events(EventType.TOKEN_ISSUED)).hasSize(1);
        assertThat(appliance.admin("audit", "--json")).contains("stream.closed");
    }

    @Test
    void sshScpAndExecThroughTheAgent() throws Exception {
        loginAndAccess(bob);
        assertThat(bob.ok("agent", "start")).startsWith("agent started (pid ");
        try {
            Launcher.Result second = bob.run("agent", "start");
            assertThat(second.exitCode()).isEqualTo(1);
            assertThat(second.err().strip()).doesNotContain("\n").startsWith("sc-engineer: an agent already runs for");
            assertThat(bob.ok(
                            "agent",
                            "add",
                            "--token-passphrase-file",
                            bob.tokenPassphrase.toString(),
                            appliance.serial))
                    .startsWith("the agent holds the token for " + appliance.serial + " until ");

            // no passphrase anywhere from here on: only the agent can open these streams
            String proxy = Launcher.bin("sc-engineer") + " proxy %h " + sshd.port();
            List<String> ssh = new ArrayList<>(List.of("ssh"));
            ssh.addAll(sshd.clientOptions());
            ssh.addAll(
                    List.of("-o", "ProxyCommand=" + proxy, sshd.user + "@" + appliance.serial, "echo agent-$(id -un)"));
            Launcher.Result viaAgent = external(bob, ssh);
            assertThat(viaAgent.exitCode()).as(viaAgent.describe()).isZero();
            assertThat(viaAgent.out()).contains("agent-" + sshd.user);

            byte[] payload = new byte[2 * 1024 * 1024 + 5];
            new Random(9).nextBytes(payload);
            Path local = Files.write(root.resolve("agent-upload.bin"), payload);
            Path remote = Files.createDirectories(root.resolve("sshd-side")).resolve("agent-uploaded.bin");
            List<String> scp = new ArrayList<>(List.of("scp", "-q"));
            scp.addAll(sshd.clientOptions());
            scp.addAll(List.of(
                    "-o",
                    "ProxyCommand=" + proxy,
                    local.toString(),
                    sshd.user + "@" + appliance.serial + ":" + remote));
            Launcher.Result up = external(bob, scp);
            assertThat(up.exitCode()).as(up.describe()).isZero();
            assertThat(sha256(remote)).isEqualTo(sha256(local));

            Launcher.Result echo = bob.run("exec", appliance.serial, "echo-args", "via", "agent");
            assertThat(echo.exitCode()).as(echo.describe()).isZero();
            assertThat(echo.out()).isEqualTo("args: via agent\n");
            assertThat(bob.ok("appliances")).contains(appliance.serial);
            assertThat(bob.ok("agent", "status")).contains(appliance.serial, ticket, "connected to the server: yes");

            // the server audits the agent's streams as the engineer's own
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the agent's sessions audited as closed",
                    () -> events(EventType.STREAM_CLOSED).size() >= 3);
            assertThat(events(EventType.STREAM_CLOSED))
                    .allMatch(event -> bob.login.equals(event.actor())
                            && appliance.serial.equals(event.applianceSerial())
                            && ticket.equals(event.ticket()));
            assertThat(events(EventType.COMMAND_RUN)).hasSize(1);

            assertThat(bob.ok("agent", "stop")).startsWith("agent stopped (pid ");
            Launcher.Result none = bob.run("agent", "status");
            assertThat(none.exitCode()).isEqualTo(1);
            assertThat(none.err()).startsWith("sc-engineer: no agent runs for ");
        } finally {
            bob.run("agent", "stop");
        }
    }

    @Test
    void execStreamsOutputAndReturnsTheExitStatus() throws Exception {
        loginAndAccess(bob);
        Launcher.Result echo = bob.withToken("exec", appliance.serial, "echo-args", "one", "two=2");
        assertThat(echo.exitCode()).as(echo.describe()).isZero();
        assertThat(echo.out()).isEqualTo("args: one two=2\n");
        Launcher.Result fail = bob.withToken("exec", appliance.serial, "fail");
        assertThat(fail.exitCode()).as(fail.describe()).isEqualTo(3);
        assertThat(fail.out()).isEqualTo("failing\n");
        Eventually.within(
                Duration.ofSeconds(10),
                "both commands audited",
                () -> events(EventType.COMMAND_RUN).size() == 2);
        assertThat(events(EventType.COMMAND_RUN).get(1).details()).containsEntry("exitStatus", "3");
    }

    @Test
    void filesMoveBothWaysWithMatchingSha256() throws Exception {
        loginAndAccess(bob);
        Path got = root.resolve("got-report.txt");
        Launcher.Result get = bob.withToken(
                "get", appliance.serial, folder.resolve("report.txt").toString(), got.toString());
        assertThat(get.exitCode()).as(get.describe()).isZero();
        assertThat(Files.readString(got)).isEqualTo("appliance report\n");

        Path upload = Files.writeString(root.resolve("fix.sh"), "#!/bin/sh\necho fixed\n");
        Launcher.Result put = bob.withToken(
                "put",
                appliance.serial,
                upload.toString(),
                folder.resolve("fix.sh").toString());
        assertThat(put.exitCode()).as(put.describe()).isZero();
        assertThat(sha256(folder.resolve("fix.sh"))).isEqualTo(sha256(upload));
        Eventually.within(
                Duration.ofSeconds(10),
                "file transfers audited",
                () -> events(EventType.FILE_GET).size() == 1
                        && events(EventType.FILE_PUT).size() == 1);
        assertThat(events(EventType.FILE_PUT).get(0).details()).containsEntry("sha256", sha256(upload));
    }

    // ---- bad input: refused, one line, non-zero, audited, nothing reaches the service ------------------------

    @Test
    void wrongCodeIsRefusedAndAudited() throws Exception {
        Launcher.Result wrong = bob.login(server.engineerPort(), wrongCode(bobSecret));
        refusedInOneLine(wrong, "code");
        assertThat(events(EventType.LOGIN_FAILED)).anyMatch(r -> bob.login.equals(r.actor()));
    }

    @Test
    void lockedOutEngineerCannotLogInEvenWithTheRightCode() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(bob.login(server.engineerPort(), wrongCode(bobSecret)).exitCode())
                    .isNotZero();
        }
        Launcher.Result locked = bob.login(server.engineerPort(), OathTool.totp(bobSecret));
        refusedInOneLine(locked, "locked");
        assertThat(events(EventType.LOGIN_LOCKED)).anyMatch(r -> bob.login.equals(r.actor()));
    }

    @Test
    void tokenForAnotherApplianceIsRefused() throws Exception {
        loginAndAccess(bob);
        Files.copy(bob.tokenFile(appliance.serial), bob.tokenFile("SN-OTHER"));
        int before = sshd.connections();
        refusedInOneLine(bob.withToken("exec", "SN-OTHER", "echo-args", "x"), "appliance");
        assertThat(tokenRefusals("wrong-audience")).isNotEmpty();
        assertThat(sshd.connections()).isEqualTo(before);
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        loginAndAccess(bob);
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        SignedAccessToken expired = new AccessTokenIssuer(serverTokenKey(), "sc-server", twoHoursAgo)
                .issue(bob.issued.certificate(), appliance.serial, ticket, Duration.ofHours(1), "expired on purpose");
        new TokenVault()
                .store(bob.tokenFile(appliance.serial), expired, EngineerProcess.TOKEN_PASSPHRASE.toCharArray());
        refusedThroughSsh(bob, "expired");
        assertThat(tokenRefusals("expired")).isNotEmpty();
    }

    @Test
    void revokedTokenStopsWorkingAtOnceOnServerAndAppliance() throws Exception {
        loginAndAccess(bob);
        assertThat(bob.withToken("exec", appliance.serial, "echo-args", "before")
                        .exitCode())
                .isZero();
        String id = events(EventType.TOKEN_ISSUED).get(0).details().get("tokenId");
        Launcher.Result revoked = Launcher.run(
                "sc-server",
                "tokens",
                "revoke",
                "--dir",
                server.dir.toString(),
                id,
                "--reason",
                "engineer left the case");
        assertThat(revoked.exitCode()).as(revoked.describe()).isZero();
        refusedInOneLine(bob.withToken("exec", appliance.serial, "echo-args", "after"), "revoked");
        assertThat(events(EventType.TOKEN_REVOKED)).hasSize(1);
        assertThat(tokenRefusals("revoked")).isNotEmpty();
        Eventually.within(Duration.ofSeconds(10), "the appliance received the revocation", () -> applianceAudit()
                .contains("token.revocations-received"));
    }

    @Test
    void tokenPresentedWithAnotherEngineersCertificateIsMisuse() throws Exception {
        loginAndAccess(bob);
        EngineerProcess carol = newEngineer("carol");
        String carolSecret = world.enrol(carol);
        assertThat(carol.login(server.engineerPort(), OathTool.totp(carolSecret))
                        .exitCode())
                .isZero();
        Files.createDirectories(carol.tokenFile(appliance.serial).getParent());
        Files.copy(bob.tokenFile(appliance.serial), carol.tokenFile(appliance.serial));
        int before = sshd.connections();
        refusedThroughSsh(carol, "certificate");
        assertThat(events(EventType.TOKEN_MISUSED)).anyMatch(r -> carol.login.equals(r.actor()));
        assertThat(sshd.connections()).isEqualTo(before);
    }

    @Test
    void tamperedTokenIsRefused() throws Exception {
        loginAndAccess(bob);
        SignedAccessToken real =
                new TokenVault().load(bob.tokenFile(appliance.serial), EngineerProcess.TOKEN_PASSPHRASE.toCharArray());
        String compact = real.serialize();
        int last = compact.length() - 5;
        String tampered =
                compact.substring(0, last) + (compact.charAt(last) == 'A' ? 'B' : 'A') + compact.substring(last + 1);
        new TokenVault()
                .store(
                        bob.tokenFile(appliance.serial),
                        SignedAccessToken.parseUnverified(tampered),
                        EngineerProcess.TOKEN_PASSPHRASE.toCharArray());
        refusedThroughSsh(bob, "signature");
        assertThat(tokenRefusals("bad-signature")).isNotEmpty();
    }

    @Test
    void wrongTokenPassphraseIsRefusedLocally() throws Exception {
        loginAndAccess(bob);
        Path wrong = Files.writeString(root.resolve("wrong.pass"), "not the passphrase\n");
        Launcher.Result result =
                bob.run("exec", "--token-passphrase-file", wrong.toString(), appliance.serial, "echo-args");
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err()).as(result.describe()).startsWith("sc-engineer: wrong token passphrase");
        assertThat(events(EventType.STREAM_OPENED)).isEmpty(); // the token never left the laptop
        assertThat(tokenRefusals("wrong-passphrase")) // but the client reported the failed unlock
                .anyMatch(e -> bob.login.equals(e.actor()) && appliance.serial.equals(e.applianceSerial()));
    }

    @Test
    void closedTicketRefusesTokensAndStreams() throws Exception {
        ticket = world.connectTicket("ticket closed by the test"); // not the shared one
        loginAndAccess(bob);
        Launcher.Result closed = Launcher.run("sc-server", "tickets", "close", "--dir", server.dir.toString(), ticket);
        assertThat(closed.exitCode()).as(closed.describe()).isZero();
        Eventually.within(
                Duration.ofSeconds(15), "the ticket leaves the link", () -> !server.online(appliance.serial, ticket));
        int before = sshd.connections();
        refusedThroughSsh(bob, "ticket");
        refusedInOneLine(
                bob.run(
                        "access",
                        appliance.serial,
                        "--ticket",
                        ticket,
                        "--token-passphrase-file",
                        bob.tokenPassphrase.toString()),
                "ticket");
        assertThat(events(EventType.TOKEN_REFUSED)).isNotEmpty();
        assertThat(sshd.connections()).isEqualTo(before);
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        loginAndAccess(bob);
        Path out = root.resolve("shadow");
        Launcher.Result result = bob.withToken("get", appliance.serial, folder + "/../../etc/shadow", out.toString());
        refusedInOneLine(result, "..");
        assertThat(out).doesNotExist();
        Eventually.within(Duration.ofSeconds(10), "the refusal is audited on the appliance", () -> applianceAudit()
                .contains("file.refused"));
    }

    @Test
    void unknownCommandAndShellSyntaxAreRefused() throws Exception {
        loginAndAccess(bob);
        Launcher.Result unknown = bob.withToken("exec", appliance.serial, "rm-rf");
        assertThat(unknown.exitCode()).isEqualTo(255);
        assertThat(unknown.err().strip()).doesNotContain("\n").contains("rm-rf");
        Launcher.Result shell = bob.withToken("exec", appliance.serial, "echo-args", "x; cat /etc/shadow");
        assertThat(shell.exitCode()).isEqualTo(255);
        assertThat(shell.out()).isEmpty();
        assertThat(shell.err().strip()).doesNotContain("\n");
        Eventually.within(
                Duration.ofSeconds(10),
                "both refusals audited on the appliance",
                () -> count(applianceAudit(), "command.refused") >= 2);
        assertThat(events(EventType.COMMAND_RUN)).isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Bob logs in (certificate + current code) and obtains a token for the appliance and the ticket. */
    private void loginAndAccess(EngineerProcess engineer) throws IOException, InterruptedException {
        assertThat(engineer).isSameAs(bob);
        Launcher.Result login = engineer.login(server.engineerPort(), OathTool.totp(bobSecret));
        assertThat(login.exitCode()).as(login.describe()).isZero();
        SupportWorld.access(engineer, appliance.serial, ticket);
    }

    private Launcher.Result ssh(EngineerProcess engineer, String remoteCommand)
            throws IOException, InterruptedException {
        return external(engineer, world.ssh(engineer, remoteCommand));
    }

    private Launcher.Result scp(EngineerProcess engineer, String from, String to)
            throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("scp", "-q"));
        line.addAll(sshd.clientOptions());
        line.addAll(List.of("-o", "ProxyCommand=" + engineer.proxyCommand(sshd.port()), from, to));
        return external(engineer, line);
    }

    /** Runs ssh or scp (at most 120 s) with the engineer's environment, so its ProxyCommand finds the session. */
    private static Launcher.Result external(EngineerProcess engineer, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(engineer.environment());
        Path out = Files.createTempFile("ssh", ".out");
        Path err = Files.createTempFile("ssh", ".err");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
            }
            return new Launcher.Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** ssh through the proxy is refused: ssh fails, the proxy's one-line reason (on stderr) names the problem. */
    private void refusedThroughSsh(EngineerProcess engineer, String reasonPart)
            throws IOException, InterruptedException {
        int before = sshd.connections();
        Launcher.Result ssh = ssh(engineer, "echo should-not-run");
        assertThat(ssh.exitCode()).as(ssh.describe()).isNotZero();
        assertThat(ssh.out()).doesNotContain("should-not-run");
        assertThat(ssh.err()).containsIgnoringCase(reasonPart);
        assertThat(sshd.connections()).as("connections that reached sshd").isEqualTo(before);
    }

    private static void refusedInOneLine(Launcher.Result result, String reasonPart) {
        assertThat(result.exitCode()).as(result.describe()).isNotZero();
        assertThat(result.err().strip())
                .as(result.describe())
                .doesNotContain("\n")
                .containsIgnoringCase(reasonPart);
    }

    /** This test's events of that type. */
    private List<ServerAuditEvent> events(EventType type) {
        return ownAudit().filter(e -> e.type() == type).toList();
    }

    private List<ServerAuditEvent> tokenRefusals(String reason) {
        return ownAudit()
                .filter(e -> e.type() == EventType.TOKEN_REFUSED || e.type() == EventType.TOKEN_MISUSED)
                .filter(e -> reason.equals(e.details().get("reason")))
                .toList();
    }

    /** What was recorded since this test began, minus what earlier tests' engineers still caused. */
    private Stream<ServerAuditEvent> ownAudit() {
        List<ServerAuditRecord> all = server.audit();
        return all.subList(Math.min(auditMark, all.size()), all.size()).stream()
                .map(r -> r.event())
                .filter(e -> !earlierEngineers.contains(e.actor()));
    }

    private String applianceAudit() {
        try {
            return appliance.admin("audit", "--json");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int count(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }

    private TokenSigningKey serverTokenKey() {
        return TokenSigningKey.load(server.dir.resolve("keys/token-signing.jwk"));
    }

    /** A six-digit code that is not the current one (nor the neighbouring steps'). */
    private static String wrongCode(String secret) {
        String now = OathTool.totp(secret);
        String wrong = String.format("%06d", (Integer.parseInt(now) + 500_001) % 1_000_000);
        return wrong;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
