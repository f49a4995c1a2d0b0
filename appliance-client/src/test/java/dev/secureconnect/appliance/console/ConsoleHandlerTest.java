package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.appliance.admin.AdminResponse;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.testing.ApplianceUnderTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConsoleHandler} in an {@code EmbeddedChannel}: routing, security headers, refusals before any route. */
class ConsoleHandlerTest {

    @TempDir
    Path work;

    private ConsoleEvents events;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        ApplianceDirectory directory = ApplianceDirectory.open(ApplianceUnderTest.init(work, "127.0.0.1:1").dir);
        SignIns signIns = new SignIns(Clock.systemUTC(), Duration.ofMinutes(5), 3, Duration.ofMinutes(5));
        // the daemon is not running here: the admin handler answers every command with a refusal
        var admin = (dev.secureconnect.appliance.admin.AdminServer.Handler)
                (request, actor) -> AdminResponse.failed("no daemon in this test");
        ConsoleApi api = new ConsoleApi(
                admin,
                new ConsoleUsers(directory),
                signIns,
                new ApplianceAuditLog(directory, Clock.systemUTC()),
                directory);
        events = new ConsoleEvents(admin, signIns);
        channel = new EmbeddedChannel(new ConsoleHandler(api, Assets.load(), events));
    }

    @AfterEach
    void tearDown() {
        events.close();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void thePageComesWithItsSecurityHeaders() {
        FullHttpResponse page = exchange(request(HttpMethod.GET, "/"));
        try {
            assertThat(page.status().code()).isEqualTo(200);
            assertThat(page.headers().get("Content-Type")).startsWith("text/html");
            assertThat(page.headers().get("Content-Security-Policy")).isEqualTo(ConsoleHandler.CSP);
            assertThat(page.headers().get("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.headers().get("Cache-Control")).isEqualTo("no-store");
            assertThat(page.content().toString(StandardCharsets.UTF_8)).contains("<title>SecureConnect");
        } finally {
            page.release();
        }
    }

    @Test
    void refusalsComeBeforeAnyRoute() {
        assertStatus(request(HttpMethod.GET, "/assets/../../etc/passwd"), 404);
        assertStatus(request(HttpMethod.POST, "/assets/console.js"), 404);
        assertStatus(request(HttpMethod.GET, "/api/status"), 401);
        assertStatus(request(HttpMethod.GET, "/api/events"), 401);
        FullHttpRequest crossOrigin = request(HttpMethod.POST, "/api/session");
        crossOrigin.headers().set("Origin", "https://evil.example").set("Host", "127.0.0.1:8765");
        assertStatus(crossOrigin, 403);
        FullHttpRequest notJson = request(HttpMethod.POST, "/api/session");
        notJson.headers().set("Content-Type", "text/plain");
        assertStatus(notJson, 415);
        FullHttpRequest broken = request(HttpMethod.GET, "/");
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad")));
        assertStatus(broken, 400);
    }

    @Test
    void aWrongPasswordIsRefused() {
        FullHttpRequest signIn = request(HttpMethod.POST, "/api/session");
        signIn.headers().set("Content-Type", "application/json");
        signIn.content()
                .writeCharSequence("{\"name\":\"admin\",\"password\":\"nope nope nope\"}", StandardCharsets.UTF_8);
        FullHttpResponse response = exchange(signIn);
        try {
            assertThat(response.status().code()).isEqualTo(401);
            assertThat(response.headers().contains("Set-Cookie")).isFalse();
            assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("wrong name or password");
        } finally {
            response.release();
        }
    }

    private static FullHttpRequest request(HttpMethod method, String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.buffer());
    }

    private void assertStatus(FullHttpRequest request, int status) {
        String uri = request.uri();
        FullHttpResponse response = exchange(request);
        try {
            assertThat(response.status().code()).as(uri).isEqualTo(status);
            assertThat(response.headers().get("Content-Security-Policy")).isEqualTo(ConsoleHandler.CSP);
        } finally {
            response.release();
        }
    }

    private FullHttpResponse exchange(FullHttpRequest request) {
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        assertThat(response).isNotNull();
        if (!channel.isOpen()) {
            channel = new EmbeddedChannel(channel.pipeline().first());
        }
        return response;
    }
}
