package dev.secureconnect.export.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secureconnect.export.TestEvents;
import dev.secureconnect.export.format.MessageFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real rsyslogd (imtcp on a port of the system's choosing) receives RFC 5424 messages over TCP. */
class RsyslogInteropTest {

    private static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");

    @TempDir
    Path dir;

    private Process rsyslogd;

    @Test
    void rsyslogReceivesEveryMessageWithItsSequenceNumber() throws Exception {
        assumeTrue(Files.isExecutable(RSYSLOGD), "rsyslogd is not installed");
        Path portFile = dir.resolve("imtcp.port");
        Path out = dir.resolve("received.log");
        Path conf = Files.writeString(
                dir.resolve("rsyslog.conf"),
                String.join(
                        "\n",
                        "global(workDirectory=\"" + dir + "\")",
                        "module(load=\"imtcp\")",
                        "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"0\" listenPortFileName=\"" + portFile
                                + "\" ruleset=\"export\")",
                        "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")",
                        "ruleset(name=\"export\") {",
                        "  action(type=\"omfile\" file=\"" + out + "\" template=\"raw\" flushOnTXEnd=\"on\")",
                        "}",
                        ""));
        rsyslogd = new ProcessBuilder(
                        RSYSLOGD.toString(),
                        "-n",
                        "-f",
                        conf.toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslogd.out").toFile())
                .start();
        String port = waitFor(portFile, text -> !text.isBlank()).trim();

        SyslogSettings settings =
                SyslogSettings.of(SyslogTransport.TCP, "127.0.0.1", Integer.parseInt(port), MessageFormat.RFC5424);
        try (SyslogDestination destination = new SyslogDestination(settings, TestEvents.ORIGIN)) {
            destination.deliver(List.of(TestEvents.withSeq(1), TestEvents.withSeq(2), TestEvents.nasty()));
        }

        List<String> lines =
                waitFor(out, text -> text.lines().count() >= 3).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .isEqualTo(MessageFormat.RFC5424.syslogMessage(TestEvents.withSeq(1), TestEvents.ORIGIN, 13));
        assertThat(lines.get(1)).contains("seq=\"2\"");
        assertThat(lines.get(2)).contains("seq=\"7\"").contains("login.failed");
    }

    @AfterEach
    void stopRsyslog() throws InterruptedException {
        if (rsyslogd != null) {
            rsyslogd.destroy();
            if (!rsyslogd.waitFor(5, TimeUnit.SECONDS)) {
                rsyslogd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The file's text once {@code ready} accepts it, polling for at most {@link FrameReceiver#WAIT}. */
    private String waitFor(Path file, Predicate<String> ready) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + FrameReceiver.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (ready.test(text)) {
                    return text;
                }
            }
            if (!rsyslogd.isAlive()) {
                fail(
                        "rsyslogd exited with %d: %s",
                        rsyslogd.exitValue(), Files.readString(dir.resolve("rsyslogd.out")));
            }
            Thread.sleep(50);
        }
        return fail(
                "%s not ready within %s; rsyslogd said: %s",
                file, FrameReceiver.WAIT, Files.readString(dir.resolve("rsyslogd.out")));
    }
}
