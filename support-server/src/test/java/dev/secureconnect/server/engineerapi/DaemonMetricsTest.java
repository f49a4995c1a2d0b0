package dev.secureconnect.server.engineerapi;

import static dev.secureconnect.server.engineerapi.RunningServer.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.server.ServerDaemon;
import dev.secureconnect.server.config.ServerConfig;
import dev.secureconnect.testing.Eventually;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's metrics, scraped over real HTTP from its metrics listener (port 0, published in
 * {@code run/listeners.json}) while real clients drive it: a handshake the engineer listener refuses, an appliance
 * link, a wrong TOTP code, a token issued and one refused, audit appends; the JVM's and the pool's meters are there.
 */
class DaemonMetricsTest {

    @TempDir
    Path temp;

    RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(
                temp,
                config -> config.withMetrics(
                        new ServerConfig.Metrics(true, new ServerConfig.Listener("127.0.0.1", 0), null)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theMetricsFollowWhatTheServerDoes() throws Exception {
        InetSocketAddress address = server.daemon.metricsAddress().orElseThrow();
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        assertThat(new ObjectMapper()
                        .readTree(
                                server.dir.resolve(ServerDaemon.LISTENERS_FILE).toFile())
                        .path("metrics")
                        .asText())
                .isEqualTo("127.0.0.1:" + address.getPort());
        String before = scrape(address);
        assertThat(value(before, "secureconnect_links_up")).isZero();
        assertThat(value(before, handshakes("engineer", "refused", "wrong-role")))
                .isZero();
        assertThat(before)
                .contains("jvm_memory_used_bytes{")
                .contains("hikaricp_connections_active{")
                .contains("secureconnect_audit_append_seconds_bucket{");

        refusedAtTheHandshake();
        String ticket = server.openTicket();
        try (FakeAppliance appliance = server.connectAppliance(ticket)) {
            EngineerHttp alice = new EngineerHttp(server.alice, server.daemon.engineerAddress());
            assertThat(alice.post("login", null, "{\"totp\":\"000000\"}").status())
                    .isEqualTo(401);
            String session = alice.login(server.nextCode(server.aliceSecret));
            assertThat(alice.post("tokens", session, "{\"appliance\":\"" + SERIAL + "\",\"ticket\":\"" + ticket + "\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(alice.post("tokens", session, "{\"appliance\":\"SN-ELSEWHERE\",\"ticket\":\"" + ticket + "\"}")
                            .status())
                    .isEqualTo(403);

            String after = scrape(address);
            assertThat(value(after, "secureconnect_links_up")).isEqualTo(1);
            assertThat(value(after, handshakes("engineer", "refused", "wrong-role")))
                    .isEqualTo(1);
            assertThat(value(after, handshakes("appliance", "ok", "none"))).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "secureconnect_login_failures_total{reason=\"bad_code\"}"))
                    .isEqualTo(1);
            assertThat(value(after, "secureconnect_tokens_total{outcome=\"issued\",reason=\"none\"}"))
                    .isEqualTo(1);
            assertThat(value(
                            after,
                            "secureconnect_tokens_total{outcome=\"refused\",reason=\"appliance-not-connected\"}"))
                    .isEqualTo(1);
            assertThat(value(after, "secureconnect_audit_records_appended_total"))
                    .isGreaterThan(value(before, "secureconnect_audit_records_appended_total"));
            assertThat(after).doesNotContain(SERIAL).doesNotContain("alice").doesNotContain(ticket);
        }
        Eventually.within(
                Duration.ofSeconds(20),
                "the link's end counted",
                () -> value(scrape(address), "secureconnect_links_up") == 0);
    }

    @Test
    void openMetricsWhenAskedAndOnlyGetMetrics() throws Exception {
        InetSocketAddress address = server.daemon.metricsAddress().orElseThrow();
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> open = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/metrics"))
                        .header("accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(open.body()).endsWith("# EOF\n");
        HttpResponse<String> elsewhere = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    private void refusedAtTheHandshake() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            try {
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
        Eventually.within(
                Duration.ofSeconds(20),
                "the refusal counted",
                () -> value(
                                scrape(server.daemon.metricsAddress().orElseThrow()),
                                handshakes("engineer", "refused", "wrong-role"))
                        == 1);
    }

    private static String handshakes(String listener, String outcome, String reason) {
        return "secureconnect_handshakes_total{listener=\"" + listener + "\",outcome=\"" + outcome + "\",reason=\""
                + reason + "\"}";
    }

    static String scrape(InetSocketAddress address) {
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        return response.body();
    }

    /** The value of the series {@code series} (name and labels exactly as exposed) in a scrape. */
    static double value(String scrape, String series) {
        Matcher matcher =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        if (!matcher.find()) {
            throw new AssertionError("no series " + series + " in the scrape");
        }
        return Double.parseDouble(matcher.group(1));
    }
}
