package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.crypto.pki.CertificateFingerprint;
import dev.secureconnect.crypto.pki.CertificateRole;
import dev.secureconnect.crypto.testing.TestPki;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.engineers.EngineerSettings;
import dev.secureconnect.server.engineers.EngineerStore;
import dev.secureconnect.server.engineers.TotpSecretKey;
import dev.secureconnect.server.storage.Database;
import dev.secureconnect.server.storage.DatabaseSettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engineer API's router on an {@link EmbeddedChannel}, with a few routes of its own: a call reaches its endpoint;
 * an unknown path is 404, a known path with another method 405 with {@code allow}; bad input (a body that is not
 * JSON, a request the HTTP decoder could not read), an endpoint that fails, a missing session or certificate and a
 * wrong role each get their status and a JSON error {@code {"error": one line, "reason": code}}.
 */
class ApiRouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestPki.Issued ALICE = TestPki.shared().engineer("router-alice");

    @TempDir
    java.nio.file.Path dir;

    private final ExecutorService blocking = Executors.newSingleThreadExecutor();
    private Database database;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        database = Database.open(DatabaseSettings.sqlite(dir));
        Clock clock = Clock.systemUTC();
        ServerAuditLog audit = new ServerAuditLog(database, clock);
        List<Endpoint.Route> routes = List.of(
                new Endpoint.Route(
                        HttpMethod.GET,
                        "status",
                        false,
                        false,
                        CertificateRole.ENGINEER,
                        call -> ApiResponse.ok(Map.of("status", "up"))),
                new Endpoint.Route(
                        HttpMethod.POST,
                        "echo",
                        false,
                        false,
                        CertificateRole.ENGINEER,
                        call -> ApiResponse.ok(Map.of(
                                "x", call.json("an object with x").path("x").asText()))),
                new Endpoint.Route(HttpMethod.POST, "boom", false, false, CertificateRole.ENGINEER, call -> {
                    throw new IllegalStateException("secret detail\nsecond line");
                }),
                new Endpoint.Route(
                        HttpMethod.GET,
                        "me",
                        true,
                        false,
                        CertificateRole.ENGINEER,
                        call -> ApiResponse.ok(Map.of("login", call.session().login()))),
                new Endpoint.Route(
                        HttpMethod.GET,
                        "events",
                        false,
                        false,
                        CertificateRole.API_CLIENT,
                        call -> ApiResponse.ok(Map.of())));
        ApiRouter router = new ApiRouter(
                routes,
                new EngineerStore(database, audit, clock, TotpSecretKey.in(dir), EngineerSettings.defaults()),
                new LoginSessions(database, clock),
                audit,
                blocking);
        channel = new EmbeddedChannel(router);
        connectedAs(CertificateRole.ENGINEER);
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        blocking.shutdownNow();
        database.close();
    }

    @Test
    void aCallReachesItsEndpoint() throws Exception {
        FullHttpResponse response = call(request(HttpMethod.GET, "/api/v1/status", ""));

        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(body(response)).isEqualTo(JSON.readTree("{\"status\":\"up\"}"));
        response.release();

        FullHttpResponse echoed = call(request(HttpMethod.POST, "/api/v1/echo?ignored=1", "{\"x\":\"hello\"}"));
        assertThat(echoed.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(body(echoed).path("x").asText()).isEqualTo("hello");
        echoed.release();
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        JsonNode error = error(request(HttpMethod.GET, "/api/v1/nosuch%0Aline", ""), HttpResponseStatus.NOT_FOUND);
        assertThat(error.path("reason").asText()).isEqualTo("not-found");
        assertThat(error.path("error").asText()).startsWith("no such endpoint: ");

        JsonNode stream = error(request(HttpMethod.GET, "/v1/exec", ""), HttpResponseStatus.NOT_FOUND);
        assertThat(stream.path("error").asText()).contains("session streams need HTTP/2");
    }

    @Test
    void aKnownPathWithAnotherMethodIs405WithAllow() throws Exception {
        FullHttpResponse response = call(request(HttpMethod.DELETE, "/api/v1/status", ""));
        assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(response.headers().get("allow")).isEqualTo("GET");
        assertOneLineError(body(response), "method-not-allowed");
        response.release();
    }

    @Test
    void badInputIsA400WithAOneLineJsonError() throws Exception {
        JsonNode notJson =
                error(request(HttpMethod.POST, "/api/v1/echo", "{not json\n}"), HttpResponseStatus.BAD_REQUEST);
        assertThat(notJson.path("reason").asText()).isEqualTo("bad-request");
        assertThat(notJson.path("error").asText()).isEqualTo("body is not JSON: expected an object with x");

        JsonNode notObject = error(request(HttpMethod.POST, "/api/v1/echo", "[1]"), HttpResponseStatus.BAD_REQUEST);
        assertThat(notObject.path("error").asText()).isEqualTo("body must be an object with x");

        FullHttpRequest garbled = request(HttpMethod.GET, "/api/v1/status", "");
        garbled.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header\nline")));
        JsonNode malformed = error(garbled, HttpResponseStatus.BAD_REQUEST);
        assertThat(malformed.path("error").asText()).isEqualTo("malformed HTTP request");
        channel.runPendingTasks();
        assertThat(channel.isOpen())
                .as("a connection that sent garbage is closed")
                .isFalse();
    }

    @Test
    void aFailingEndpointIsA500ThatTellsNothingOfTheFailure() throws Exception {
        JsonNode error = error(request(HttpMethod.POST, "/api/v1/boom", ""), HttpResponseStatus.INTERNAL_SERVER_ERROR);
        assertThat(error.path("reason").asText()).isEqualTo("internal-error");
        assertThat(error.toString()).doesNotContain("secret");
    }

    @Test
    void aCallWithoutItsSessionOrCertificateIs401() throws Exception {
        FullHttpResponse response = call(request(HttpMethod.GET, "/api/v1/me", ""));
        assertThat(response.status()).isEqualTo(HttpResponseStatus.UNAUTHORIZED);
        assertThat(response.headers().get("www-authenticate")).isEqualTo("Bearer");
        assertOneLineError(body(response), "no-session");
        response.release();

        FullHttpRequest unknown = request(HttpMethod.GET, "/api/v1/me", "");
        unknown.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer nosuchsession");
        assertThat(error(unknown, HttpResponseStatus.UNAUTHORIZED)
                        .path("reason")
                        .asText())
                .isEqualTo("session-expired");

        channel.attr(EngineerConnection.KEY).set(null);
        assertThat(error(request(HttpMethod.GET, "/api/v1/status", ""), HttpResponseStatus.UNAUTHORIZED)
                        .path("reason")
                        .asText())
                .isEqualTo("no-certificate");
    }

    @Test
    void eachRoleReachesOnlyItsRoutes() throws Exception {
        assertThat(error(request(HttpMethod.GET, "/api/v1/events", ""), HttpResponseStatus.FORBIDDEN)
                        .path("error")
                        .asText())
                .isEqualTo(ApiRouter.API_CLIENT_NEEDED);

        connectedAs(CertificateRole.API_CLIENT);
        JsonNode refused = error(request(HttpMethod.GET, "/api/v1/nosuch", ""), HttpResponseStatus.FORBIDDEN);
        assertThat(refused.path("reason").asText()).isEqualTo("wrong-role");
        assertThat(refused.path("error").asText()).isEqualTo(ApiRouter.API_CLIENT_ONLY);
        FullHttpResponse events = call(request(HttpMethod.GET, "/api/v1/events", ""));
        assertThat(events.status()).isEqualTo(HttpResponseStatus.OK);
        events.release();
    }

    private void connectedAs(CertificateRole role) throws Exception {
        channel.attr(EngineerConnection.KEY)
                .set(new EngineerConnection(
                        role,
                        "router-alice",
                        ALICE.certificate(),
                        CertificateFingerprint.of(ALICE.certificate()),
                        "192.0.2.1:50000",
                        InetAddress.getByName("192.0.2.1")));
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, method, uri, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        return request;
    }

    private FullHttpResponse call(FullHttpRequest request) {
        channel.writeInbound(request);
        // a call with a login session is answered from the blocking executor (the sessions are in the database)
        FullHttpResponse response = null;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (response == null && System.nanoTime() < deadline) {
            channel.runPendingTasks();
            response = channel.readOutbound();
            if (response == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        assertThat(response)
                .as("the answer to %s %s", request.method(), request.uri())
                .isNotNull();
        return response;
    }

    /** The JSON error of the answer to {@code request}, which must have {@code status}. */
    private JsonNode error(FullHttpRequest request, HttpResponseStatus status) throws Exception {
        FullHttpResponse response = call(request);
        try {
            assertThat(response.status()).isEqualTo(status);
            JsonNode error = body(response);
            assertOneLineError(error, error.path("reason").asText());
            return error;
        } finally {
            response.release();
        }
    }

    private static void assertOneLineError(JsonNode error, String reason) {
        assertThat(error.size()).as(error.toString()).isEqualTo(2);
        assertThat(error.path("reason").asText()).isEqualTo(reason).isNotBlank();
        assertThat(error.path("error").asText()).isNotBlank().doesNotContainPattern("\\R");
    }

    private static JsonNode body(FullHttpResponse response) throws Exception {
        return JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
    }
}
