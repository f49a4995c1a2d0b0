package dev.secureconnect.appliance.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.events.EventType;
import dev.secureconnect.testing.PkiFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit report} and {@code audit sessions}: a real appliance directory whose audit log holds sessions written
 * the way the daemon writes them, read back through the command line.
 */
class AuditReportCommandTest {

    private static final String SERIAL = "SN-REPORT-1";
    private static final String TICKET = "12345678";
    private static final String TOKEN = "5f0c9a52-1e0b-4c33-9a6e-0a4a3c5c2d10";
    private static final Instant T0 = Instant.parse("2025-03-04T10:00:00Z");

    @TempDir
    Path work;

    private Path dir;

    @BeforeEach
    void applianceWithSessions() {
        dir = work.resolve("appliance");
        ApplianceCli.ok(PkiFiles.appliance(work.resolve("issued"), SERIAL).initArgs(dir, "a.example:1"));
        append(
                0,
                ApplianceAuditEvent.of(EventType.SECURECONNECT_ENABLED, ApplianceCli.USER)
                        .build());
        append(
                1,
                ApplianceAuditEvent.of(EventType.TICKET_CONNECTED, ApplianceCli.USER)
                        .ticket(TICKET)
                        .build());
        // an ssh session relayed for 2m 05s
        append(
                10,
                session(EventType.STREAM_OPENED, "alice", "s-ssh", "connect", "127.0.0.1:22")
                        .reason("service ssh")
                        .build());
        // a command run while it is open
        append(
                20,
                session(EventType.STREAM_OPENED, "alice", "s-exec", "exec", "collect-logs")
                        .reason("command collect-logs")
                        .build());
        append(
                24,
                session(EventType.COMMAND_RUN, "alice", "s-exec", "exec", "collect-logs")
                        .detail("name", "collect-logs")
                        .detail("args", List.of("--since", "1h"))
                        .detail("exitStatus", 3)
                        .detail("bytes", 2048L)
                        .detail("truncated", false)
                        .detail("timedOut", false)
                        .build());
        append(
                24,
                session(EventType.STREAM_CLOSED, "alice", "s-exec", "exec", "collect-logs")
                        .bytes(0, 2048)
                        .detail("durationMs", 4200L)
                        .reason("exit status 3")
                        .build());
        append(
                135,
                session(EventType.STREAM_CLOSED, "alice", "s-ssh", "connect", "127.0.0.1:22")
                        .bytes(1234, 56789)
                        .detail("durationMs", 125000L)
                        .reason("the engineer closed the stream")
                        .build());
        // a file fetched in a session still open, and a refused session
        append(
                200,
                session(EventType.STREAM_OPENED, "bob", "s-get", "get", "/var/log/<app>.log")
                        .reason("file /var/log/<app>.log")
                        .build());
        append(
                201,
                session(EventType.FILE_GET, "bob", "s-get", "get", "/var/log/<app>.log")
                        .detail("path", "/var/log/<app>.log")
                        .detail("size", 1234L)
                        .detail("sha256", "ab12cd34ef567890ab12cd34ef567890ab12cd34ef567890ab12cd34ef567890")
                        .build());
        append(
                300,
                ApplianceAuditEvent.of(EventType.STREAM_REFUSED, "server")
                        .ticket(TICKET)
                        .session("s-refused")
                        .target("10.0.0.1:22")
                        .detail("kind", "connect")
                        .detail("status", 403)
                        .refused("host 10.0.0.1 is not this appliance's loopback address")
                        .build());
    }

    @Test
    void aSessionAsText() {
        ApplianceCli.Result result = ApplianceCli.ok("audit", "report", "--dir", dir.toString(), "s-exec");
        assertThat(result.out()).isEqualTo("""
                Session s-exec: exec collect-logs

                  Engineer   alice
                  Appliance  SN-REPORT-1
                  Ticket     12345678
                  Started    2025-03-04T10:00:20Z
                  Ended      2025-03-04T10:00:24Z
                  Duration   4s
                  Outcome    success: exit status 3
                  Traffic    0 bytes to the appliance, 2,048 bytes from it

                Actions (3)
                  1. 2025-03-04T10:00:20Z  stream.opened exec collect-logs — command collect-logs
                  2. 2025-03-04T10:00:24Z  command.run collect-logs --since 1h → exit 3 (2,048 bytes of output)
                  3. 2025-03-04T10:00:24Z  stream.closed after 4s, 0 bytes in, 2,048 bytes out — exit status 3
                """);
    }

    @Test
    void aConnectSessionWithItsBytesAndAnOpenOne() {
        assertThat(ApplianceCli.ok("audit", "report", "--dir", dir.toString(), "s-ssh", "--format", "text")
                        .out())
                .startsWith("Session s-ssh: connect 127.0.0.1:22\n")
                .contains(
                        "  Duration   2m 05s\n",
                        "  Ended      2025-03-04T10:02:15Z\n",
                        "  Traffic    1,234 bytes to the appliance, 56,789 bytes from it\n",
                        "  2. 2025-03-04T10:02:15Z  stream.closed after 2m 05s, 1,234 bytes in, 56,789 bytes out — the"
                                + " engineer closed the stream\n");
        assertThat(ApplianceCli.ok("audit", "report", "--dir", dir.toString(), "s-get")
                        .out())
                .startsWith("Session s-get: get /var/log/<app>.log (still open)\n")
                .contains(
                        "  Engineer   bob\n",
                        "  Ended      not yet: still open\n",
                        "  2. 2025-03-04T10:03:21Z  file.get /var/log/<app>.log (1,234 bytes, sha256 ab12cd34ef56…)\n");
    }

    @Test
    void aSessionAsHtml() {
        String html = ApplianceCli.ok("audit", "report", "--dir", dir.toString(), "s-get", "--format", "html")
                .out();
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains(
                        "<tr><th>Engineer</th><td>bob</td></tr>",
                        "<tr><th>Appliance</th><td>SN-REPORT-1</td></tr>",
                        "<tr><th>Ticket</th><td>12345678</td></tr>",
                        "<td>file.get /var/log/&lt;app&gt;.log (1,234 bytes, sha256 ab12cd34ef56…)</td>")
                .doesNotContain("<app>");
    }

    @Test
    void theSessionsOfTheLog() {
        String out =
                ApplianceCli.ok("audit", "sessions", "--dir", dir.toString()).out();
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0))
                .startsWith("SESSION")
                .contains("STARTED", "ENGINEER", "TICKET", "KIND", "TARGET", "STATUS");
        assertThat(lines.get(1))
                .startsWith("s-ssh")
                .contains("2025-03-04T10:00:10Z", "alice", TICKET, "connect", "127.0.0.1:22", "ended: success");
        assertThat(lines.get(2)).startsWith("s-exec").contains("exec", "collect-logs", "ended: success");
        assertThat(lines.get(3)).startsWith("s-get").contains("bob", "get", "open");
        assertThat(lines.get(4)).startsWith("s-refused").contains("server", "10.0.0.1:22", "ended: refused");
    }

    @Test
    void anUnknownSessionIsOneLineAndExitOne() {
        ApplianceCli.Result result = ApplianceCli.run("audit", "report", "--dir", dir.toString(), "s-nope");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.error())
                .isEqualTo("no audit record carries session s-nope in " + dir.toAbsolutePath()
                        + "/audit.log: 'sc-appliance audit sessions --dir " + dir + "' lists the sessions it records");
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        ApplianceCli.Result result =
                ApplianceCli.run("audit", "report", "--dir", dir.toString(), "s-exec", "--format", "pdf");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.error()).contains("unknown report format 'pdf' (expected: text or html)");
    }

    @Test
    void aTemplateFolderReplacesTheShippedTemplate() throws IOException {
        Path templates = Files.createDirectories(work.resolve("templates"));
        Files.writeString(
                templates.resolve("session.txt.hbs"),
                "{{applianceSerial}} {{sessionId}} {{engineer}} {{duration duration}}\n");
        assertThat(ApplianceCli.ok(
                                "audit",
                                "report",
                                "--dir",
                                dir.toString(),
                                "s-ssh",
                                "--templates",
                                templates.toString())
                        .out())
                .isEqualTo("SN-REPORT-1 s-ssh alice 2m 05s\n");

        Path broken = templates.resolve("session.html.hbs");
        Files.writeString(broken, "<h1>{{sessionId}</h1>\n");
        ApplianceCli.Result result = ApplianceCli.run(
                "audit", "report", "--dir", dir.toString(), "s-ssh", "--templates", templates.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.error()).startsWith("template " + broken + " does not compile: line 1, column ");
    }

    @Test
    void aLogWithoutSessions() {
        Path empty = work.resolve("empty");
        ApplianceCli.ok(
                PkiFiles.appliance(work.resolve("issued-2"), "SN-REPORT-2").initArgs(empty, "a.example:1"));
        assertThat(ApplianceCli.ok("audit", "sessions", "--dir", empty.toString())
                        .out())
                .isEqualTo("the audit log records no support session\n");
    }

    private static ApplianceAuditEvent.Builder session(
            EventType type, String engineer, String id, String kind, String target) {
        return ApplianceAuditEvent.of(type, engineer)
                .ticket(TICKET)
                .session(id)
                .target(target)
                .detail("kind", kind)
                .detail("tokenId", TOKEN);
    }

    private void append(int second, ApplianceAuditEvent event) {
        new ApplianceAuditLog(ApplianceDirectory.open(dir), Clock.fixed(T0.plusSeconds(second), ZoneOffset.UTC))
                .append(event);
    }
}
