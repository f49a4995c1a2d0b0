package dev.secureconnect.server.engineerapi;

import static dev.secureconnect.server.engineerapi.RunningServer.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.engineerapi.EngineerHttp.Answer;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engineer listener's JSON API over real mutual TLS: login (TOTP, replay, lockout), the session's binding to the
 * certificate, logout, appliances, the handshake's role check, and the refusals of the tokens endpoint.
 */
class EngineerListenerTest {

    @TempDir
    Path temp;

    RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(temp);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    EngineerHttp alice() throws Exception {
        return new EngineerHttp(server.alice, server.daemon.engineerAddress());
    }

    @Test
    void loginListsAppliancesAndLogsOutOverHttp2AndHttp1() throws Exception {
        String ticket = server.openTicket();
        try (FakeAppliance appliance = server.connectAppliance(ticket)) {
            EngineerHttp http2 = alice();
            Answer login = http2.post("login", null, "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}");
            assertThat(login.status()).as(login.toString()).isEqualTo(200);
            assertThat(login.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(login.text("login")).isEqualTo("alice");
            assertThat(login.text("expiresAt")).isNotEmpty();
            String session = login.text("session");

            Answer appliances = http2.get("appliances", session);
            assertThat(appliances.status()).isEqualTo(200);
            assertThat(appliances.body().path("appliances")).hasSize(1);
            var entry = appliances.body().path("appliances").get(0);
            assertThat(entry.path("serial").asText()).isEqualTo(SERIAL);
            assertThat(entry.path("tickets").get(0).asText()).isEqualTo(ticket);
            assertThat(entry.path("services").get(0).path("name").asText()).isEqualTo("ssh");
            assertThat(entry.path("services").get(0).path("port").asInt()).isEqualTo(22);
            assertThat(entry.path("since").asText()).isNotEmpty();
            assertThat(entry.path("address").asText()).startsWith("127.0.0.1:");

            EngineerHttp http1 =
                    new EngineerHttp(server.alice, server.daemon.engineerAddress(), HttpClient.Version.HTTP_1_1);
            Answer overHttp1 = http1.get("appliances", session);
            assertThat(overHttp1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(overHttp1.status()).isEqualTo(200);

            Answer sessions = http2.get("sessions", session);
            assertThat(sessions.status()).isEqualTo(200);
            assertThat(sessions.body().path("sessions")).isEmpty();

            Answer logout = http2.post("logout", session, "");
            assertThat(logout.status()).isEqualTo(200);
            assertThat(logout.body().path("loggedOut").asBoolean()).isTrue();
            Answer after = http2.get("appliances", session);
            assertThat(after.status()).isEqualTo(401);
            assertThat(after.text("reason")).isEqualTo("session-expired");
            server.awaitAudit(EventType.LOGIN_OK, r -> "alice".equals(r.event().actor()));
            server.awaitAudit(EventType.LOGOUT, r -> "alice".equals(r.event().actor()));
        }
    }

    @Test
    void wrongCodeReplayAndLockoutAreRefusedAndAudited() throws Exception {
        EngineerHttp alice = alice();
        Answer wrong = alice.post("login", null, "{\"totp\":\"000000\"}");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.text("reason")).isEqualTo("bad-code");
        assertThat(wrong.text("error")).isEqualTo("wrong TOTP code");

        String code = server.nextCode(server.aliceSecret);
        alice.login(code);
        Answer replay = alice.post("login", null, "{\"totp\":\"" + code + "\"}");
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.text("reason")).isEqualTo("replay");
        server.awaitAudit(EventType.TOTP_REPLAY, r -> "alice".equals(r.event().actor()));

        for (int attempt = 2; attempt <= 5; attempt++) { // the replay was failure 1
            assertThat(alice.post("login", null, "{\"totp\":\"000000\"}").status())
                    .isEqualTo(401);
        }
        Answer locked = alice.post("login", null, "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}");
        assertThat(locked.status()).isEqualTo(423);
        assertThat(locked.text("reason")).isEqualTo("locked");
        assertThat(locked.text("lockedUntil")).isNotEmpty();
        server.awaitAudit(EventType.LOGIN_LOCKED, r -> "alice".equals(r.event().actor()));

        Answer malformed = alice.post("login", null, "not json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text("reason")).isEqualTo("bad-request");
    }

    @Test
    void aSessionWorksOnlyWithTheCertificateItWasOpenedWith() throws Exception {
        String session = alice().login(server.nextCode(server.aliceSecret));
        EngineerHttp bob = new EngineerHttp(server.bob, server.daemon.engineerAddress());
        Answer stolen = bob.get("appliances", session);
        assertThat(stolen.status()).isEqualTo(401);
        assertThat(stolen.text("reason")).isEqualTo("wrong-certificate");
        assertThat(bob.get("appliances", null).status()).isEqualTo(401);

        try (EngineerH2Client h2 = new EngineerH2Client(server.bob, server.daemon.engineerAddress())) {
            EngineerH2Client.Stream stream = h2.open(new DefaultHttp2Headers()
                    .method("CONNECT")
                    .authority("127.0.0.1:22")
                    .set("authorization", "Bearer " + session)
                    .set(LinkProtocol.HEADER_ACCESS_TOKEN, "x.y.z")
                    .set(LinkProtocol.HEADER_APPLIANCE, SERIAL));
            assertThat(stream.status()).isEqualTo("401");
            assertThat(stream.reason()).contains("another certificate");
        }
        server.awaitAudit(
                EventType.STREAM_REFUSED,
                r -> "bob".equals(r.event().actor())
                        && "401".equals(r.event().details().get("status")));
    }

    @Test
    void anApplianceCertificateIsRefusedAtTheHandshakeAndAudited() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            try {
                // with TLS 1.3 the client may finish its side before the server refuses its certificate
                io.netty.channel.Channel channel = TlsClients.connect(
                        group, server.appliance, server.daemon.engineerAddress(), "h2", pipeline -> {});
                assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS))
                        .as("closed by the server")
                        .isTrue();
            } catch (Exception refusedDuringTheHandshake) {
                // refused before the client finished: as good
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        ServerAuditRecord refused = server.awaitAudit(EventType.HANDSHAKE_REFUSED, r -> "engineer"
                .equals(r.event().details().get("listener")));
        assertThat(refused.event().details().get("reason")).isEqualTo("wrong-role");
    }

    @Test
    void tokensAreIssuedOnlyForAnOpenTicketActiveOnTheAppliancesLink() throws Exception {
        String ticket = server.openTicket();
        String notActive = server.openTicket();
        String closed = server.openTicket();
        try (FakeAppliance appliance = server.connectAppliance(ticket, closed)) {
            server.daemon.tickets().close(dev.secureconnect.tunnel.link.TicketNumber.parse(closed), "test");
            EngineerHttp alice = alice();
            String session = alice.login(server.nextCode(server.aliceSecret));

            Answer issued = alice.post(
                    "tokens",
                    session,
                    "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket
                            + "\",\"ttlSeconds\":7200,\"reason\":\"disk full\"}");
            assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
            assertThat(issued.text("token")).contains(".");
            assertThat(issued.text("appliance")).isEqualTo(SERIAL);
            assertThat(issued.text("ticket")).isEqualTo(ticket);
            ServerAuditRecord audited = server.awaitAudit(EventType.TOKEN_ISSUED, r -> true);
            assertThat(audited.event().details())
                    .containsEntry("tokenId", issued.text("id"))
                    .containsEntry("expiresAt", issued.text("expiresAt"))
                    .containsEntry("reason", "disk full");
            assertThat(audited.event().actor()).isEqualTo("alice");
            assertThat(audited.event().ticket()).isEqualTo(ticket);
            assertThat(audited.event().details().toString()).doesNotContain(issued.text("token"));

            assertRefused(
                    alice,
                    session,
                    "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + closed + "\"}",
                    403,
                    "ticket-not-open");
            assertRefused(
                    alice,
                    session,
                    "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + notActive + "\"}",
                    403,
                    "ticket-not-active");
            assertRefused(
                    alice,
                    session,
                    "{\"appliance\":\"SN-ELSEWHERE\",\"ticket\":\"" + ticket + "\"}",
                    403,
                    "appliance-not-connected");
            assertRefused(
                    alice,
                    session,
                    "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\",\"ttlSeconds\":" + (7 * 86_400 + 1)
                            + "}",
                    400,
                    "too-long-lived");
            assertRefused(alice, session, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"1234\"}", 400, "bad-ticket");

            EngineerHttp bob = new EngineerHttp(server.bob, server.daemon.engineerAddress());
            String bobSession = bob.login(server.nextCode(server.bobSecret));
            assertThat(RunningServer.sc("engineers", "disable", "--dir", server.dir.toString(), "bob"))
                    .isZero();
            // a disabled engineer's session is refused by the API itself (or already ended by the daemon)
            Answer disabled =
                    bob.post("tokens", bobSession, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\"}");
            assertThat(disabled.status() + " " + disabled.text("reason"))
                    .as(disabled.toString())
                    .isIn("403 engineer-disabled", "401 session-expired");
            for (String reason : new String[] {
                "ticket-not-open", "ticket-not-active", "appliance-not-connected", "too-long-lived", "bad-ticket"
            }) {
                server.awaitAudit(
                        EventType.TOKEN_REFUSED,
                        r -> reason.equals(r.event().details().get("reason")));
            }
        }
    }

    @Test
    void curlWithAPemCertificateUsesTheJsonApi() throws Exception {
        Path cert = temp.resolve("alice.pem");
        Path key = temp.resolve("alice-key.pem");
        java.nio.file.Files.writeString(
                cert,
                dev.secureconnect.crypto.pem.Pem.certificates(
                        server.alice.chain().subList(0, 2)));
        java.nio.file.Files.writeString(key, dev.secureconnect.crypto.pem.Pem.privateKey(server.alice.privateKey()));
        String base = "https://localhost:" + server.daemon.engineerAddress().getPort() + "/api/v1/";
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var login = json.readTree(curl(
                cert,
                key,
                "-X",
                "POST",
                "-H",
                "content-type: application/json",
                "-d",
                "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}",
                base + "login"));
        assertThat(login.path("login").asText()).isEqualTo("alice");
        var appliances = json.readTree(curl(
                cert,
                key,
                "-H",
                "Authorization: Bearer " + login.path("session").asText(),
                base + "appliances"));
        assertThat(appliances.path("appliances").isArray()).isTrue();
        var refused = json.readTree(curl(cert, key, base + "appliances"));
        assertThat(refused.path("reason").asText()).isEqualTo("no-session");
    }

    String curl(Path cert, Path key, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cert",
                cert.toString(),
                "--key",
                key.toString(),
                "--cacert",
                server.file("ca.pem")));
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    static void assertRefused(EngineerHttp client, String session, String body, int status, String reason)
            throws Exception {
        Answer answer = client.post("tokens", session, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.text("reason")).isEqualTo(reason);
        assertThat(answer.text("error")).isNotEmpty().doesNotContain("\n");
    }
}
