package dev.secureconnect.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's smoke run of {@code bin/sc-bench --quick}: the harness starts the product and OpenSSH, moves data through both
 * (every transfer checked against its SHA-256 — a mismatch fails the run), and prints and writes every figure. Only
 * that it runs and the data arrived intact is checked here; the figures themselves are for docs/performance.md.
 */
class BenchSmokeIT {

    /** Every figure a run prints, a ratio to OpenSSH for those OpenSSH has too. */
    static final List<String> FIGURES = List.of(
            "upload_1_stream",
            "upload_8_streams",
            "download_1_stream",
            "download_8_streams",
            "latency_p50",
            "latency_p99",
            "ttfb_p50",
            "vs_openssh_upload_1_stream",
            "vs_openssh_upload_8_streams",
            "vs_openssh_download_1_stream",
            "vs_openssh_download_8_streams",
            "vs_openssh_latency_p50",
            "vs_openssh_latency_p99",
            "vs_openssh_ttfb_p50",
            "exec_agent_p50",
            "exec_direct_p50",
            "appliances_agent_p50",
            "appliances_direct_p50",
            "tls_handshakes_per_s",
            "audit_appends_per_s",
            "api_under_idle_400_p50_ms", // the quick run holds 400 idle connections, the full one 4,000
            "api_under_idle_400_p99_ms");

    @Test
    void theQuickRunMeasuresEveryGroupWithIntactData(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.json");
        Launcher.Result run = Launcher.run(
                Duration.ofMinutes(8),
                Map.of(),
                "sc-bench",
                "--quick",
                "--out",
                results.toString(),
                "--work",
                dir.resolve("work").toString());
        assertThat(run.exitCode()).as(run.describe()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(results));
        assertThat(json.path("run").path("complete").asBoolean()).isTrue();
        List<String> names = new ArrayList<>();
        json.path("figures").forEach(figure -> {
            names.add(figure.path("name").asText());
            assertThat(figure.path("value").asDouble()).as(figure.toString()).isPositive();
        });
        assertThat(names).containsAll(FIGURES);
        for (String name : FIGURES) {
            assertThat(run.out()).contains(name + ": ");
        }
        // the first sc-engineer command of the run started the agent in the background: the run stops it at its end
        LeftoverProcesses.assertNoneWith(
                "SECURECONNECT_HOME",
                dir.resolve("work")
                        .resolve("secureconnect")
                        .resolve("engineer-home")
                        .toString(),
                Duration.ofSeconds(15));
    }
}
