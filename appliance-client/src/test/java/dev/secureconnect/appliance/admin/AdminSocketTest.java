package dev.secureconnect.appliance.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.daemon.ApplianceDaemon;
import dev.secureconnect.appliance.testing.ApplianceCli;
import dev.secureconnect.appliance.testing.ApplianceUnderTest;
import dev.secureconnect.events.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin protocol over the daemon's Unix domain socket, and the commands' behaviour when no daemon runs. */
class AdminSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private ApplianceUnderTest appliance;

    @BeforeEach
    void appliance() {
        // nothing listens on port 1: the daemon never gets a link here, and needs none
        appliance = ApplianceUnderTest.init(work, "127.0.0.1:1");
    }

    @AfterEach
    void stop() {
        appliance.close();
    }

    @Test
    void theSocketIsTheOwnersAlone() throws IOException {
        appliance.start();
        Path run = appliance.dir.resolve("run");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve("admin.sock"))))
                .isEqualTo("rw-------");
        appliance.stop();
        assertThat(run.resolve("admin.sock")).doesNotExist();
    }

    @Test
    void oneJsonLineInOneJsonLineOut() throws IOException {
        appliance.start();
        JsonNode status = request("{\"command\":\"status\"}");
        assertThat(status.get("ok").asBoolean()).isTrue();
        assertThat(status.at("/status/enabled").asBoolean()).isFalse();
        assertThat(status.at("/status/serial").asText()).isEqualTo(ApplianceUnderTest.SERIAL);
        assertThat(status.at("/status/link/state").asText()).isEqualTo("disabled");

        assertThat(request("{\"command\":\"connect\",\"ticket\":\"12345678\"}")
                        .get("error")
                        .asText())
                .isEqualTo("SecureConnect is disabled: turn it on first with 'sc-appliance enable'");
        JsonNode enabled = request("{\"command\":\"enable\"}");
        assertThat(enabled.get("ok").asBoolean()).isTrue();
        assertThat(enabled.get("message").asText()).startsWith("SecureConnect enabled");
        assertThat(enabled.at("/status/link/state").asText()).isEqualTo("idle");
        assertThat(request("{\"command\":\"enable\"}").get("message").asText())
                .isEqualTo("SecureConnect is already enabled");

        assertThat(request("{\"command\":\"connect\",\"ticket\":\"123\"}")
                        .get("error")
                        .asText())
                .isEqualTo("ticket number '123' is not valid: expected exactly 8 digits");
        assertThat(request("{\"command\":\"disconnect\",\"ticket\":\"12345678\"}")
                        .get("error")
                        .asText())
                .isEqualTo("ticket 12345678 is not connected");
        assertThat(request("{\"command\":\"disconnect\"}").get("error").asText())
                .isEqualTo("disconnect needs either a ticket or all");
        assertThat(request("{\"command\":\"reboot\"}").get("error").asText())
                .isEqualTo(
                        "unknown command 'reboot' (expected one of: status, enable, disable, connect, disconnect, reload,"
                                + " sessions, close-session, callhome-preview, callhome-send, callhome-enable,"
                                + " callhome-disable, callhome-status, callhome-history, cases, approve, decline)");
        assertThat(request("{\"command\":\"status\",\"extra\":1}").get("error").asText())
                .startsWith("malformed admin request: unknown key 'extra'");
        assertThat(request("status please").get("error").asText())
                .startsWith("malformed admin request: not valid JSON");
        assertThat(request("{\"command\":\"" + "x".repeat(AdminServer.MAX_REQUEST_BYTES) + "\"}")
                        .get("error")
                        .asText())
                .isEqualTo("admin request exceeds 65536 bytes");

        // the actor of an admin action is the user at the other end of the socket
        assertThat(appliance.audit(EventType.SECURECONNECT_ENABLED))
                .singleElement()
                .satisfies(record -> assertThat(record.actor()).isEqualTo(System.getProperty("user.name")));
    }

    @Test
    void theCommandsSayWhenNoDaemonRuns() {
        String dir = appliance.dir.toString();
        for (String[] command : new String[][] {
            {"status"}, {"enable"}, {"disable"}, {"connect", "--ticket", "12345678"}, {"disconnect", "--all"}
        }) {
            String[] args = new String[command.length + 2];
            args[0] = command[0];
            args[1] = "--dir";
            args[2] = dir;
            System.arraycopy(command, 1, args, 3, command.length - 1);
            ApplianceCli.Result result = ApplianceCli.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(result.error())
                    .isEqualTo("sc-appliance daemon is not running for " + dir
                            + ": start it with 'sc-appliance run --dir " + dir + "'");
        }
    }

    @Test
    void aStaleSocketMeansNotRunningAndIsReplacedByTheNextDaemon() throws IOException {
        Path socket = appliance.dir.resolve("run/admin.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closed below without removing the file, as a crash would
        }
        assertThat(socket).exists();
        assertThat(ApplianceCli.run("status", "--dir", appliance.dir.toString()).error())
                .startsWith("sc-appliance daemon is not running for");
        appliance.start();
        assertThat(ApplianceCli.ok("status", "--dir", appliance.dir.toString()).out())
                .contains("SecureConnect: disabled");
    }

    @Test
    void oneDaemonPerDirectory() {
        appliance.start();
        assertThatThrownBy(() -> ApplianceDaemon.start(appliance.dir, Clock.systemUTC()))
                .isInstanceOf(ApplianceException.class)
                .hasMessage("an sc-appliance daemon is already running for " + appliance.dir + " (PID "
                        + ProcessHandle.current().pid()
                        + "): stop it first, or give this one a directory of its own with --dir");
        // the first one is unharmed
        assertThat(ApplianceCli.ok("status", "--dir", appliance.dir.toString(), "--json")
                        .out())
                .contains("\"enabled\" : false");
    }

    @Test
    void statusShowsTheConnectionsTableAndJson() {
        appliance.start();
        appliance.ok("enable");
        appliance.ok("services add", "--name", "ssh", "--port", "22");
        ApplianceCli.Result connected = appliance.ok("connect", "--ticket", " 12345678 ");
        assertThat(connected.out()).startsWith("ticket 12345678 connected;");
        // the link goes back and forth between connecting and backing-off: read each view while it backs off
        String text = whileBackingOff("status", "link:          backing-off until ");
        assertThat(text)
                .contains(
                        "SecureConnect: enabled",
                        "appliance:     " + ApplianceUnderTest.SERIAL,
                        "server:        127.0.0.1:1",
                        "link:          backing-off until ",
                        "cannot reach the server at 127.0.0.1:1",
                        "services:      ssh:22",
                        "TICKET    STATUS   SERVER       SINCE",
                        "12345678  pending  127.0.0.1:1");
        String json = whileBackingOff("status --json", "\"state\" : \"backing-off\"");
        assertThat(json)
                .contains(
                        "\"state\" : \"backing-off\"",
                        "\"retryAt\" :",
                        "\"ticket\" : \"12345678\"",
                        "\"activeSessions\" : 0",
                        "\"services\" : [ \"ssh:22\" ]",
                        // the audit log's state, as 'audit status' reads it
                        "\"audit\" : {",
                        "\"state\" : \"normal\"",
                        "\"heldRecords\" : 0",
                        "\"spillBytes\" : 0",
                        "\"full\" : false");
        ApplianceCli.Result all = appliance.ok("disconnect", "--all");
        assertThat(all.out()).isEqualTo("ticket 12345678 disconnected\n");
        assertThat(appliance.status().link().state()).isEqualTo("idle");
        ApplianceCli.Result bad = appliance.run("disconnect", "--ticket", "1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.error()).contains("ticket number '1' is not valid: expected exactly 8 digits");
        ApplianceCli.Result neither = appliance.run("disconnect");
        assertThat(neither.exitCode()).isEqualTo(2);
    }

    /** Runs {@code command} until its output shows the link backing off (at most 100 tries, 100 ms apart). */
    private String whileBackingOff(String command, String backingOff) {
        String out = "";
        for (int attempt = 0; attempt < 100 && !out.contains(backingOff); attempt++) {
            if (attempt > 0) {
                sleep(100);
            }
            out = appliance.ok(command).out();
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private JsonNode request(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(appliance.dir.resolve("run/admin.sock")));
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (channel.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            assertThat(text).endsWith("\n").doesNotContain("\n\n");
            assertThat(text.strip()).doesNotContain("\n");
            return JSON.readTree(text);
        }
    }
}
