package dev.secureconnect.server.engineerapi;

import static dev.secureconnect.server.engineerapi.RunningServer.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.AuditSpill;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cli.ScServer;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.server.engineerapi.EngineerHttp.Answer;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running server with its SQLite database locked by another connection (as another process would hold it): a
 * new session stream and a login are refused with 503 {@code audit log unavailable} and nothing reaches the
 * appliance; the end of a stream that was already open is held in the spill file and appended, in order, once the
 * lock is released; {@code audit verify} is intact and {@code audit status} says what happened.
 */
class AuditFailClosedStreamsTest {

    @TempDir
    Path temp;

    RunningServer server;
    FakeAppliance appliance;
    String ticket;
    EngineerHttp alice;
    String session;
    EngineerH2Client h2;

    @BeforeEach
    void start() throws Exception {
        // a write waits 2 s for the lock this test holds, not the default 15 s
        server = new RunningServer(
                temp,
                config ->
                        config.withDatabase(new ServerConfig.Database(null, null, null, null, Duration.ofSeconds(2))));
        ticket = server.openTicket();
        appliance = server.connectAppliance(ticket);
        alice = new EngineerHttp(server.alice, server.daemon.engineerAddress());
        session = alice.login(server.nextCode(server.aliceSecret));
        h2 = new EngineerH2Client(server.alice, server.daemon.engineerAddress());
    }

    @AfterEach
    void stop() {
        h2.close();
        appliance.close();
        server.close();
    }

    private Http2Headers request(Http2Headers headers, String token) {
        return headers.set("authorization", "Bearer " + session)
                .set(LinkProtocol.HEADER_ACCESS_TOKEN, token)
                .set(LinkProtocol.HEADER_APPLIANCE, SERIAL);
    }

    @Test
    void aLockedDatabaseRefusesNewStreamsAndLoginsAndHoldsTheEndOfAnOpenStream() throws Exception {
        Answer issued =
                alice.post("tokens", session, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\"}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        String token = issued.text("token");
        EngineerH2Client.Stream open =
                h2.open(request(new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:22"), token));
        assertThat(open.status()).as(open.reason()).isEqualTo("200");
        String openId = open.response().get(LinkProtocol.HEADER_SESSION).toString();
        assertThat(appliance.sessionRequests.poll(10, TimeUnit.SECONDS)).isNotNull();
        server.awaitAudit(EventType.STREAM_OPENED, r -> openId.equals(r.event().sessionId()));
        String code = server.nextCode(server.aliceSecret);

        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + server.dir.resolve("server.db"));
                Statement statement = locker.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");

            EngineerH2Client.Stream exec = h2.open(request(
                    new DefaultHttp2Headers()
                            .method("POST")
                            .scheme("https")
                            .authority("localhost")
                            .path(LinkProtocol.PATH_EXEC)
                            .set(LinkProtocol.HEADER_COMMAND, "collect-logs"),
                    token));
            assertThat(exec.status()).isEqualTo("503");
            assertThat(exec.reason()).isEqualTo("audit log unavailable");
            // each waits for the database's lock time-out (2 s here) in turn
            Answer refusedLogin = alice.post("login", null, "{\"totp\":\"" + code + "\"}");
            assertThat(refusedLogin.status()).as(refusedLogin.toString()).isEqualTo(503);
            assertThat(refusedLogin.text("error")).startsWith("audit log unavailable");
            assertThat(refusedLogin.text("reason")).isEqualTo("audit-unavailable");
            Answer refusedToken =
                    alice.post("tokens", session, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\"}");
            assertThat(refusedToken.status()).as(refusedToken.toString()).isEqualTo(503);
            assertThat(refusedToken.text("reason")).isEqualTo("audit-unavailable");
            assertThat(appliance.sessionRequests)
                    .as("nothing reached the appliance")
                    .isEmpty();

            open.send(new byte[0], true);
            assertThat(open.awaitEnd()).isTrue();
            Path spill = server.dir.resolve(AuditSpill.FILE);
            Eventually.within(
                    Duration.ofSeconds(40),
                    "stream.closed held in the spill file",
                    () -> Files.exists(spill) && read(spill).contains("\"event\":\"stream.closed\""));
            assertThat(read(spill)).contains(openId);
            assertThat(sc("audit", "status", "--dir", server.dir.toString())).startsWith("1 audit: degraded");
            statement.execute("ROLLBACK");
        }

        List<ServerAuditRecord> log = awaitRecovered();
        List<String> names = log.stream().map(r -> r.event().type().eventName()).toList();
        int degraded = names.indexOf("audit.degraded");
        int closed = indexOf(log, EventType.STREAM_CLOSED, openId);
        int recovered = names.lastIndexOf("audit.recovered");
        assertThat(degraded).isPositive().isLessThan(closed);
        assertThat(closed).isLessThan(recovered);
        assertThat(log.get(closed).event().details()).containsKey("spilledAt").containsEntry("bytesToAppliance", "0");
        assertThat(log)
                .noneMatch(r -> r.event().type() == EventType.STREAM_OPENED
                        && !openId.equals(r.event().sessionId()));
        assertThat(log)
                .anyMatch(r -> r.event().type() == EventType.STREAM_REFUSED
                        && "audit log unavailable".equals(r.event().details().get("reason")));
        assertThat(sc("audit", "verify", "--dir", server.dir.toString())).startsWith("0 ");
        assertThat(sc("audit", "status", "--dir", server.dir.toString())).isEqualTo("0 audit: ok");
    }

    private List<ServerAuditRecord> awaitRecovered() {
        List<List<ServerAuditRecord>> found = new java.util.ArrayList<>(List.of(List.of()));
        Eventually.within(Duration.ofSeconds(40), "the held records appended", () -> {
            List<ServerAuditRecord> log = server.daemon.audit().list(0, ServerAuditLog.MAX_LIST_LIMIT);
            found.set(0, log);
            return !server.daemon.audit().state().degraded()
                    && log.stream().anyMatch(r -> r.event().type() == EventType.AUDIT_RECOVERED);
        });
        return found.get(0);
    }

    private static int indexOf(List<ServerAuditRecord> log, EventType type, String sessionId) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).event().type() == type
                    && sessionId.equals(log.get(i).event().sessionId())) {
                return i;
            }
        }
        return -1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The exit code, a space and the output's first line. */
    private static String sc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ScServer.run(new PrintWriter(out), new PrintWriter(err), args);
        return code + " " + (out + err.toString()).lines().findFirst().orElse("");
    }
}
