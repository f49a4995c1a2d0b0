package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.testing.Eventually;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link end to end: a support server (in this JVM, for its internal stream API) and a real {@code sc-appliance}
 * daemon process, enrolled and connected with its admin commands, over mutual TLS on 127.0.0.1.
 */
class LinkIT {

    private static final AtomicInteger SERIALS = new AtomicInteger();

    @TempDir
    Path root;

    ServerUnderTest server;
    LocalServices services;
    ApplianceProcess appliance;
    String ticket;

    @BeforeEach
    void connect() throws Exception {
        server = new ServerUnderTest(root);
        services = new LocalServices();
        appliance = new ApplianceProcess(
                root, "SN-IT-" + SERIALS.incrementAndGet(), server.appliancePort(), server.publicTokenKey());
        appliance.admin("services add", "--name", "echo", "--port", Integer.toString(services.echo.getLocalPort()));
        appliance.admin("services add", "--name", "sha256", "--port", Integer.toString(services.sha256.getLocalPort()));
        Integer window = Integer.getInteger("it.streamWindow"); // for measuring throughput against window size
        if (window != null) {
            appliance.streamWindow(window);
        }
        appliance.start();
        appliance.admin("enable");
        ticket = server.openTicket("link test", appliance.serial);
        appliance.admin("connect", "--ticket", ticket);
        Eventually.within(
                Duration.ofSeconds(5),
                "the server lists " + appliance.serial + " online with ticket " + ticket,
                () -> server.online(appliance.serial, ticket));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (appliance != null) {
            appliance.close();
        }
        if (server != null) {
            server.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void bothCommandLinesShowTheConnection() throws Exception {
        Launcher.Result listed = Launcher.run("sc-server", "appliances", "--dir", server.dir.toString(), "--json");
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        JsonNode row = findSerial(new ObjectMapper().readTree(listed.out()), appliance.serial);
        assertThat(row.path("online").asBoolean()).isTrue();
        assertThat(row.path("tickets").toString()).contains(ticket);
        assertThat(row.path("services").toString()).contains("echo");

        JsonNode status = appliance.status();
        assertThat(status.path("enabled").asBoolean()).isTrue();
        assertThat(status.path("link").path("state").asText()).isEqualTo("connected");
        assertThat(status.path("connections").toString()).contains(ticket).contains("accepted");
    }

    @Test
    void oneGibibyteThroughOneStreamArrivesIntact() throws Exception {
        try (FrontDoor door = new FrontDoor(server, appliance.serial, ticket, services.sha256.getLocalPort());
                Socket socket = new Socket("127.0.0.1", door.port())) {
            socket.setSoTimeout(300_000);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            SplittableRandom random = new SplittableRandom(42);
            OutputStream out = socket.getOutputStream();
            long total = 1L << 30;
            long started = System.nanoTime();
            for (long written = 0; written < total; written += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        chunk[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                sent.update(chunk);
                out.write(chunk);
            }
            out.flush();
            socket.shutdownOutput();
            byte[] received = socket.getInputStream().readNBytes(32);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "1 GiB through one stream: %.1f s, %.1f MB/s (appliance stream window %s)%n",
                    seconds, total / 1e6 / seconds, Integer.getInteger("it.streamWindow", 1 << 20));
            assertThat(received)
                    .as("SHA-256 computed by the appliance-side service")
                    .isEqualTo(sent.digest());
        }
        Eventually.within(
                Duration.ofSeconds(10), "stream.closed audited with the byte counts", () -> server.audit().stream()
                        .anyMatch(r -> r.event().type() == EventType.STREAM_CLOSED
                                && String.valueOf(1L << 30)
                                        .equals(r.event().details().get("bytesToAppliance"))));
    }

    @Test
    void hundredConcurrentStreamsOnOneLink() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(100);
        try (FrontDoor door = new FrontDoor(server, appliance.serial, ticket, services.echo.getLocalPort())) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int seed = i;
                results.add(clients.submit(() -> echoes(door.port(), 128 * 1024, seed)));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void applianceComesBackByItselfAfterAServerRestart() throws Exception {
        server.restartOnSamePort();
        Eventually.within(
                Duration.ofSeconds(90),
                "the appliance reconnects to the restarted server and it is audited",
                () -> server.online(appliance.serial, ticket)
                        && server.audit().stream()
                                        .filter(r -> r.event().type() == EventType.APPLIANCE_CONNECTED)
                                        .filter(r -> appliance.serial.equals(
                                                r.event().applianceSerial()))
                                        .count()
                                >= 2);
    }

    @Test
    void disableIsAKillSwitchThatSurvivesARestart() throws Exception {
        appliance.admin("disable");
        Eventually.within(
                Duration.ofSeconds(2),
                "the server shows the appliance offline",
                () -> server.offline(appliance.serial));
        Eventually.within(Duration.ofSeconds(5), "the server audits why the link ended", () -> server.audit().stream()
                .anyMatch(r -> r.event().type() == EventType.APPLIANCE_DISCONNECTED
                        && String.valueOf(r.event().details().get("reason"))
                                .startsWith("peer: SecureConnect disabled by ")));
        appliance.stop();
        appliance.start();
        JsonNode status = appliance.status();
        assertThat(status.path("enabled").asBoolean()).isFalse();
        assertThat(status.path("link").path("state").asText()).isEqualTo("disabled");
        // it stays off: no link is attempted (the server would list it online again)
        Thread.sleep(3000); // a quiet period long enough for a reconnect attempt (the first back-off is 1 s)
        assertThat(server.offline(appliance.serial)).isTrue();
    }

    @Test
    void refusedTargetsAreNeverDialled() throws Exception {
        int trap = services.trap.getLocalPort();
        try (FrontDoor door = new FrontDoor(server, appliance.serial, ticket, trap);
                Socket socket = new Socket("127.0.0.1", door.port())) {
            socket.setSoTimeout(20_000);
            assertThat(socket.getInputStream().read())
                    .as("the refused stream is closed")
                    .isEqualTo(-1);
            Throwable refusal = door.nextRefusal();
            assertThat(refusal).isNotNull();
            assertThat(refusal.getMessage()).containsIgnoringCase(Integer.toString(trap));
        }
        assertThat(services.trapConnections.get())
                .as("connections the trap port received")
                .isZero();
        Eventually.within(Duration.ofSeconds(10), "stream.refused audited on the server", () -> server.audit().stream()
                .anyMatch(r -> r.event().type() == EventType.STREAM_REFUSED
                        && appliance.serial.equals(r.event().applianceSerial())));
        String applianceAudit = appliance.admin("audit", "--json");
        assertThat(applianceAudit)
                .contains("stream")
                .containsIgnoringCase("refused")
                .contains(Integer.toString(trap));
    }

    @Test
    void aSecondLinkWithTheSameCertificateIsRefusedAsAPossibleClone() throws Exception {
        try (ApplianceProcess clone =
                new ApplianceProcess(root, "clone", appliance.serial, appliance.files, server.appliancePort(), null)) {
            clone.start();
            clone.admin("enable");
            clone.admin("connect", "--ticket", ticket);
            Eventually.within(Duration.ofSeconds(15), "the clone is refused with the server's reason", () -> {
                try {
                    return clone.status().toString().contains("possible clone");
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(server.audit().stream()
                            .anyMatch(r -> r.event().type() == EventType.APPLIANCE_CLONE_SUSPECTED
                                    && appliance.serial.equals(r.event().applianceSerial())))
                    .isTrue();
            assertThat(server.online(appliance.serial, ticket))
                    .as("the first link stays")
                    .isTrue();
            assertThat(appliance.linkState()).isEqualTo("connected");
        }
    }

    private static boolean echoes(int port, int size, int seed) throws Exception {
        byte[] sent = new byte[size];
        new SplittableRandom(seed).nextBytes(sent);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(sent);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] received = in.readNBytes(size);
            return Arrays.equals(sent, received) && in.read() == -1;
        }
    }

    private static JsonNode findSerial(JsonNode rows, String serial) {
        for (JsonNode row : rows) {
            if (serial.equals(row.path("serial").asText())) {
                return row;
            }
        }
        throw new AssertionError(serial + " not in " + rows);
    }

    static long count(List<ServerAuditRecord> records, EventType type) {
        return records.stream().filter(r -> r.event().type() == type).count();
    }
}
