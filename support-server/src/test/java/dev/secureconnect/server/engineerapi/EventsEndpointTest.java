package dev.secureconnect.server.engineerapi;

import static dev.secureconnect.server.engineerapi.RunningServer.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditEvent;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.config.ConfigFile;
import dev.secureconnect.server.engineerapi.EngineerHttp.Answer;
import dev.secureconnect.testing.Eventually;
import dev.secureconnect.tunnel.link.LinkProtocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/v1/events} over real mutual TLS: an API client pages through the audit log (after, next, head), bad
 * parameters are refused, and the role check keeps API clients to that endpoint and engineers away from it.
 */
class EventsEndpointTest {

    @TempDir
    Path temp;

    RunningServer server;
    TestPki.Issued splunk;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(temp);
        splunk = server.pki.apiClient("splunk-prod");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    EngineerHttp splunk(HttpClient.Version version) throws Exception {
        return new EngineerHttp(splunk, server.daemon.engineerAddress(), version);
    }

    @Test
    void anApiClientPagesThroughTheAuditLogAndResumesFromNext() throws Exception {
        // the daemon signs its first checkpoint about a second after start, the next one a checkpoint interval later:
        // wait for the first, so that none lands in the log between reading the head and paging up to it
        Eventually.await(
                "the daemon's first audit checkpoint",
                () -> server.daemon.audit().list(0, 100).stream()
                        .anyMatch(record -> record.event().type() == EventType.AUDIT_CHECKPOINT),
                signed -> signed);
        for (int i = 0; i < 5; i++) {
            server.daemon
                    .audit()
                    .append(ServerAuditEvent.builder(EventType.TICKET_OPENED)
                            .actor("op")
                            .appliance(SERIAL)
                            .detail("title", "poll " + i)
                            .build());
        }
        long head = server.daemon.audit().lastSeq();
        EngineerHttp http = splunk(HttpClient.Version.HTTP_2);

        List<Long> seen = new ArrayList<>();
        long after = 0;
        for (int page = 0; page < 100 && after < head; page++) {
            Answer answer = http.get("events?after=" + after + "&limit=2", null);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.body().path("events").size()).isBetween(1, 2);
            assertThat(answer.body().path("head").asLong()).isGreaterThanOrEqualTo(head);
            for (JsonNode event : answer.body().path("events")) {
                seen.add(event.path("seq").asLong());
            }
            assertThat(answer.body().path("next").asLong()).isEqualTo(seen.get(seen.size() - 1));
            after = answer.body().path("next").asLong();
        }
        assertThat(seen)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, head).boxed().toList());

        Answer caughtUp = http.get("events?after=" + head, null);
        assertThat(caughtUp.status()).isEqualTo(200);
        assertThat(caughtUp.body().path("events")).isEmpty();
        assertThat(caughtUp.body().path("next").asLong())
                .as("next stays at after")
                .isEqualTo(head);

        Answer all = http.get("events", null); // after 0, limit 500
        assertThat(all.body().path("events").size()).isEqualTo((int) head);
        JsonNode last = all.body().path("events").get((int) head - 1);
        ServerAuditRecord stored = server.daemon.audit().list(head - 1, 1).get(0);
        assertThat(last.path("event").asText()).isEqualTo("ticket.opened");
        assertThat(last.path("eventId").asInt()).isEqualTo(EventType.TICKET_OPENED.id());
        assertThat(last.path("details").path("title").asText()).isEqualTo("poll 4");
        assertThat(last.path("hash").asText()).isEqualTo(stored.hash());
        assertThat(last.path("host").asText())
                .isEqualTo(ConfigFile.read(server.dir).node());
        assertThat(last.path("product").asText()).isEqualTo("SecureConnect Server");

        Answer overHttp1 = splunk(HttpClient.Version.HTTP_1_1).get("events?after=" + (head - 1) + "&limit=10", null);
        assertThat(overHttp1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(overHttp1.body().path("events").size()).isEqualTo(1);

        assertThat(server.daemon.audit().lastSeq()).as("polls are not audited").isEqualTo(head);
    }

    @ParameterizedTest(name = "fail/{0}={1}")
    @CsvSource({
        "after, -1, 'after: ''-1'' (expected: a whole number >= 0)'",
        "after, x, 'after: ''x'' (expected: a whole number >= 0)'",
        "after, 99999999999999999999, 'after: ''99999999999999999999'' (expected: a whole number >= 0)'",
        "limit, 0, 'limit: ''0'' (expected: a whole number 1..10000)'",
        "limit, 10001, 'limit: ''10001'' (expected: a whole number 1..10000)'",
        "limit, 2.5, 'limit: ''2.5'' (expected: a whole number 1..10000)'",
    })
    void badParametersAreRefusedNamingTheParameterAndItsRange(String name, String value, String message)
            throws Exception {
        Answer answer = splunk(HttpClient.Version.HTTP_2).get("events?" + name + "=" + value, null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("reason")).isEqualTo("bad-parameter");
        assertThat(answer.text("error")).isEqualTo(message);
    }

    @Test
    void aRepeatedParameterIsRefused() throws Exception {
        Answer answer = splunk(HttpClient.Version.HTTP_2).get("events?after=1&after=2", null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("after: given more than once");
    }

    @Test
    void anApiClientMayCallNothingElseAndIsAudited() throws Exception {
        EngineerHttp http = splunk(HttpClient.Version.HTTP_2);
        List<Answer> refused = List.of(
                http.post("login", null, "{\"totp\":\"123456\"}"),
                http.post("tokens", "whatever", "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"12345678\"}"),
                http.get("appliances", null),
                http.post("events", null, ""),
                http.get("no-such-endpoint", null));
        assertThat(refused).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
            assertThat(answer.text("reason")).isEqualTo("wrong-role");
            assertThat(answer.text("error"))
                    .isEqualTo("this certificate is an api-client: it may only read /api/v1/events");
        });
        ServerAuditRecord audited = server.awaitAudit(
                EventType.LOGIN_FAILED, r -> "splunk-prod".equals(r.event().actor()));
        assertThat(audited.event().details())
                .containsEntry("reason", "wrong-role")
                .containsKey("certificate");
        assertThat(audited.event().sourceAddress()).startsWith("127.0.0.1:");
        RunningServer.waitFor(
                "every refusal audited",
                () -> server.audit(EventType.LOGIN_FAILED).stream()
                                .filter(r -> "splunk-prod".equals(r.event().actor()))
                                .count()
                        == refused.size());
    }

    @Test
    void anEngineerMayNotReadTheAuditLog() throws Exception {
        EngineerHttp alice = new EngineerHttp(server.alice, server.daemon.engineerAddress());
        String session = alice.login(server.nextCode(server.aliceSecret));
        for (String authorization : new String[] {null, session}) {
            Answer answer = alice.get("events?after=0", authorization);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
            assertThat(answer.text("reason")).isEqualTo("wrong-role");
            assertThat(answer.text("error")).isEqualTo("reading the audit log needs an api-client certificate");
        }
        server.awaitAudit(
                EventType.LOGIN_FAILED,
                r -> "alice".equals(r.event().actor())
                        && "wrong-role".equals(r.event().details().get("reason")));
        assertThat(alice.get("appliances", session).status())
                .as("the engineer API still works")
                .isEqualTo(200);
    }

    @Test
    void anApiClientMayNotOpenASessionStream() throws Exception {
        try (EngineerH2Client h2 = new EngineerH2Client(splunk, server.daemon.engineerAddress())) {
            EngineerH2Client.Stream stream = h2.open(new DefaultHttp2Headers()
                    .method("CONNECT")
                    .authority("127.0.0.1:22")
                    .set("authorization", "Bearer x")
                    .set(LinkProtocol.HEADER_ACCESS_TOKEN, "x.y.z")
                    .set(LinkProtocol.HEADER_APPLIANCE, SERIAL));
            assertThat(stream.status()).isEqualTo("403");
            assertThat(stream.reason()).isEqualTo("this certificate is an api-client: it may only read /api/v1/events");
        }
        server.awaitAudit(
                EventType.STREAM_REFUSED,
                r -> "splunk-prod".equals(r.event().actor())
                        && "403".equals(r.event().details().get("status")));
    }
}
