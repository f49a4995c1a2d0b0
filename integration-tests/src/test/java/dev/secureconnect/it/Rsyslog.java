package dev.secureconnect.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real, unprivileged {@code rsyslogd -n} as a SIEM's receiver: one {@code imtcp} input per {@link Input}, plain TCP
 * or TLS (RFC 5425, the {@code ossl} stream driver, no client authentication), each writing the raw messages it
 * receives, one a line, to its own file. Port 0 lets rsyslog pick the port, which it writes to a file
 * ({@code listenPortFileName}); {@link #port} reads it.
 */
final class Rsyslog implements AutoCloseable {

    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
    /** How long rsyslogd has to write its listening ports. */
    static final Duration STARTUP = Duration.ofSeconds(30);
    /** Where distributions put rsyslog's loadable modules ({@code imtcp.so}, {@code lmnsd_ossl.so}). */
    private static final List<String> MODULE_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu/rsyslog",
            "/usr/lib/aarch64-linux-gnu/rsyslog",
            "/usr/lib64/rsyslog",
            "/usr/lib/rsyslog");

    /** One listener: a name (its files are named after it), the port (0: any) and, for TLS, its certificate. */
    record Input(String name, int port, Tls tls) {
        Input {
            requireNonNull(name, "name");
            if (!name.matches("[a-z0-9]+")) {
                throw new IllegalArgumentException("name: " + name + " (expected: [a-z0-9]+)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
        }

        static Input tcp(String name, int port) {
            return new Input(name, port, null);
        }

        static Input tls(String name, int port, Tls tls) {
            return new Input(name, port, requireNonNull(tls, "tls"));
        }
    }

    /** PEM files for a TLS input: the certificate followed by its issuing CA, its key, and the CA to trust. */
    record Tls(Path certificateAndChain, Path key, Path ca) {
        Tls {
            requireNonNull(certificateAndChain, "certificateAndChain");
            requireNonNull(key, "key");
            requireNonNull(ca, "ca");
        }
    }

    final Path dir;
    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Process process;

    private Rsyslog(Path dir, List<Input> inputs) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        inputs.forEach(input -> this.inputs.put(input.name(), input));
        Path conf = Files.writeString(dir.resolve("rsyslog.conf"), config(), StandardCharsets.UTF_8);
        process = new ProcessBuilder(
                        RSYSLOGD.toString(),
                        "-n",
                        "-f",
                        conf.toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("rsyslogd.out").toFile()))
                .start();
        try {
            for (Input input : inputs) {
                ports.put(input.name(), awaitPort(input));
            }
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Starts rsyslogd in {@code dir} with these inputs and waits (bounded) until each one listens. */
    static Rsyslog start(Path dir, Input... inputs) throws IOException, InterruptedException {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("inputs: none (expected: at least one)");
        }
        return new Rsyslog(dir, List.of(inputs));
    }

    static boolean installed() {
        return Files.isExecutable(RSYSLOGD) && hasModule("imtcp.so");
    }

    /** Whether the OpenSSL stream driver (Debian package rsyslog-openssl) is there too. */
    static boolean tlsInstalled() {
        return installed() && hasModule("lmnsd_ossl.so");
    }

    private static boolean hasModule(String file) {
        return MODULE_DIRS.stream().anyMatch(dir -> Files.exists(Path.of(dir, file)));
    }

    int port(String input) {
        Integer port = ports.get(input);
        if (port == null) {
            throw new IllegalArgumentException("input: " + input + " (expected one of " + ports.keySet() + ")");
        }
        return port;
    }

    /** The messages an input received so far, one a line (a last line still being written is left out). */
    List<String> lines(String input) {
        port(input);
        Path file = dir.resolve(input + ".log");
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : text.substring(0, end).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What rsyslogd printed (errors about its configuration or TLS handshakes). */
    String output() {
        try {
            Path out = dir.resolve("rsyslogd.out");
            return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read rsyslogd.out: " + e.getMessage() + ")";
        }
    }

    /** Stops rsyslogd: SIGTERM, then SIGKILL if it has not ended within 5 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private String config() {
        List<String> lines = new ArrayList<>();
        lines.add("global(workDirectory=\"" + dir + "\" maxMessageSize=\"64k\")");
        lines.add("module(load=\"imtcp\")");
        lines.add("template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")");
        for (Input input : inputs.values()) {
            StringBuilder line = new StringBuilder("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"")
                    .append(input.port())
                    .append("\" listenPortFileName=\"")
                    .append(portFile(input))
                    .append("\" ruleset=\"")
                    .append(input.name())
                    .append('"');
            if (input.tls() != null) {
                line.append(" streamDriver.name=\"ossl\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\"")
                        .append(" streamDriver.CAFile=\"")
                        .append(input.tls().ca())
                        .append("\" streamDriver.CertFile=\"")
                        .append(input.tls().certificateAndChain())
                        .append("\" streamDriver.KeyFile=\"")
                        .append(input.tls().key())
                        .append('"');
            }
            lines.add(line.append(')').toString());
            lines.add("ruleset(name=\"" + input.name() + "\") {");
            lines.add("  action(type=\"omfile\" file=\"" + dir.resolve(input.name() + ".log") + "\" template=\"raw\""
                    + " flushOnTXEnd=\"on\")");
            lines.add("}");
        }
        lines.add("");
        return String.join("\n", lines);
    }

    private Path portFile(Input input) {
        return dir.resolve(input.name() + ".port");
    }

    /**
     * The port an input listens on, once it does: rsyslog writes {@code listenPortFileName} only for port 0, so a
     * given port is probed with a connection that sends nothing (rsyslog logs no message for it).
     */
    private int awaitPort(Input input) throws IOException, InterruptedException {
        Path file = portFile(input);
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (input.port() != 0 && accepts(input.port())) {
                return input.port();
            }
            if (input.port() == 0 && Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!text.isEmpty()) {
                    return Integer.parseInt(text);
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("rsyslogd exited with " + process.exitValue() + ": " + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("rsyslogd did not listen on input " + input.name() + " within " + STARTUP.toSeconds()
                + " s: " + output());
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
