package dev.secureconnect.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering reports as text and HTML from the shipped templates or a folder of overrides. */
class ReportRendererTest {

    private static final ReportRenderer SHIPPED = ReportRenderer.of(Optional.empty());

    @TempDir
    Path folder;

    @Test
    void textReportOfAClosedSession() {
        String text = SHIPPED.render(SessionReport.of("s-connect", Sessions.all()), ReportFormat.TEXT);
        assertThat(text).isEqualTo("""
                Session s-connect: connect 127.0.0.1:22

                  Engineer   alice from 203.0.113.7:50412
                  Appliance  SN-1234
                  Ticket     12345678
                  Started    2025-03-04T10:00:02Z
                  Ended      2025-03-04T10:02:07Z
                  Duration   2m 05s
                  Outcome    success: the engineer closed the stream
                  Traffic    1,234 bytes to the appliance, 56,789 bytes from it

                Actions (2)
                  1. 2025-03-04T10:00:02Z  stream.opened connect 127.0.0.1:22
                  2. 2025-03-04T10:02:07Z  stream.closed after 2m 05s, 1,234 bytes in, 56,789 bytes out — the engineer closed the stream
                """);
    }

    @Test
    void textReportOfAnExecSessionListsEveryAction() {
        String text = SHIPPED.render(SessionReport.of("s-exec", Sessions.all()), ReportFormat.TEXT);
        assertThat(text)
                .startsWith("Session s-exec: exec collect-logs\n")
                .contains(
                        "  Engineer   alice from 203.0.113.7:50412\n",
                        "  Duration   4s\n",
                        "  Outcome    success: exit status 3\n",
                        "  1. 2025-03-04T10:00:30Z  stream.opened exec collect-logs\n",
                        "  2. 2025-03-04T10:00:34Z  command.run collect-logs --since 1h → exit 3 (2,048 bytes of output)\n",
                        "  3. 2025-03-04T10:00:35Z  stream.closed after 4s, 0 bytes in, 2,048 bytes out — exit status 3\n");
    }

    @Test
    void textReportOfAStillOpenSession() {
        String text = SHIPPED.render(SessionReport.of("s-open", Sessions.all()), ReportFormat.TEXT);
        assertThat(text)
                .startsWith("Session s-open: get /var/log/app.log (still open)\n")
                .contains(
                        "  Engineer   bob from 203.0.113.7:50412\n",
                        "  Started    2025-03-04T10:03:20Z\n",
                        "  Ended      not yet: still open\n",
                        "  Duration   -\n",
                        "  Outcome    open\n",
                        "  2. 2025-03-04T10:03:21Z  file.get /var/log/app.log (1,234 bytes, sha256 ab12cd34ef56…)\n",
                        "  3. 2025-03-04T10:03:22Z  file.refused /etc/shadow — /etc/shadow is outside the allowed folders  [failure]\n")
                .doesNotContain("Traffic");
    }

    @Test
    void htmlReportHoldsTheSameFacts() {
        String html = SHIPPED.render(SessionReport.of("s-exec", Sessions.all()), ReportFormat.HTML);
        assertThat(html)
                .startsWith("<!DOCTYPE html>\n")
                .contains(
                        "<title>Session s-exec</title>",
                        "<tr><th>Engineer</th><td>alice from 203.0.113.7:50412</td></tr>",
                        "<tr><th>Appliance</th><td>SN-1234</td></tr>",
                        "<tr><th>Ticket</th><td>12345678</td></tr>",
                        "<tr><th>Started</th><td><time>2025-03-04T10:00:30Z</time></td></tr>",
                        "<tr><th>Ended</th><td><time>2025-03-04T10:00:35Z</time></td></tr>",
                        "<tr><th>Duration</th><td>4s</td></tr>",
                        "<td>command.run collect-logs --since 1h → exit 3 (2,048 bytes of output)</td>",
                        "<td>stream.opened exec collect-logs</td>",
                        "<td>stream.closed after 4s, 0 bytes in, 2,048 bytes out — exit status 3</td>")
                .endsWith("</html>\n");
    }

    @Test
    void htmlEscapesWhatTheRecordsSayButTextDoesNot() {
        Instant time = Instant.parse("2025-03-04T12:00:00Z");
        SessionReport report = SessionReport.of(
                "s-x",
                List.of(
                        new SessionEntry(
                                1,
                                time,
                                EventType.STREAM_OPENED,
                                "success",
                                "<script>alert(1)</script>",
                                "SN-1",
                                "1",
                                "s-x",
                                null,
                                Sessions.details("kind", "get", "target", "/tmp/<script>.log")),
                        new SessionEntry(
                                2,
                                time,
                                EventType.FILE_GET,
                                "success",
                                "x",
                                "SN-1",
                                "1",
                                "s-x",
                                null,
                                Sessions.details("path", "/tmp/<script>.log", "size", "3"))));
        String html = SHIPPED.render(report, ReportFormat.HTML);
        assertThat(html)
                .doesNotContain("<script>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "file.get /tmp/&lt;script&gt;.log (3 bytes)");
        String text = SHIPPED.render(report, ReportFormat.TEXT);
        assertThat(text)
                .contains("Engineer   <script>alert(1)</script>", "file.get /tmp/<script>.log (3 bytes)")
                .doesNotContain("&lt;");
    }

    @Test
    void aTemplateInTheOverrideFolderReplacesTheShippedOne() throws IOException {
        Files.writeString(folder.resolve("session.txt.hbs"), """
                {{sessionId}} by {{engineer}} on {{applianceSerial}}, {{duration duration}}, {{bytes bytesFromAppliance}} out
                {{#each actions}}
                - {{event}} <{{outcome}}>
                {{/each}}
                """);
        ReportRenderer renderer = ReportRenderer.of(Optional.of(folder));
        SessionReport report = SessionReport.of("s-connect", Sessions.all());
        assertThat(renderer.render(report, ReportFormat.TEXT)).isEqualTo("""
                s-connect by alice on SN-1234, 2m 05s, 56,789 bytes out
                - stream.opened <success>
                - stream.closed <success>
                """);
        assertThat(renderer.render(report, ReportFormat.HTML)).isEqualTo(SHIPPED.render(report, ReportFormat.HTML));
    }

    @Test
    void aBrokenOverrideTemplateIsReportedWithItsFileAndLine() throws IOException {
        Path broken = folder.resolve("session.html.hbs");
        Files.writeString(broken, "<h1>{{sessionId}}</h1>\n{{#each actions}}\n<p>{{summary}}</p>\n");
        assertThatThrownBy(() -> ReportRenderer.of(Optional.of(folder)))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("template " + broken + " does not compile: line ")
                .message()
                .doesNotContain("\n");
    }

    @Test
    void anOverrideTemplateFailingWhileRenderingIsReportedWithItsFile() throws IOException {
        Path template = folder.resolve("session.txt.hbs");
        Files.writeString(template, "{{sessionId}}\n{{duration engineer}}\n");
        ReportRenderer renderer = ReportRenderer.of(Optional.of(folder));
        assertThatThrownBy(() -> renderer.render(SessionReport.of("s-connect", Sessions.all()), ReportFormat.TEXT))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("template " + template + " cannot be rendered: line 2")
                .hasMessageEndingWith(": duration: alice is not a duration");
    }

    @Test
    void aMissingOverrideFolderIsAnError() {
        Path missing = folder.resolve("nowhere");
        assertThatThrownBy(() -> ReportRenderer.of(Optional.of(missing)))
                .isInstanceOf(ReportException.class)
                .hasMessage("the template folder " + missing + " does not exist");
    }

    @Test
    void formatsAreParsedByName() {
        assertThat(ReportFormat.parse("text")).isEqualTo(ReportFormat.TEXT);
        assertThat(ReportFormat.parse("HTML")).isEqualTo(ReportFormat.HTML);
        assertThat(ReportFormat.HTML.templateFile()).isEqualTo("session.html.hbs");
        assertThatThrownBy(() -> ReportFormat.parse("pdf"))
                .isInstanceOf(ReportException.class)
                .hasMessage("unknown report format 'pdf' (expected: text or html)");
    }
}
