package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.engineer.testing.EngineerCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scp-like progress line of get and put: drawn on a terminal only. */
class ProgressLineTest {

    @Test
    void formatsPercentBytesRateAndTimeLeft() {
        assertThat(ProgressLine.format("app.log", 4 * 1024 * 1024 + 200 * 1024, 10 * 1024 * 1024, 2.0, false))
                .isEqualTo("app.log   41%  4.2 MiB  2.1 MiB/s  00:03 ETA");
        assertThat(ProgressLine.format("app.log", 10 * 1024 * 1024, 10 * 1024 * 1024, 4.2, true))
                .isEqualTo("app.log  100%  10.0 MiB  2.4 MiB/s  00:05    ");
        assertThat(ProgressLine.format("x", 0, 100, 0, false)).isEqualTo("x    0%  0 B  0 B/s  --:-- ETA");
        assertThat(ProgressLine.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
    }

    @Test
    void redrawsAtMostEveryFifthOfASecondAndEndsTheLine() {
        StringWriter err = new StringWriter();
        AtomicLong nanos = new AtomicLong();
        ProgressLine line = ProgressLine.drawnOn(new PrintWriter(err), "f", 1000, nanos::get);
        line.add(100); // too soon: not drawn
        nanos.addAndGet(250_000_000L);
        line.add(100);
        nanos.addAndGet(100_000_000L);
        line.add(100); // too soon again
        line.finish();
        assertThat(err.toString())
                .isEqualTo("\rf   20%  200 B  800 B/s  00:01 ETA\rf   30%  300 B  857 B/s  00:01    "
                        + System.lineSeparator());
    }

    @Test
    void drawsNothingWhenNotOnATerminal() throws Exception {
        StringWriter err = new StringWriter();
        Console console = Console.of(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintWriter(err),
                Clock.systemUTC(),
                Path.of("/nonexistent"),
                EngineerCli.NO_TERMINAL,
                EngineerCli.TEST_TIMEOUTS);
        assertThat(console.terminal()).isFalse();
        ProgressLine line = ProgressLine.start(console, "f", 10);
        line.counting(new ByteArrayInputStream(new byte[10])).readAllBytes();
        line.finish();
        assertThat(err.toString()).isEmpty();
    }
}
