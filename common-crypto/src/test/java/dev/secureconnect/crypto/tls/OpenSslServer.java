package dev.secureconnect.crypto.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_server} on 127.0.0.1 and a port of the system's choosing, for one connection: a real TLS server
 * that can be told to do what SecureConnect's listeners never do (sign its ServerKeyExchange with SHA-1).
 */
final class OpenSslServer implements AutoCloseable {

    private static final Pattern ACCEPT = Pattern.compile("^ACCEPT 127\\.0\\.0\\.1:(\\d+)$");

    private final Process process;
    private final int port;

    private OpenSslServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code openssl s_server -accept 127.0.0.1:0 -naccept 1 args…} and waits for its port. */
    static OpenSslServer start(List<String> args) {
        List<String> command = new ArrayList<>(
                List.of(OpenSslClient.OPENSSL.toString(), "s_server", "-accept", "127.0.0.1:0", "-naccept", "1"));
        command.addAll(args);
        Process process;
        try {
            // its standard input stays open: s_server ends at end of input
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuilder printed = new StringBuilder();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            synchronized (printed) {
                                printed.append(line).append('\n');
                            }
                            Matcher accept = ACCEPT.matcher(line);
                            if (accept.matches()) {
                                port.complete(Integer.parseInt(accept.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                    port.completeExceptionally(new IllegalStateException("s_server ended"));
                },
                "s_server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new OpenSslServer(process, port.get(TlsFixtures.WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            synchronized (printed) {
                throw new AssertionError(command + " did not start listening; it printed:\n" + printed, e);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting s_server", e);
        }
    }

    int port() {
        assertThat(port).isPositive();
        return port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
