package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.engineer.agent.EngineerAgent;
import dev.secureconnect.engineer.agent.PeerCheck;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.state.EngineerHome;
import dev.secureconnect.engineer.state.SavedSession;
import dev.secureconnect.engineer.testing.EngineerCli;
import dev.secureconnect.engineer.testing.IdentityFiles;
import dev.secureconnect.engineer.testing.TestEngineerServer;
import dev.secureconnect.testing.Eventually;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands through a running agent (in this JVM, on the engineer's state directory): the token's passphrase is
 * asked once, the streams carry the same credentials as the direct path, a revoked token is forgotten, and an agent
 * that goes away mid-transfer ends the transfer on one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentFlowTest {

    private static final Pattern FORWARDING = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) -> SN-1:(\\d+)\\n");

    @TempDir
    static Path dir;

    private TestEngineerServer server;
    private IdentityFiles files;
    private Path home;
    private EngineerCli cli;
    private EngineerAgent agent;
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeAll
    void loginAndAccess() throws Exception {
        server = TestEngineerServer.start(dir);
        files = IdentityFiles.write(dir.resolve("alice"), "alice");
        home = dir.resolve("home");
        cli = new EngineerCli(home);
        assertThat(cli.run(
                                "login",
                                "--server",
                                server.address(),
                                "--identity",
                                files.p12().toString(),
                                "--totp-code",
                                TestEngineerServer.TOTP,
                                "--p12-passphrase-file",
                                files.p12Passphrase().toString())
                        .exitCode())
                .isZero();
        access();
    }

    private void access() {
        EngineerCli.Run access = cli.run(
                "access",
                "SN-1",
                "--ticket",
                "12345678",
                "--ttl",
                "2h",
                "--token-passphrase-file",
                files.tokenPassphrase().toString());
        assertThat(access.exitCode()).as(access.toString()).isZero();
    }

    @BeforeEach
    void startAgent() throws Exception {
        EngineerHome engineerHome = EngineerHome.at(home);
        SavedSession session = engineerHome.session().orElseThrow();
        Identity identity = Identity.load(files.p12(), IdentityFiles.P12_PASSPHRASE.toCharArray(), null);
        engineerHome.prepareAgent();
        agent = EngineerAgent.start(new EngineerAgent.Settings(
                engineerHome,
                session,
                identity,
                EngineerCli.TEST_TIMEOUTS,
                Clock.systemUTC(),
                Duration.ofHours(8),
                PeerCheck.kernel(Files.getOwner(engineerHome.agentDirectory())),
                notices::add));
        agent.connectNow();
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String[] withPassphrase(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--token-passphrase-file=" + files.tokenPassphrase();
        System.arraycopy(args, 1, all, 2, args.length - 1);
        return all;
    }

    @Test
    void thePassphraseIsAskedOnceThenTheAgentHoldsTheToken() {
        EngineerCli.Run first = cli.run(withPassphrase("exec", "SN-1", "collect-logs", "--since", "1 h"));
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(3);
        assertThat(first.out()).isEqualTo("ran collect-logs with [\"--since\",\"1 h\"]\n");
        assertThat(server.last("/v1/exec").get("sc-access-token").toString()).isEqualTo(server.lastToken());
        assertThat(server.last("/v1/exec").get("authorization").toString())
                .isEqualTo("Bearer " + TestEngineerServer.SESSION);

        // no passphrase file and no terminal: only the agent can run it now (ssh lowercases %h)
        EngineerCli.Run again = cli.run("exec", "sn-1", "slow");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(124);
        assertThat(again.err()).contains("sc-engineer: note: slow ran out of time");
        assertThat(server.last("/v1/exec").get("sc-appliance").toString()).isEqualTo("SN-1");

        EngineerCli.Run status = cli.run("agent", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains(
                        "login alice at " + server.address(),
                        "connected to the server: yes",
                        "APPLIANCE",
                        "SN-1",
                        "12345678")
                .doesNotContain(server.lastToken())
                .doesNotContain(TestEngineerServer.SESSION);
    }

    @Test
    void listingsGoThroughTheAgent() {
        EngineerCli.Run appliances = cli.run("appliances");
        assertThat(appliances.exitCode()).as(appliances.toString()).isZero();
        assertThat(appliances.out()).contains("SERIAL", "SN-1", "12345678", "ssh:22");
        EngineerCli.Run sessions = cli.run("sessions", "--json");
        assertThat(sessions.exitCode()).as(sessions.toString()).isZero();
        assertThat(sessions.out()).contains("\"s-1\"");
    }

    @Test
    void getAndPutThroughTheAgentCheckTheirHashes() throws Exception {
        Path target = dir.resolve("got-agent/app.log");
        Files.createDirectories(target.getParent());
        EngineerCli.Run get = cli.run(withPassphrase("get", "SN-1", "/var/log/app.log", target.toString()));
        assertThat(get.exitCode()).as(get.toString()).isZero();
        byte[] expected = TestEngineerServer.fileContent("/var/log/app.log");
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        assertThat(get.err()).isEmpty(); // no terminal: no progress line

        Path local = dir.resolve("upload.bin");
        byte[] content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        Files.write(local, content);
        EngineerCli.Run put = cli.run(withPassphrase("put", "SN-1", local.toString(), "/tmp/upload.bin"));
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(server.stored("/tmp/upload.bin")).isEqualTo(content);

        EngineerCli.Run refused = cli.run(withPassphrase("put", "SN-1", local.toString(), "/readonly/x"));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("sc-engineer: /readonly/x was not stored: appliance refused: folder"
                        + " /readonly is not writable\n");
    }

    @Test
    void theSmallProxyRelaysThroughTheAgentOrLeavesTheCommandToTheFullOne() throws Exception {
        // the agent holds no token yet: left to the full command, standard input untouched
        ByteArrayInputStream unread = new ByteArrayInputStream("not yet".getBytes(StandardCharsets.UTF_8));
        EngineerCli.Run noToken = agentProxy(unread, "proxy", "SN-1", "22");
        assertThat(noToken.exitCode()).as(noToken.toString()).isEqualTo(AgentProxy.NOT_SERVED);
        assertThat(noToken.out()).isEmpty();
        assertThat(noToken.err()).isEmpty();
        assertThat(unread.available()).isEqualTo("not yet".length());

        // the full command gives the agent the token; from then on the small one serves
        assertThat(cli.run(withPassphrase("proxy", "SN-1", "22")).exitCode()).isZero();
        EngineerCli.Run served = agentProxy(
                new ByteArrayInputStream("hello, small proxy".getBytes(StandardCharsets.UTF_8)),
                withPassphrase("proxy", "sn-1", "22"));
        assertThat(served.exitCode()).as(served.toString()).isZero();
        assertThat(served.out()).isEqualTo("hello, small proxy");
        assertThat(served.err()).isEmpty();
        assertThat(server.last("").authority().toString()).isEqualTo("127.0.0.1:22");
        assertThat(server.last("").get("sc-access-token").toString()).isEqualTo(server.lastToken());

        // refused: one line, exit 1, as the full command
        EngineerCli.Run refused = agentProxy(new ByteArrayInputStream(new byte[0]), "proxy", "SN-1", "9");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("sc-engineer: refused (403): appliance refused: port 9 is not allow-listed\n");

        // what it does not know is the full command's
        for (String[] args : List.of(
                new String[] {"proxy", "--help"},
                new String[] {"proxy", "SN-1"},
                new String[] {"proxy", "SN-1", "22", "extra"},
                new String[] {"proxy", "SN-1", "0"},
                new String[] {"proxy", "../x", "22"},
                new String[] {"proxy", "--token-passphrase-file"},
                new String[] {"exec", "SN-1", "uptime"},
                new String[] {})) {
            EngineerCli.Run left = agentProxy(new ByteArrayInputStream(new byte[0]), args);
            assertThat(left.exitCode()).as(String.join(" ", args)).isEqualTo(AgentProxy.NOT_SERVED);
            assertThat(left.err()).as(String.join(" ", args)).isEmpty();
        }

        // no agent: the full command's too
        agent.close();
        EngineerCli.Run noAgent = agentProxy(new ByteArrayInputStream(new byte[0]), "proxy", "SN-1", "22");
        assertThat(noAgent.exitCode()).isEqualTo(AgentProxy.NOT_SERVED);
        assertThat(noAgent.err()).isEmpty();
    }

    /** Runs {@link AgentProxy} as bin/sc-engineer does for {@code proxy}, on this test's state directory. */
    private EngineerCli.Run agentProxy(InputStream stdin, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        Console console = Console.of(
                stdin,
                new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8),
                new java.io.PrintWriter(err, true),
                Clock.systemUTC(),
                home,
                EngineerCli.NO_TERMINAL,
                EngineerCli.TEST_TIMEOUTS);
        int code = AgentProxy.run(console, args);
        return new EngineerCli.Run(code, stdout.toByteArray(), err.toString());
    }

    @Test
    void proxyAndForwardRelayThroughTheAgent() throws Exception {
        EngineerCli.Run proxy = cli.run(
                new ByteArrayInputStream("hello through the agent".getBytes(StandardCharsets.UTF_8)),
                withPassphrase("proxy", "SN-1", "22"));
        assertThat(proxy.exitCode()).as(proxy.toString()).isZero();
        assertThat(proxy.out()).isEqualTo("hello through the agent");
        assertThat(server.last("").authority().toString()).isEqualTo("127.0.0.1:22");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuffer err = new StringBuffer();
        Thread forward = new Thread(() -> cli.runLive(out, err, withPassphrase("forward", "SN-1", "0:22")));
        forward.setDaemon(true);
        forward.start();
        String line =
                Eventually.await("the forwarding line", () -> out.toString(StandardCharsets.UTF_8), text -> FORWARDING
                        .matcher(text)
                        .matches());
        Matcher matcher = FORWARDING.matcher(line);
        assertThat(matcher.matches()).isTrue();
        for (int i = 0; i < 2; i++) {
            try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(matcher.group(1)))) {
                socket.getOutputStream().write(("ping " + i).getBytes(StandardCharsets.UTF_8));
                socket.shutdownOutput();
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("ping " + i);
            }
        }
        forward.interrupt();
    }

    @Test
    void aRevokedTokenIsForgottenAtTheServersRefusal() {
        assertThat(cli.run(withPassphrase("exec", "SN-1", "uptime")).exitCode()).isEqualTo(3);
        server.revoke(server.lastToken());
        EngineerCli.Run refused = cli.run("exec", "SN-1", "uptime");
        assertThat(refused.exitCode()).isEqualTo(255);
        assertThat(refused.err())
                .startsWith("sc-engineer: refused (403): access token refused: token ")
                .endsWith(" has been revoked (the agent forgot its token for SN-1)\n");
        assertThat(notices).anySatisfy(notice -> assertThat(notice).startsWith("forgot the access token for SN-1"));
        assertThat(cli.run("agent", "status").out()).contains("no tokens held");
        access(); // a new token for the other tests
    }

    @Test
    void aForwardHeldByTheAgentEndsWhenTheAgentForgetsItsToken() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuffer err = new StringBuffer();
        CompletableFuture<Integer> forward =
                CompletableFuture.supplyAsync(() -> cli.runLive(out, err, withPassphrase("forward", "SN-1", "0:22")));
        String line =
                Eventually.await("the forwarding line", () -> out.toString(StandardCharsets.UTF_8), text -> FORWARDING
                        .matcher(text)
                        .matches());
        Matcher matcher = FORWARDING.matcher(line);
        assertThat(matcher.matches()).isTrue();
        int port = Integer.parseInt(matcher.group(1));

        server.revoke(server.lastToken());
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("refused".getBytes(StandardCharsets.UTF_8));
            assertThat(socket.getInputStream().readAllBytes()).isEmpty(); // the server refused its stream
        }
        assertThat(forward.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString())
                .contains("sc-engineer: SN-1:22: refused (403): access token refused: token ")
                .contains("sc-engineer: SN-1:22: the agent no longer holds the access token for SN-1 (it expired or"
                        + " was revoked): forwarding stopped\n")
                .contains("did it stop? see sc-engineer agent status");
        assertThat(notices).anySatisfy(notice -> assertThat(notice).startsWith("forgot the access token for SN-1"));
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        access(); // a new token for the other tests
    }

    @Test
    void anAgentThatGoesAwayMidTransferEndsItOnOneLine() throws Exception {
        PipedOutputStream keyboard = new PipedOutputStream();
        InputStream stdin = new PipedInputStream(keyboard);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        CompletableFuture<EngineerCli.Run> proxy =
                CompletableFuture.supplyAsync(() -> cli.run(stdin, stdout, withPassphrase("proxy", "SN-1", "22")));
        OutputStream typing = keyboard;
        typing.write("first".getBytes(StandardCharsets.UTF_8));
        typing.flush();
        Eventually.await("the echo", () -> stdout.toString(StandardCharsets.UTF_8), "first"::equals);

        agent.close(); // as if killed: its connections close
        EngineerCli.Run ended = proxy.get(10, TimeUnit.SECONDS);
        assertThat(ended.exitCode()).isEqualTo(1);
        assertThat(ended.err())
                .matches("sc-engineer: the agent at \\S+ closed the connection \\(.*\\): did it stop\\?"
                        + " see sc-engineer agent status\\n");
        keyboard.close();

        // with the agent gone (its socket removed), commands go direct again
        EngineerCli.Run direct = cli.run(withPassphrase("exec", "SN-1", "uptime"));
        assertThat(direct.exitCode()).as(direct.toString()).isEqualTo(3);
    }
}
