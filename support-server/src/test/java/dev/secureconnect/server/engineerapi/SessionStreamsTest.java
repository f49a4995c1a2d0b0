package dev.secureconnect.server.engineerapi;

import static dev.secureconnect.server.engineerapi.RunningServer.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.token.SignedAccessToken;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.cases.AlertRule;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cases.Conditions;
import dev.secureconnect.server.cases.RulesFile;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.engineerapi.EngineerHttp.Answer;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.tunnel.link.CaseNotice;
import dev.secureconnect.tunnel.link.LinkProtocol;
import dev.secureconnect.tunnel.relay.Relay;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session streams on the engineer listener end to end through the server: an engineer's HTTP/2 client, the real
 * server, and a minimal appliance on a real link. Checks what the server forwards on the link, what it answers the
 * engineer, its refusals, revocation, and the audit trail.
 */
class SessionStreamsTest {

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
        server = new RunningServer(temp);
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

    Answer token() throws Exception {
        Answer answer =
                alice.post("tokens", session, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\"}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    static Http2Headers credentials(Http2Headers headers, String session, String token, String serial) {
        if (session != null) {
            headers.set("authorization", "Bearer " + session);
        }
        if (token != null) {
            headers.set(LinkProtocol.HEADER_ACCESS_TOKEN, token);
        }
        return headers.set(LinkProtocol.HEADER_APPLIANCE, serial);
    }

    Http2Headers connect(String token, int port) {
        return credentials(
                new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:" + port), session, token, SERIAL);
    }

    @Test
    void aConnectStreamIsCheckedForwardedRelayedListedAndAudited() throws Exception {
        Answer token = token();
        EngineerH2Client.Stream stream = h2.open(connect(token.text("token"), 22));
        assertThat(stream.status()).as(stream.reason()).isEqualTo("200");
        String sessionId = stream.response().get(LinkProtocol.HEADER_SESSION).toString();

        Http2Headers forwarded = appliance.sessionRequests.poll(10, TimeUnit.SECONDS);
        assertThat(forwarded).isNotNull();
        assertThat(forwarded.method().toString()).isEqualTo("CONNECT");
        assertThat(forwarded.authority().toString()).isEqualTo("127.0.0.1:22");
        assertThat(forwarded.get(LinkProtocol.HEADER_SESSION).toString()).isEqualTo(sessionId);
        assertThat(forwarded.get(LinkProtocol.HEADER_TICKET).toString()).isEqualTo(ticket);
        assertThat(forwarded.get("authorization").toString()).isEqualTo("Bearer " + token.text("token"));
        assertThat(forwarded.get(LinkProtocol.HEADER_ENGINEER).toString()).isEqualTo("alice");
        assertThat(forwarded.get(LinkProtocol.HEADER_ENGINEER_CERTIFICATE).toString())
                .isEqualTo(Base64.getEncoder()
                        .encodeToString(server.alice.certificate().getEncoded()));
        assertThat(forwarded.contains(LinkProtocol.HEADER_ACCESS_TOKEN)).isFalse();
        assertThat(forwarded.contains(LinkProtocol.HEADER_APPLIANCE)).isFalse();

        stream.send("ping".getBytes(StandardCharsets.US_ASCII), false);
        RunningServer.waitFor("the echo", () -> stream.body().length == 4);
        assertThat(new String(stream.body(), StandardCharsets.US_ASCII)).isEqualTo("ping");

        Answer sessions = alice.get("sessions", session);
        assertThat(sessions.body().path("sessions")).hasSize(1);
        var listed = sessions.body().path("sessions").get(0);
        assertThat(listed.path("id").asText()).isEqualTo(sessionId);
        assertThat(listed.path("kind").asText()).isEqualTo("connect");
        assertThat(listed.path("target").asText()).isEqualTo("127.0.0.1:22");
        assertThat(listed.path("ticket").asText()).isEqualTo(ticket);
        assertThat(listed.path("bytesToAppliance").asLong()).isEqualTo(4);
        EngineerHttp bob = new EngineerHttp(server.bob, server.daemon.engineerAddress());
        String bobSession = bob.login(server.nextCode(server.bobSecret));
        assertThat(bob.get("sessions", bobSession).body().path("sessions")).isEmpty();

        stream.send(new byte[0], true);
        assertThat(stream.awaitEnd()).isTrue();
        ServerAuditRecord opened = server.awaitAudit(
                EventType.STREAM_OPENED, r -> sessionId.equals(r.event().sessionId()));
        assertThat(opened.event().actor()).isEqualTo("alice");
        assertThat(opened.event().applianceSerial()).isEqualTo(SERIAL);
        assertThat(opened.event().ticket()).isEqualTo(ticket);
        assertThat(opened.event().details())
                .containsEntry("tokenId", token.text("id"))
                .containsEntry("kind", "connect")
                .containsEntry("target", "127.0.0.1:22");
        ServerAuditRecord closed = server.awaitAudit(
                EventType.STREAM_CLOSED, r -> sessionId.equals(r.event().sessionId()));
        assertThat(closed.event().details())
                .containsEntry("bytesToAppliance", "4")
                .containsEntry("bytesFromAppliance", "4")
                .containsKeys("durationMs", "reason");
        // the daemon's metrics: the stream's bytes, counted at its end, and none open any more
        io.micrometer.core.instrument.MeterRegistry metrics =
                server.daemon.metrics().registry();
        assertThat(metrics.get("secureconnect.streams.open")
                        .tag("kind", "proxy")
                        .gauge()
                        .value())
                .isZero();
        for (String direction : List.of("to_appliance", "from_appliance")) {
            assertThat(metrics.get("secureconnect.stream.bytes")
                            .tag("kind", "proxy")
                            .tag("direction", direction)
                            .counter()
                            .count())
                    .as(direction)
                    .isEqualTo(4);
        }
    }

    @Test
    void execGetAndPutRelayTheirHeadersAndTrailersAndAreAudited() throws Exception {
        String token = token().text("token");
        EngineerH2Client.Stream exec = h2.open(credentials(
                new DefaultHttp2Headers()
                        .method("POST")
                        .scheme("https")
                        .authority("localhost")
                        .path(LinkProtocol.PATH_EXEC)
                        .set(LinkProtocol.HEADER_COMMAND, "collect-logs")
                        .set(LinkProtocol.HEADER_ARGS, "[\"--since\",\"1h\"]"),
                session,
                token,
                SERIAL));
        assertThat(exec.status()).as(exec.reason()).isEqualTo("200");
        exec.send(new byte[0], true);
        assertThat(exec.awaitEnd()).isTrue();
        assertThat(new String(exec.body(), StandardCharsets.UTF_8))
                .isEqualTo("ran collect-logs [\"--since\",\"1h\"]\n");
        assertThat(exec.trailers().get(LinkProtocol.TRAILER_EXIT_STATUS).toString())
                .isEqualTo("3");
        ServerAuditRecord run = server.awaitAudit(EventType.COMMAND_RUN, r -> true);
        assertThat(run.event().details())
                .containsEntry("name", "collect-logs")
                .containsEntry("exitStatus", "3")
                .containsEntry("args", "[\"--since\",\"1h\"]")
                .containsEntry("truncated", "false")
                .containsEntry("timedOut", "false");

        EngineerH2Client.Stream get = h2.open(credentials(
                new DefaultHttp2Headers()
                        .method("GET")
                        .scheme("https")
                        .authority("localhost")
                        .path("/v1/files?path=%2Fvar%2Flog%2Fapp%20one.log"),
                session,
                token,
                SERIAL));
        assertThat(get.status()).as(get.reason()).isEqualTo("200");
        assertThat(get.response().get(LinkProtocol.HEADER_FILE_SHA256).toString())
                .isEqualTo(FakeAppliance.sha256(FakeAppliance.FILE));
        get.send(new byte[0], true);
        assertThat(get.awaitEnd()).isTrue();
        assertThat(get.wasReset()).as("the server reset the get stream").isFalse();
        String getSession = get.response().get(LinkProtocol.HEADER_SESSION).toString();
        ServerAuditRecord getClosed = server.awaitAudit(
                EventType.STREAM_CLOSED, r -> getSession.equals(r.event().sessionId()));
        assertThat(get.body())
                .as("get body; the server's record: " + getClosed.event().details())
                .isEqualTo(FakeAppliance.FILE);
        Http2Headers forwardedGet = appliance.sessionRequests.poll(10, TimeUnit.SECONDS); // exec
        forwardedGet = appliance.sessionRequests.poll(10, TimeUnit.SECONDS);
        assertThat(new io.netty.handler.codec.http.QueryStringDecoder(
                                forwardedGet.path().toString())
                        .parameters()
                        .get("path"))
                .containsExactly("/var/log/app one.log");
        ServerAuditRecord fileGet = server.awaitAudit(EventType.FILE_GET, r -> true);
        assertThat(fileGet.event().details())
                .containsEntry("path", "/var/log/app one.log")
                .containsEntry("size", Integer.toString(FakeAppliance.FILE.length))
                .containsEntry("sha256", FakeAppliance.sha256(FakeAppliance.FILE));

        byte[] upload = "new configuration\n".getBytes(StandardCharsets.UTF_8);
        EngineerH2Client.Stream put = h2.open(credentials(
                new DefaultHttp2Headers()
                        .method("PUT")
                        .scheme("https")
                        .authority("localhost")
                        .path("/v1/files?path=%2Ftmp%2Fnew.conf"),
                session,
                token,
                SERIAL));
        assertThat(put.status()).as(put.reason()).isEqualTo("200");
        put.send(upload, true);
        assertThat(put.awaitEnd()).isTrue();
        assertThat(appliance.stored.poll(10, TimeUnit.SECONDS)).isEqualTo(upload);
        assertThat(put.trailers().get(LinkProtocol.HEADER_FILE_SHA256).toString())
                .isEqualTo(FakeAppliance.sha256(upload));
        ServerAuditRecord filePut = server.awaitAudit(EventType.FILE_PUT, r -> true);
        assertThat(filePut.event().details())
                .containsEntry("path", "/tmp/new.conf")
                .containsEntry("size", Integer.toString(upload.length))
                .containsEntry("sha256", FakeAppliance.sha256(upload));
    }

    @Test
    void streamsAreRefusedWithAReasonAndAudited() throws Exception {
        String token = token().text("token");

        EngineerH2Client.Stream noSession = h2.open(credentials(
                new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:22"), null, token, SERIAL));
        assertThat(noSession.status()).isEqualTo("401");
        EngineerH2Client.Stream noToken = h2.open(connect(null, 22));
        assertThat(noToken.status()).isEqualTo("401");
        assertThat(noToken.reason()).contains(LinkProtocol.HEADER_ACCESS_TOKEN);
        EngineerH2Client.Stream elsewhere = h2.open(connect(token, 22).set(LinkProtocol.HEADER_APPLIANCE, "SN-OTHER"));
        assertThat(elsewhere.status()).isEqualTo("403");
        assertThat(elsewhere.reason()).contains("SN-OTHER");
        server.awaitAudit(EventType.TOKEN_REFUSED, r -> "wrong-audience"
                .equals(r.event().details().get("reason")));
        EngineerH2Client.Stream tampered = h2.open(connect(token.substring(0, token.length() - 4) + "AAAA", 22));
        assertThat(tampered.status()).isEqualTo("403");
        server.awaitAudit(EventType.TOKEN_REFUSED, r -> "bad-signature"
                .equals(r.event().details().get("reason")));
        EngineerH2Client.Stream notLoopback = h2.open(credentials(
                new DefaultHttp2Headers().method("CONNECT").authority("10.0.0.1:22"), session, token, SERIAL));
        assertThat(notLoopback.status()).isEqualTo("400");
        EngineerH2Client.Stream byName = h2.open(credentials(
                new DefaultHttp2Headers().method("CONNECT").authority("localhost:22"), session, token, SERIAL));
        assertThat(byName.status()).isEqualTo("400"); // a literal loopback address only, as documented
        assertThat(byName.reason()).contains("127.0.0.1:PORT or [::1]:PORT");
        EngineerH2Client.Stream byAppliance = h2.open(connect(token, 9));
        assertThat(byAppliance.status()).isEqualTo("403");
        assertThat(byAppliance.reason()).isEqualTo("appliance refused: port 9 is not allow-listed");

        // bob, logged in with his own certificate, presents alice's token: holder-of-key refuses it
        EngineerHttp bob = new EngineerHttp(server.bob, server.daemon.engineerAddress());
        String bobSession = bob.login(server.nextCode(server.bobSecret));
        try (EngineerH2Client bobH2 = new EngineerH2Client(server.bob, server.daemon.engineerAddress())) {
            EngineerH2Client.Stream misused = bobH2.open(credentials(
                    new DefaultHttp2Headers().method("CONNECT").authority("127.0.0.1:22"), bobSession, token, SERIAL));
            assertThat(misused.status()).isEqualTo("403");
            assertThat(misused.reason()).contains("issued to engineer alice");
        }
        ServerAuditRecord misuse = server.awaitAudit(
                EventType.TOKEN_MISUSED, r -> "bob".equals(r.event().actor()));
        assertThat(misuse.event().details())
                .containsEntry("reason", "wrong-holder")
                .containsEntry("tokenEngineer", "alice");
        server.awaitAudit(
                EventType.STREAM_REFUSED, r -> "bob".equals(r.event().actor())); // written after token.misused
        assertThat(server.audit(EventType.STREAM_REFUSED)).hasSizeGreaterThanOrEqualTo(7);
        // stream.opened is committed before a stream is requested on the link: only the one the appliance refused
        assertThat(server.audit(EventType.STREAM_OPENED))
                .extracting(r -> r.event().details().get("target"))
                .containsExactly("127.0.0.1:9");
        assertThat(appliance.sessionRequests).hasSize(1); // only the one the appliance itself refused (port 9)

        // the ticket closes: the token stops working (the link's admission follows within its recheck)
        server.daemon.tickets().close(dev.secureconnect.tunnel.link.TicketNumber.parse(ticket), "test");
        EngineerH2Client.Stream closedTicket = h2.open(connect(token, 22));
        assertThat(closedTicket.status()).isEqualTo("403");
        server.awaitAudit(EventType.TOKEN_REFUSED, r -> "ticket-not-accepted"
                .equals(r.event().details().get("reason")));
    }

    /**
     * A case's token: issued only once the case is approved, carrying the case's scope and ending with the approval;
     * the gate refuses what lies outside the scope before it reaches the appliance, audited.
     */
    @Test
    void aCaseTokenIsLimitedToTheCaseAndTheGateRefusesWhatLiesOutside() throws Exception {
        String caseId;
        String caseTicket;
        java.time.Instant until = server.clock.instant().plus(java.time.Duration.ofMinutes(30));
        try (Database database = Database.open(ServerDaemon.databaseSettings(
                server.dir, ConfigFile.read(server.dir).database()))) {
            CaseStore cases = new CaseStore(database, server.daemon.audit(), server.clock);
            caseId = openCase(cases, "{commands: [collect-logs], folders: [/var/log], duration: PT2H}");
            caseTicket = caseId.substring(1);
            appliance.close();
            appliance = server.connectAppliance(ticket, caseTicket);

            Answer notApproved = alice.post("tokens", session, caseRequest(caseId, null));
            assertThat(notApproved.status()).isEqualTo(403);
            assertThat(notApproved.text("reason")).isEqualTo("case-not-approved");
            assertThat(notApproved.text("error"))
                    .isEqualTo("case " + caseId + " is open: its appliance's admin has not approved it"
                            + " (sc-appliance approve " + caseId + ")");
            assertThat(alice.post(
                                    "tokens",
                                    session,
                                    "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + caseTicket + "\"}")
                            .text("reason"))
                    .as("the ticket of a case is the case")
                    .isEqualTo("case-not-approved");
            server.awaitAudit(
                    EventType.TOKEN_REFUSED,
                    r -> caseId.equals(r.event().details().get("caseId")));

            assertThat(cases.decide(SERIAL, new CaseNotice.Decision(caseId, "approved", "", until.toString()), "link"))
                    .isTrue();
        }
        assertThat(alice.post("tokens", session, caseRequest("C00000001", null)).text("reason"))
                .isEqualTo("case-unknown");
        Answer mismatch = alice.post(
                "tokens",
                session,
                "{\"appliance\":\"" + SERIAL + "\",\"case\":\"" + caseId + "\",\"ticket\":\"" + ticket + "\"}");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.text("error"))
                .isEqualTo("ticket " + ticket + " is not the ticket of case " + caseId + " (" + caseTicket
                        + "): give the case alone");

        Answer issued = alice.post("tokens", session, caseRequest(caseId, 7200));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        assertThat(issued.text("ticket")).isEqualTo(caseTicket);
        assertThat(issued.text("case")).isEqualTo(caseId);
        assertThat(issued.body().path("scope").toString())
                .isEqualTo("{\"services\":[],\"commands\":[\"collect-logs\"],\"folders\":[\"/var/log\"]}");
        assertThat(java.time.Instant.parse(issued.text("expiresAt")))
                .as("no later than the approval")
                .isBeforeOrEqualTo(until)
                .isAfter(until.minusSeconds(60));
        String token = issued.text("token");
        assertThat(SignedAccessToken.parseUnverified(token).claims().scope())
                .hasValueSatisfying(scope -> assertThat(scope.commands()).containsExactly("collect-logs"));
        ServerAuditRecord issuedRecord = server.awaitAudit(
                EventType.TOKEN_ISSUED, r -> caseId.equals(r.event().details().get("caseId")));
        assertThat(issuedRecord.event().details())
                .containsEntry("scope", "{\"services\":[],\"commands\":[\"collect-logs\"],\"folders\":[\"/var/log\"]}");

        EngineerH2Client.Stream allowed = h2.open(exec(token, "collect-logs"));
        assertThat(allowed.status()).as(allowed.reason()).isEqualTo("200");
        allowed.send(new byte[0], true);
        assertThat(allowed.awaitEnd()).isTrue();

        EngineerH2Client.Stream command = h2.open(exec(token, "shell"));
        assertThat(command.status()).isEqualTo("403");
        assertThat(command.reason())
                .isEqualTo("access token refused: exec 'shell' is outside the scope of case " + caseId
                        + " (commands: collect-logs)");
        EngineerH2Client.Stream file = h2.open(credentials(
                new DefaultHttp2Headers()
                        .method("GET")
                        .scheme("https")
                        .authority("localhost")
                        .path("/v1/files?path=%2Fvar%2Flog%2F..%2F..%2Fetc%2Fshadow"),
                session,
                token,
                SERIAL));
        assertThat(file.status()).isEqualTo("403");
        assertThat(file.reason()).contains("get '/var/log/../../etc/shadow' is outside the scope of case " + caseId);
        EngineerH2Client.Stream service = h2.open(connect(token, 22));
        assertThat(service.status()).isEqualTo("403");
        assertThat(service.reason())
                .isEqualTo("access token refused: a connection to 127.0.0.1:22 is outside the scope of case " + caseId
                        + " (services: none)");
        ServerAuditRecord refused = server.awaitAudit(EventType.TOKEN_SCOPE_REFUSED, r -> "shell"
                .equals(r.event().details().get("target")));
        assertThat(refused.event().details()).containsEntry("caseId", caseId).containsEntry("kind", "exec");
        assertThat(server.audit(EventType.TOKEN_SCOPE_REFUSED)).hasSize(3);
        assertThat(appliance.sessionRequests)
                .filteredOn(request -> !"/v1/cases".contentEquals(String.valueOf(request.path())))
                .as("nothing outside the scope reached the appliance (the list of cases aside)")
                .isNotEmpty()
                .allSatisfy(request ->
                        assertThat(request.get(LinkProtocol.HEADER_COMMAND)).hasToString("collect-logs"));
    }

    /**
     * {@code sc-server cases close} runs in another process than the daemon: the daemon notices the change in the
     * database and sends the linked appliance its list again, within about half a second.
     */
    @Test
    void aCaseClosedByAnotherProcessReachesTheLinkedAppliance() throws Exception {
        try (Database database = Database.open(ServerDaemon.databaseSettings(
                server.dir, ConfigFile.read(server.dir).database()))) {
            CaseStore otherProcess = new CaseStore(database, server.daemon.audit(), server.clock);
            String caseId = openCase(otherProcess, "{}");
            awaitCase(caseId, "open");

            server.clock.advance(java.time.Duration.ofSeconds(1));
            otherProcess.close(caseId, "operator:root", "fixed");
            awaitCase(caseId, "closed");
        }
    }

    /** Opens a case for {@link RunningServer#SERIAL} with {@code scope} (YAML), as a rule on a full disk would. */
    private static String openCase(CaseStore cases, String scope) throws Exception {
        List<AlertRule> rules = RulesFile.parse("rules.yaml", """
                rules:
                  - name: disk
                    title: "{subject} is full"
                    when: {fileSystemAbove: {percent: 90}}
                    scope: %s
                """.formatted(scope));
        JsonNode bundle = new ObjectMapper()
                .readTree("{\"system\": {\"fileSystems\": [{\"mount\": \"/data\", \"usedPercent\": 97}]}}");
        return cases.fire(SERIAL, "b-1", Conditions.onBundle(rules, bundle), CaseStore.Evaluation.BUNDLE)
                .get(0)
                .id();
    }

    /** Waits up to 10 s for a list of cases in which {@code caseId} is in {@code state}. */
    private void awaitCase(String caseId, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String list = appliance.cases.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (list != null) {
                CaseNotice.Cases cases = dev.secureconnect.tunnel.link.LinkJson.decode(
                        list.getBytes(StandardCharsets.UTF_8), CaseNotice.Cases.class);
                if (cases.cases().stream()
                        .anyMatch(c -> c.id().equals(caseId) && c.state().equals(state))) {
                    return;
                }
            }
        }
        throw new AssertionError("the appliance was not sent case " + caseId + " as " + state + " within 10 s");
    }

    String caseRequest(String caseId, Integer ttlSeconds) {
        return "{\"appliance\":\"" + SERIAL + "\",\"case\":\"" + caseId + "\""
                + (ttlSeconds == null ? "" : ",\"ttlSeconds\":" + ttlSeconds) + "}";
    }

    Http2Headers exec(String token, String command) {
        return credentials(
                new DefaultHttp2Headers()
                        .method("POST")
                        .scheme("https")
                        .authority("localhost")
                        .path(LinkProtocol.PATH_EXEC)
                        .set(LinkProtocol.HEADER_COMMAND, command),
                session,
                token,
                SERIAL);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceItsStreamsResetAndTheApplianceTold() throws Exception {
        Answer token = token();
        EngineerH2Client.Stream stream = h2.open(connect(token.text("token"), 22));
        assertThat(stream.status()).isEqualTo("200");
        assertThat(appliance.revocations.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"revoked\":[]}"); // after admission

        assertThat(RunningServer.sc(
                        "tokens",
                        "revoke",
                        "--dir",
                        server.dir.toString(),
                        token.text("id"),
                        "--reason",
                        "laptop lost"))
                .isZero();
        EngineerH2Client.Stream after = h2.open(connect(token.text("token"), 22));
        assertThat(after.status()).isEqualTo("403");
        assertThat(after.reason()).contains("revoked");

        assertThat(stream.awaitEnd()).as("the open stream is reset").isTrue();
        RunningServer.waitFor("the stream closed", () -> !stream.isOpen());
        String pushed = appliance.revocations.poll(10, TimeUnit.SECONDS);
        assertThat(pushed).contains(token.text("id")).contains(token.text("expiresAt"));
        ServerAuditRecord revoked = server.awaitAudit(EventType.TOKEN_REVOKED, r -> true);
        assertThat(revoked.event().details())
                .containsEntry("tokenId", token.text("id"))
                .containsEntry("reason", "laptop lost");
        ServerAuditRecord closed = server.awaitAudit(EventType.STREAM_CLOSED, r -> true);
        assertThat(closed.event().details().get("reason")).contains("revoked");
        assertThat(closed.event().outcome()).isEqualTo(dev.secureconnect.server.audit.ServerAuditEvent.Outcome.FAILURE);
        server.awaitAudit(EventType.TOKEN_REFUSED, r -> "revoked"
                .equals(r.event().details().get("reason")));
    }

    @Test
    void disablingAnEngineerEndsTheirLoginSessionsAndOpenStreamsAtOnce() throws Exception {
        Answer token = token();
        EngineerH2Client.Stream stream = h2.open(connect(token.text("token"), 22));
        assertThat(stream.status()).as(stream.reason()).isEqualTo("200");
        String sessionId = stream.response().get(LinkProtocol.HEADER_SESSION).toString();
        String second = alice.login(server.nextCode(server.aliceSecret));
        EngineerHttp bob = new EngineerHttp(server.bob, server.daemon.engineerAddress());
        String bobSession = bob.login(server.nextCode(server.bobSecret));

        // another process disables alice (the CLI writes the database; the daemon is not told)
        assertThat(RunningServer.sc("engineers", "disable", "--dir", server.dir.toString(), "alice"))
                .isZero();
        Answer right = alice.get("appliances", session); // the route reads her state, whether or not the daemon saw it
        assertThat(right.status()).as(right.toString()).isIn(401, 403);

        ServerAuditRecord ended = server.awaitAudit(EventType.ENGINEER_SESSIONS_ENDED, r -> "alice"
                .equals(r.event().details().get("engineer")));
        assertThat(ended.event().details())
                .containsEntry("streams", "1")
                .containsKey("loginSessions")
                .containsEntry("reason", "engineer disabled");
        assertThat(stream.awaitEnd()).as("the open stream is ended").isTrue();
        RunningServer.waitFor("the stream closed", () -> !stream.isOpen());
        assertThat(stream.trailers()).isNotNull();
        assertThat(stream.trailers().get(LinkProtocol.HEADER_REASON).toString()).isEqualTo("engineer alice disabled");
        ServerAuditRecord closed = server.awaitAudit(
                EventType.STREAM_CLOSED, r -> sessionId.equals(r.event().sessionId()));
        assertThat(closed.event().details()).containsEntry("reason", "engineer alice disabled");
        assertThat(closed.event().outcome()).isEqualTo(dev.secureconnect.server.audit.ServerAuditEvent.Outcome.FAILURE);

        for (String value : List.of(session, second)) { // every route, with either session: refused
            assertThat(alice.get("appliances", value).status()).isIn(401, 403);
            assertThat(alice.get("sessions", value).status()).isIn(401, 403);
            assertThat(alice.post("tokens", value, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\"}")
                            .status())
                    .isIn(401, 403);
            assertThat(alice.post("tokens/unlock-failed", value, "{}").status()).isIn(401, 403);
            assertThat(alice.post("logout", value, "{}").status()).isIn(401, 403);
        }
        assertThat(h2.open(connect(token.text("token"), 22)).status()).isIn("401", "403");
        assertThat(alice.post("login", null, "{\"totp\":\"" + server.nextCode(server.aliceSecret) + "\"}")
                        .status())
                .isIn(401, 403);
        assertThat(bob.get("appliances", bobSession).status()).isEqualTo(200); // the others are not touched

        // enabled and disabled again: news again
        assertThat(RunningServer.sc("engineers", "enable", "--dir", server.dir.toString(), "alice"))
                .isZero();
        String again = alice.login(server.nextCode(server.aliceSecret));
        assertThat(alice.get("appliances", again).status()).isEqualTo(200);
        assertThat(RunningServer.sc("engineers", "disable", "--dir", server.dir.toString(), "alice"))
                .isZero();
        RunningServer.waitFor(
                "ended again",
                () -> server.audit(EventType.ENGINEER_SESSIONS_ENDED).size() == 2);
        assertThat(alice.get("appliances", again).status()).isEqualTo(401);
    }

    @Test
    void aDisabledEngineersSessionIsRefusedOnEveryRouteBeforeTheDaemonNoticesToo() throws Exception {
        // the state is read on every call: flip it in the database and call at once, many times over
        String[] sessions = new String[3];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = alice.login(server.nextCode(server.aliceSecret));
        }
        assertThat(alice.get("appliances", sessions[0]).status()).isEqualTo(200);
        assertThat(RunningServer.sc("engineers", "disable", "--dir", server.dir.toString(), "alice"))
                .isZero();
        List<Integer> statuses = new java.util.ArrayList<>();
        for (String value : sessions) {
            statuses.add(alice.get("appliances", value).status());
        }
        assertThat(statuses).allSatisfy(status -> assertThat(status).isIn(401, 403));
        server.awaitAudit(EventType.ENGINEER_SESSIONS_ENDED, r -> "alice"
                .equals(r.event().details().get("engineer")));
        long refusedByTheRoute =
                statuses.stream().filter(status -> status == 403).count();
        assertThat(server.audit(EventType.LOGIN_FAILED).stream()
                        .filter(r -> "disabled".equals(r.event().details().get("reason")))
                        .count())
                .isEqualTo(refusedByTheRoute);
    }

    @Test
    void theInternalEntryPointOpensAConnectSessionForASocket() throws Exception {
        SignedAccessToken token = SignedAccessToken.parseUnverified(token().text("token"));
        EventLoopGroup group = new NioEventLoopGroup(1);
        CompletableFuture<Relay> relay = new CompletableFuture<>();
        try {
            Channel door = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            server.daemon
                                    .sessions()
                                    .openConnect(token, server.alice.certificate(), 22, ch)
                                    .addListener(opened -> {
                                        if (opened.isSuccess()) {
                                            relay.complete((Relay) opened.getNow());
                                        } else {
                                            relay.completeExceptionally(opened.cause());
                                        }
                                    });
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            try (Socket socket = new Socket("127.0.0.1", ((InetSocketAddress) door.localAddress()).getPort())) {
                socket.setSoTimeout(10_000);
                relay.get(10, TimeUnit.SECONDS);
                OutputStream out = socket.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII))
                        .isEqualTo("hello");
            }
            door.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        server.awaitAudit(EventType.STREAM_OPENED, r -> "alice".equals(r.event().actor()));
    }
}
