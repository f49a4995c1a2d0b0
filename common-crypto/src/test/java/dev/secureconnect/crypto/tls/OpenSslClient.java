package dev.secureconnect.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the real {@code openssl s_client} (/usr/bin/openssl) as a peer: its standard input is a pipe the test
 * writes to and closes, its output (stdout and stderr together) goes to a file read at the end, and every wait is
 * bounded. A missing openssl fails the test.
 */
final class OpenSslClient implements AutoCloseable {

    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Duration EXIT_WAIT = Duration.ofSeconds(20);

    /** What s_client printed and how it exited. */
    record Result(int exitCode, String output) {}

    private final Process process;
    private final Path output;
    private final List<String> command;

    private OpenSslClient(List<String> command, Path output, Process process) {
        this.command = command;
        this.output = output;
        this.process = process;
    }

    /** Starts {@code openssl s_client -connect 127.0.0.1:port args…}. */
    static OpenSslClient start(int port, List<String> args) {
        assertThat(Files.isExecutable(OPENSSL))
                .as("%s is installed (the interoperability tests need it)", OPENSSL)
                .isTrue();
        List<String> command =
                new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(args);
        try {
            Path output = Files.createTempFile("s_client-", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            return new OpenSslClient(command, output, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Runs s_client with {@code input} on its standard input, then end of input, and waits for it to exit. */
    static Result run(int port, List<String> args, String input) {
        try (OpenSslClient client = start(port, args)) {
            client.send(input);
            client.closeInput();
            return client.awaitExit();
        }
    }

    void send(String text) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            // s_client may already have exited (a refused handshake): what it printed tells the story
        }
    }

    void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // as above
        }
    }

    Result awaitExit() {
        try {
            if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not exit within " + EXIT_WAIT + "; it printed:\n" + printed());
            }
            return new Result(process.exitValue(), printed());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for openssl", e);
        }
    }

    private String printed() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read the output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }
}
