package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.testing.Eventually;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus}) scrapes {@code sc-server run}'s metrics listener on loopback, and
 * the values are read back through Prometheus's HTTP API; {@code promtool} checks the example alert rules that
 * docs/metrics.md shows. Skipped where Prometheus is not installed ({@code apt-get install prometheus}).
 */
class PrometheusIT {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void prometheusScrapesTheServerAndAnswersWithItsValues() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus is not installed (Debian package prometheus)");
        try (ServerProcess server = new ServerProcess(root)) {
            server.metricsOnAnyPort();
            server.start();
            String target = server.listener("metrics");
            assertThat(target).startsWith("127.0.0.1:");
            server.admin("tickets open", "--title", "metrics"); // another process appends to the audit log
            long seq = server.lastSeq();
            assertThat(seq).as("tickets open audits").isPositive();

            int port = freePort();
            Path config = Files.writeString(
                    root.resolve("prometheus.yml"),
                    "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                            + "scrape_configs:\n  - job_name: secureconnect\n    static_configs:\n"
                            + "      - targets: ['" + target + "']\n");
            Path log = root.resolve("prometheus.log");
            Process prometheus = new ProcessBuilder(
                            PROMETHEUS.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + Files.createDirectories(root.resolve("tsdb")),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                HttpClient client = HttpClient.newHttpClient();
                JsonNode up = Eventually.await(
                        "Prometheus scraped the server (log: " + log + ")",
                        Duration.ofSeconds(60),
                        () -> query(client, port, "up{job=\"secureconnect\"}", prometheus),
                        result -> result.size() == 1);
                assertThat(value(up)).as("the scrape succeeded").isEqualTo("1");

                assertThat(value(query(client, port, "secureconnect_links_up", prometheus)))
                        .isEqualTo("0");
                Eventually.await(
                        "the daemon saw the record another process appended, and Prometheus scraped it",
                        Duration.ofSeconds(30),
                        () -> query(client, port, "secureconnect_audit_head_seq", prometheus),
                        result -> result.size() == 1 && Double.parseDouble(value(result)) >= seq);
                assertThat(query(
                                client,
                                port,
                                "secureconnect_handshakes_total{listener=\"appliance\",reason=\"revoked\"}",
                                prometheus))
                        .as("every refusal reason is a series from the start")
                        .hasSize(1);
                assertThat(query(client, port, "jvm_memory_used_bytes", prometheus))
                        .isNotEmpty();
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void theExampleAlertRulesAreValid() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (Debian package prometheus)");
        Path rules = Launcher.root().resolve("docs/metrics-alerts.yml");
        Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", rules.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: 7 rules found");
    }

    /** The result vector of an instant query (empty while no sample is there); fails if Prometheus has died. */
    private static JsonNode query(HttpClient client, int port, String promql, Process prometheus) {
        assertThat(prometheus.isAlive()).as("prometheus runs").isTrue();
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                                    + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return JSON.createArrayNode();
            }
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("status").asText()).as(response.body()).isEqualTo("success");
            return body.path("data").path("result");
        } catch (IOException e) {
            return JSON.createArrayNode(); // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }

    /** The value of a one-sample result: {@code [{"metric": …, "value": [time, "v"]}]}. */
    private static String value(JsonNode result) {
        assertThat(result).as(result.toString()).hasSize(1);
        return result.get(0).path("value").get(1).asText();
    }

    /** A port free now, for Prometheus's web listener (it cannot be told to pick one and say which). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
