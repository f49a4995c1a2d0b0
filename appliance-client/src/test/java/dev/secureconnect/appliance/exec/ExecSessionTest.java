package dev.secureconnect.appliance.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.audit.ApplianceAuditRecord;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.appliance.testing.Engineers;
import dev.secureconnect.appliance.testing.SessionBench;
import dev.secureconnect.appliance.testing.TestServer;
import dev.secureconnect.crypto.token.TokenScope;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.link.SessionCredentials;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/exec} over a real link, running real processes from the catalogue. */
class ExecSessionTest {

    @TempDir
    Path work;

    private SessionBench bench;

    @BeforeEach
    void setUp() throws Exception {
        bench = SessionBench.start(work);
        bench.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        bench.close();
    }

    @Test
    void aCommandStreamsItsOutputAndEndsWithItsExitStatus() throws Exception {
        bench.appliance.ok("commands add", "--name", "hello", "--", "echo", "hello", "world");
        TestServer.Response response = exec("hello", null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello world\n");
        assertThat(response.trailer(LinkProtocol.TRAILER_EXIT_STATUS)).isEqualTo("0");
        assertThat(response.trailer(LinkProtocol.TRAILER_OUTPUT_TRUNCATED)).isNull();
        assertThat(response.trailer(LinkProtocol.TRAILER_TIMED_OUT)).isNull();
        ApplianceAuditRecord run = Eventually.await(
                        "command.run", () -> bench.appliance.audit(EventType.COMMAND_RUN), r -> r.size() == 1)
                .get(0);
        assertThat(run.actor()).isEqualTo("alice");
        assertThat(run.outcome()).isEqualTo("success");
        assertThat(run.details())
                .containsEntry("name", "hello")
                .containsEntry("args", List.of())
                .containsEntry("exitStatus", 0)
                .containsEntry("bytes", 12)
                .containsEntry("truncated", false)
                .containsEntry("timedOut", false)
                .containsEntry("kind", "exec");
        assertThat(bench.appliance.audit(EventType.STREAM_OPENED)).hasSize(1);
        Eventually.await("stream.closed", () -> bench.appliance.audit(EventType.STREAM_CLOSED), r -> r.size() == 1);
        assertThat(bench.appliance.ok("audit").out())
                .contains("command.run (1710)")
                .contains("name=hello args=[] exitStatus=0 bytes=12 truncated=false timedOut=false");
    }

    @Test
    void aFailingCommandReportsItsStatusWithStandardErrorInTheOutput() throws Exception {
        bench.appliance.ok("commands add", "--name", "missing", "--", "/bin/ls", "/no/such/folder/at/all");
        TestServer.Response response = exec("missing", null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).contains("/no/such/folder/at/all");
        assertThat(response.trailer(LinkProtocol.TRAILER_EXIT_STATUS)).isEqualTo("2");
    }

    @Test
    void theEnvironmentIsMinimalAndTheWorkingFolderIsRoot() throws Exception {
        bench.appliance.ok("commands add", "--name", "env", "--", "/usr/bin/env");
        bench.appliance.ok("commands add", "--name", "pwd", "--", "/bin/pwd");
        assertThat(exec("env", null).text().lines().sorted().toList())
                .containsExactly("LANG=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(exec("pwd", null).text()).isEqualTo("/\n");
    }

    @Test
    void argumentsAreAddedOnlyWhenAllowedAndOnlyWithoutShellSyntax() throws Exception {
        bench.appliance.ok("commands add", "--name", "fixed", "--", "echo", "fixed");
        bench.appliance.ok("commands add", "--name", "say", "--allow-args", "--", "echo");
        TestServer.Response allowed = exec("say", List.of("a=b", "/var/log/app.log", "user@host:1,2%+"));
        assertThat(allowed.text()).isEqualTo("a=b /var/log/app.log user@host:1,2%+\n");

        assertRefused("fixed", List.of("x"), 403, "command fixed takes no arguments on this appliance");
        for (String bad :
                List.of("a;reboot", "a|b", "$(id)", "`id`", "'quoted'", "two words", "line\nbreak", "a&b", "*")) {
            TestServer.Response refused = exec("say", List.of("ok", bad));
            assertThat(refused.status()).as(bad).isEqualTo(403);
            assertThat(refused.reason())
                    .as(bad)
                    .startsWith("argument 2 '")
                    .endsWith("' has a character outside A-Z a-z 0-9 . _ / : = @ % + , -");
        }
        assertRefused(
                "say", java.util.Collections.nCopies(33, "x"), 403, "33 arguments given to command say (at most 32)");
        assertRefused("say", List.of("x".repeat(257)), 403, "argument 1 is 257 characters long (at most 256)");
        List<ApplianceAuditRecord> refused = bench.appliance.audit(EventType.COMMAND_REFUSED);
        assertThat(refused).hasSize(12).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("refused"));
        assertThat(refused.get(1).details())
                .containsEntry("name", "say")
                .containsEntry("args", List.of("ok", "a;reboot"));
        assertThat(bench.appliance.audit(EventType.COMMAND_RUN)).hasSize(1);
    }

    @Test
    void optionsAreRefusedUnlessAllowedPerCommand() throws Exception {
        bench.appliance.ok("commands add", "--name", "say", "--allow-args", "--", "echo");
        bench.appliance.ok("commands add", "--name", "opts", "--allow-args", "--allow-options", "--", "echo");

        assertRefused(
                "say",
                List.of("--help"),
                403,
                "argument 1 '--help' starts with '-': command say takes no options on this appliance");
        assertRefused(
                "say",
                List.of("x", "--checkpoint-action=exec=/bin/sh"),
                403,
                "argument 2 '--checkpoint-action=exec=/bin/sh' starts with '-': command say takes no options on this"
                        + " appliance");
        assertRefused(
                "say",
                List.of("-"),
                403,
                "argument 1 '-' starts with '-': command say takes no options on this" + " appliance");
        assertThat(exec("say", List.of("a-b", "x--y")).text()).isEqualTo("a-b x--y\n");

        assertThat(exec("opts", List.of("--help")).status()).isEqualTo(200);
        assertThat(exec("opts", List.of("x", "--checkpoint-action=exec=/bin/sh"))
                        .text())
                .isEqualTo("x --checkpoint-action=exec=/bin/sh\n");
        assertThat(bench.appliance.audit(EventType.COMMAND_REFUSED)).hasSize(3).allSatisfy(r -> assertThat(r.details())
                .containsEntry("name", "say"));
        assertThat(bench.appliance.audit(EventType.COMMAND_ALLOWED)).last().satisfies(r -> assertThat(r.details())
                .containsEntry("allowOptions", true));
        assertThat(bench.appliance.ok("commands list").out())
                .contains("arguments allowed, options too")
                .contains("arguments allowed, no options");

        assertThat(bench.appliance
                        .run("commands add", "--name", "bad", "--allow-options", "--", "echo")
                        .error())
                .isEqualTo("command bad: allowing options needs arguments allowed (--allow-args)");
        assertThat(bench.appliance
                        .run("commands add", "--name", "bad", "--arg-pattern", "1=[a-z]+", "--", "echo")
                        .error())
                .isEqualTo("command bad: argument patterns needs arguments allowed (--allow-args)");
    }

    @Test
    void eachArgumentMustMatchThePatternOfItsPositionAsAWhole() throws Exception {
        bench.appliance.ok(
                "commands add",
                "--name",
                "unit",
                "--allow-args",
                "--arg-pattern",
                "1=[a-z0-9._-]+",
                "--arg-pattern",
                "3=[0-9]{1,3}",
                "--",
                "echo");

        assertThat(exec("unit", List.of("nginx.service", "ANY/thing", "10")).text())
                .isEqualTo("nginx.service ANY/thing 10\n");
        assertRefused(
                "unit",
                List.of("Nginx"),
                403,
                "argument 1 'Nginx' does not match the pattern [a-z0-9._-]+ set for it on this appliance");
        assertRefused(
                "unit",
                List.of("nginx/../x"),
                403, // a partial match is not enough
                "argument 1 'nginx/../x' does not match the pattern [a-z0-9._-]+ set for it on this appliance");
        assertRefused(
                "unit",
                List.of("nginx", "x", "1000"),
                403,
                "argument 3 '1000' does not match the pattern [0-9]{1,3} set for it on this appliance");
        assertThat(bench.appliance.audit(EventType.COMMAND_RUN)).hasSize(1);
        assertThat(bench.appliance.audit(EventType.COMMAND_ALLOWED))
                .singleElement()
                .satisfies(r -> assertThat(r.details())
                        .containsEntry("allowOptions", false)
                        .containsEntry("argPatterns", java.util.Map.of("1", "[a-z0-9._-]+", "3", "[0-9]{1,3}")));
        assertThat(Files.readString(bench.appliance.dir.resolve("commands.json")))
                .contains("\"argPatterns\"")
                .contains("[0-9]{1,3}");
        assertThat(bench.appliance.ok("commands list").out())
                .contains("argument 1 matches [a-z0-9._-]+, argument 3 matches [0-9]{1,3}");

        assertThat(bench.appliance
                        .run("commands add", "--name", "bad", "--allow-args", "--arg-pattern", "1=[a-z", "--", "echo")
                        .error())
                .startsWith("command bad: the pattern of argument 1 is not a valid regular" + " expression: ");
        assertThat(bench.appliance
                        .run("commands add", "--name", "bad", "--allow-args", "--arg-pattern", "0=x", "--", "echo")
                        .error())
                .isEqualTo("command bad: argument position 0 has a pattern (expected: positions" + " 1 to 32)");
        assertThat(bench.appliance
                        .run("commands add", "--name", "bad", "--allow-args", "--arg-pattern", "x=y", "--", "echo")
                        .error())
                .contains("--arg-pattern");
    }

    @Test
    void anUnknownCommandIs404() throws Exception {
        assertRefused("nope", null, 404, "no command named 'nope' is in this appliance's catalogue");
        assertThat(bench.appliance.audit(EventType.COMMAND_REFUSED))
                .singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("name", "nope"));
    }

    @Test
    void aCommandPastItsTimeoutIsKilled() throws Exception {
        bench.appliance.ok("commands add", "--name", "slow", "--timeout", "500ms", "--", "sleep", "30");
        long start = System.nanoTime();
        TestServer.Response response = exec("slow", null);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
        assertThat(response.trailer(LinkProtocol.TRAILER_TIMED_OUT)).isEqualTo("true");
        assertThat(response.trailer(LinkProtocol.TRAILER_EXIT_STATUS)).isEqualTo("137");
        ApplianceAuditRecord run = Eventually.await(
                        "command.run", () -> bench.appliance.audit(EventType.COMMAND_RUN), r -> r.size() == 1)
                .get(0);
        assertThat(run.details()).containsEntry("timedOut", true);
    }

    @Test
    void outputBeyondTheCapIsCutOffAndTheCommandKilled() throws Exception {
        bench.appliance.ok("commands add", "--name", "yes", "--max-output", "100KiB", "--", "yes");
        TestServer.Response response = exec("yes", null);
        assertThat(response.body()).hasSize(100 * 1024);
        assertThat(response.trailer(LinkProtocol.TRAILER_OUTPUT_TRUNCATED)).isEqualTo("true");
        assertThat(response.trailer(LinkProtocol.TRAILER_EXIT_STATUS)).isNotEqualTo("0");
        ApplianceAuditRecord run = Eventually.await(
                        "command.run", () -> bench.appliance.audit(EventType.COMMAND_RUN), r -> r.size() == 1)
                .get(0);
        assertThat(run.details()).containsEntry("truncated", true).containsEntry("bytes", 100 * 1024);
    }

    @Test
    void closingTheStreamKillsTheProcess() throws Exception {
        bench.appliance.ok("commands add", "--name", "wait", "--allow-args", "--", "sleep");
        SessionCredentials credentials =
                bench.engineers.credentials(bench.engineers.alice, SessionBench.SERIAL, SessionBench.TICKET);
        Http2StreamChannel stream = TestServer.open(bench.link, Engineers.exec("wait", List.of("47.125"), credentials))
                .get(10, TimeUnit.SECONDS)
                .stream();
        Eventually.await("sleep 47.125 running", () -> sleepers(), n -> n == 1);
        stream.close().sync();
        Eventually.await("sleep 47.125 gone", () -> sleepers(), n -> n == 0);
        ApplianceAuditRecord run = Eventually.await(
                        "command.run", () -> bench.appliance.audit(EventType.COMMAND_RUN), r -> r.size() == 1)
                .get(0);
        assertThat(run.outcome()).isEqualTo("failure");
        assertThat(run.reason()).startsWith("killed: ");
    }

    @Test
    void theCatalogueIsKeptAndListed() throws Exception {
        bench.appliance.ok(
                "commands add",
                "--name",
                "logs",
                "--timeout",
                "2m",
                "--max-output",
                "1MiB",
                "--",
                "tar",
                "czf",
                "-",
                "/var/log");
        assertThat(bench.appliance.ok("commands list").out())
                .contains("logs")
                .contains("/usr/bin/tar czf - /var/log")
                .contains("2m")
                .contains("1MiB");
        assertThat(bench.appliance.ok("commands list", "--json").out()).contains("\"maxOutputBytes\" : 1048576");
        assertThat(bench.appliance
                        .run("commands add", "--name", "logs", "--", "true")
                        .error())
                .isEqualTo("a command named 'logs' is already in the catalogue: remove it first");
        assertThat(bench.appliance
                        .run("commands add", "--name", "rel", "--", "bin/ls")
                        .error())
                .isEqualTo(
                        "program 'bin/ls' is neither an absolute path nor a name to look up on " + CommandEntry.PATH);
        assertThat(bench.appliance
                        .run("commands add", "--name", "gone", "--", "no-such-program-here")
                        .error())
                .isEqualTo("program no-such-program-here is not found on " + CommandEntry.PATH
                        + ": give its absolute path");
        assertThat(bench.appliance
                        .run("commands add", "--name", "bad name", "--", "true")
                        .error())
                .startsWith("command name 'bad name' is not valid");
        bench.appliance.ok("commands remove", "--name", "logs");
        assertThat(bench.appliance.run("commands remove", "--name", "logs").error())
                .isEqualTo("no command named 'logs' is in the catalogue");
        assertThat(bench.appliance.audit(EventType.COMMAND_ALLOWED))
                .singleElement()
                .satisfies(r -> assertThat(r.actor()).isEqualTo(ApplianceCli.USER));
        assertThat(bench.appliance.audit(EventType.COMMAND_REMOVED)).hasSize(1);
        assertThat(Files.readString(bench.appliance.dir.resolve("commands.json")))
                .contains("\"commands\"");
    }

    private static long sleepers() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains("47.125"))
                        .orElse(false))
                .count();
    }

    /**
     * A support case's token carries the case's scope: the appliance refuses a command outside it even under a
     * ticket its admin connected without a case (the claim narrows; it never widens the appliance's own approval).
     */
    @Test
    void aCaseTokenRunsOnlyTheCommandsOfItsScope() throws Exception {
        bench.appliance.ok("commands add", "--name", "hello", "--", "echo", "hello");
        bench.appliance.ok("commands add", "--name", "other", "--", "echo", "other");
        String token = bench.engineers
                .issuer
                .issue(
                        bench.engineers.alice.certificate(),
                        SessionBench.SERIAL,
                        SessionBench.TICKET,
                        java.time.Duration.ofHours(1),
                        null,
                        new TokenScope("C" + SessionBench.TICKET, List.of(), List.of("hello"), List.of()))
                .serialize();
        SessionCredentials credentials =
                Engineers.credentials(token, SessionBench.TICKET, bench.engineers.alice.certificate());

        TestServer.Response allowed = TestServer.request(
                        bench.link, Engineers.exec("hello", null, credentials), new byte[0])
                .get(20, TimeUnit.SECONDS);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.text()).isEqualTo("hello\n");
        TestServer.Response outside = TestServer.request(
                        bench.link, Engineers.exec("other", null, credentials), new byte[0])
                .get(20, TimeUnit.SECONDS);
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.reason())
                .isEqualTo("command other is outside the scope of case C12345678 (commands: hello)");
        ApplianceAuditRecord refused = Eventually.await(
                        "case.scope-refused",
                        () -> bench.appliance.audit(EventType.CASE_SCOPE_REFUSED),
                        r -> r.size() == 1)
                .get(0);
        assertThat(refused.details()).containsEntry("caseId", "C12345678").containsEntry("label", "outside-case-scope");
        assertThat(bench.appliance.audit(EventType.COMMAND_RUN)).hasSize(1);
    }

    private TestServer.Response exec(String command, List<String> args) throws Exception {
        SessionCredentials credentials =
                bench.engineers.credentials(bench.engineers.alice, SessionBench.SERIAL, SessionBench.TICKET);
        return TestServer.request(bench.link, Engineers.exec(command, args, credentials), new byte[0])
                .get(20, TimeUnit.SECONDS);
    }

    private void assertRefused(String command, List<String> args, int status, String reason) throws Exception {
        TestServer.Response response = exec(command, args);
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.reason()).isEqualTo(reason);
    }
}
