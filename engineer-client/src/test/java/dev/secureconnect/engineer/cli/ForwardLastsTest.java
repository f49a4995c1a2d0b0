package dev.secureconnect.engineer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.engineer.testing.EngineerCli;
import dev.secureconnect.engineer.testing.IdentityFiles;
import dev.secureconnect.engineer.testing.TestEngineerServer;
import dev.secureconnect.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forward} under load and across a server that goes away: parallel bulk connections arrive intact; when the
 * server stops, the connections in flight end with one line each and the port stays open; once it listens again the
 * connection is made again, and a connection made meanwhile waits for it.
 */
class ForwardLastsTest {

    private static final Pattern FORWARDING = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) -> SN-1:22\\n");
    private static final int BULK_BYTES = 4 * 1024 * 1024; // two stream windows

    @TempDir
    Path dir;

    private TestEngineerServer server;
    private IdentityFiles files;
    private EngineerCli cli;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final StringBuffer err = new StringBuffer();
    private final AtomicInteger exit = new AtomicInteger(-1);
    private Thread forward;
    private int port;

    @BeforeEach
    void forward() throws Exception {
        server = TestEngineerServer.start(dir);
        files = IdentityFiles.write(dir.resolve("alice"), "alice");
        cli = new EngineerCli(dir.resolve("home")).loggedInWithToken(server, files);
        forward = new Thread(() -> exit.set(cli.runLive(
                stdout,
                err,
                "forward",
                "--token-passphrase-file",
                files.tokenPassphrase().toString(),
                "SN-1",
                "22")));
        forward.start();
        Eventually.within(
                Duration.ofSeconds(15),
                "the forwarding line",
                () -> FORWARDING
                                .matcher(stdout.toString(StandardCharsets.UTF_8))
                                .find()
                        || exit.get() >= 0);
        Matcher line = FORWARDING.matcher(stdout.toString(StandardCharsets.UTF_8));
        assertThat(line.find()).as(stdout + " / " + err).isTrue();
        port = Integer.parseInt(line.group(1));
    }

    @AfterEach
    void stop() throws Exception {
        forward.interrupt();
        forward.join(10_000);
        assertThat(forward.isAlive()).isFalse();
        server.close();
    }

    @Test
    void fourParallelBulkConnectionsArriveIntact() throws Exception {
        List<CompletableFuture<String>> echoed = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] bytes = new byte[BULK_BYTES];
            new Random(i).nextBytes(bytes);
            sent.add(sha256(bytes));
            echoed.add(CompletableFuture.supplyAsync(() -> echo(bytes)));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(echoed.get(i).get(120, TimeUnit.SECONDS))
                    .as("connection " + i)
                    .isEqualTo(sent.get(i));
        }
        assertThat(err.toString()).isEmpty();
        assertThat(exit.get()).isEqualTo(-1); // still forwarding
    }

    @Test
    void theForwardOutlivesTheServerAndConnectsAgain() throws Exception {
        try (Socket inFlight = new Socket("127.0.0.1", port)) {
            inFlight.setSoTimeout(10_000);
            inFlight.getOutputStream().write("before".getBytes(StandardCharsets.UTF_8));
            assertThat(inFlight.getInputStream().readNBytes(6)).isEqualTo("before".getBytes(StandardCharsets.UTF_8));

            server.stopListening();
            assertThat(readToEnd(inFlight.getInputStream())).isEqualTo(-1);
        }
        Eventually.within(Duration.ofSeconds(10), "the line for the connection in flight", () -> err.toString()
                .contains("ended: the connection to the server at " + server.address() + " closed"));
        assertThat(err.toString())
                .contains("sc-engineer: the connection to the server at " + server.address()
                        + " closed: connecting again\n");
        assertThat(exit.get()).isEqualTo(-1); // the port stays open

        // a connection made while the server is away waits for it
        try (Socket waiting = new Socket("127.0.0.1", port)) {
            waiting.setSoTimeout(20_000);
            waiting.getOutputStream().write("during".getBytes(StandardCharsets.UTF_8));
            server.listenAgain();
            assertThat(waiting.getInputStream().readNBytes(6)).isEqualTo("during".getBytes(StandardCharsets.UTF_8));
        }
        Eventually.within(Duration.ofSeconds(10), "the line saying it connected again", () -> err.toString()
                .contains("sc-engineer: connected to the server at " + server.address()));
        byte[] after = "after the server came back".repeat(1000).getBytes(StandardCharsets.UTF_8);
        assertThat(echo(after)).isEqualTo(sha256(after));
        assertThat(exit.get()).isEqualTo(-1);
    }

    /** Sends {@code bytes} through the forward while reading the echo; the echo's SHA-256. */
    private String echo(byte[] bytes) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int offset = 0; offset < bytes.length; offset += 64 * 1024) {
                        out.write(bytes, offset, Math.min(64 * 1024, bytes.length - offset));
                    }
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, read);
            }
            sending.get(60, TimeUnit.SECONDS);
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Reads until the end of the stream or a reset; -1 either way. */
    private static int readToEnd(InputStream in) {
        try {
            while (in.read() != -1) {
                // what was on the way
            }
        } catch (IOException e) {
            // reset: ended too
        }
        return -1;
    }

    private static String sha256(byte[] bytes) {
        return TestEngineerServer.sha256(bytes);
    }
}
