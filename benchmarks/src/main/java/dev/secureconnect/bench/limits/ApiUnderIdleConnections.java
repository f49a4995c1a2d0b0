package dev.secureconnect.bench.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.bench.Await;
import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.FigureGroup;
import dev.secureconnect.bench.Installation;
import dev.secureconnect.bench.Processes;
import dev.secureconnect.crypto.json.Mappers;
import dev.secureconnect.crypto.pem.Pem;
import dev.secureconnect.crypto.tls.KeyMaterial;
import dev.secureconnect.crypto.tls.TrustMaterial;
import dev.secureconnect.engineer.client.Identity;
import dev.secureconnect.engineer.client.ServerAddress;
import dev.secureconnect.engineer.client.ServerConnection;
import dev.secureconnect.engineer.client.Timeouts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Figure group {@code limits}: whether the engineer API keeps answering while the listeners hold thousands of idle
 * connections that never send a TLS hello (issue 16). A fresh {@code sc-server run} with its default limits; 2,000
 * idle connections to the engineer listener and 2,000 to the appliance listener ({@link IdleConnections}: 60 from each
 * of many loopback source addresses, under the per-source cap of 64, re-opened as soon as the server closes them at
 * its handshake time-out); then {@code api_under_idle_4000_p50_ms} / {@code _p99_ms}: the time of one API call from
 * a client at 127.0.0.1 — a new TCP connection, mutual TLS with an api-client certificate, HTTP/2,
 * {@code GET /api/v1/events?after=0&limit=1}, the answer — sequential calls while the idle connections are held.
 *
 * <p>Loopback is exempt from source blocking here ({@code limits.blocking.exempt: [127.0.0.0/8]}): with blocking on,
 * each idle source is blocked after ten handshake time-outs and its connections are then closed at accept, so after
 * the first time-out the listeners would hold almost nothing and the figure would time an idle server. Exempt, the
 * listeners carry the whole load for as long as the calls take, as they would from an attacker with more addresses
 * than blocks can keep up with. The per-source and per-listener caps keep their defaults (64, 2,048). The quick run
 * holds 200 + 200.
 */
public final class ApiUnderIdleConnections implements FigureGroup {

    private static final String PASSPHRASE = "sc-bench limits CA passphrase";
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(2);
    private static final int CALLS = 300;
    private static final int QUICK_CALLS = 50;
    private static final int WARM_UP_CALLS = 20;
    private static final Timeouts TIMEOUTS = new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
    private static final ObjectMapper JSON = Mappers.json();

    @Override
    public String name() {
        return "limits";
    }

    @Override
    public void measure(BenchRun run) throws Exception {
        Path work = Files.createDirectories(run.work().resolve("limits"));
        Map<String, String> env = Map.of("SC_PKI_PASSPHRASE", PASSPHRASE);
        command(run, work, env, "sc-pki", "init", "--dir", "ca", "--name", "Limits Bench");
        command(
                run,
                work,
                env,
                "sc-pki",
                "issue",
                "server",
                "--dir",
                "ca",
                "--dns",
                "localhost",
                "--ip",
                "127.0.0.1",
                "--out",
                "server");
        command(
                run,
                work,
                env,
                "sc-pki",
                "issue",
                "api-client",
                "--dir",
                "ca",
                "--name",
                "bench-siem",
                "--out",
                "siem");
        command(run, work, env, "sc-server", Installation.serverInit("srv"));
        Path srv = work.resolve("srv");
        exemptLoopbackFromBlocking(srv);
        Process server =
                run.processes().start("sc-server", run.launcher("sc-server", "run", "--dir", "srv"), work, env);
        JsonNode listeners = listeners(srv, server);
        InetSocketAddress engineer = address(listeners.path("engineer").asText());
        InetSocketAddress appliance = address(listeners.path("appliance").asText());

        Identity siem = new Identity(
                KeyMaterial.load(
                        work.resolve("siem/cert.pem"), work.resolve("siem/key.pem"), work.resolve("siem/chain.pem")),
                TrustMaterial.withoutRevocationCheck(
                        Pem.readCertificates(work.resolve("siem/ca.pem")),
                        Pem.readCertificates(work.resolve("siem/chain.pem"))));
        ServerAddress api = new ServerAddress("127.0.0.1", engineer.getPort());
        calls(api, siem, WARM_UP_CALLS); // both JVMs' TLS and HTTP/2 code compiled before anything is timed
        int perListener = run.quick() ? 200 : 2_000;
        int calls = run.quick() ? QUICK_CALLS : CALLS;
        long[] unloaded = calls(api, siem, calls);
        long[] loaded;
        int heldAtStart;
        int heldAtEnd;
        long reopened;
        try (IdleConnections idle = IdleConnections.open(List.of(engineer, appliance), perListener)) {
            heldAtStart = idle.open();
            loaded = calls(api, siem, calls);
            idle.check();
            heldAtEnd = idle.open();
            reopened = idle.reopened();
        }
        if (!server.isAlive()) {
            throw new BenchException(
                    "the server stopped during the run: see " + run.processes().logs());
        }
        Processes.kill(server);
        String note = calls + " sequential API calls from 127.0.0.1 (each a new TCP connection, mutual TLS with an"
                + " api-client certificate, HTTP/2 GET /api/v1/events?after=0&limit=1) while " + perListener
                + " + " + perListener + " idle connections (no TLS hello; " + IdleConnections.PER_SOURCE
                + " per loopback source address, re-opened when the server closes them at its 10 s handshake"
                + " time-out: " + reopened + " re-opened) were held on the engineer and appliance listeners ("
                + heldAtStart + " open at the first call, " + heldAtEnd + " at the last); default limits, loopback"
                + " exempt from blocking; the same calls without the idle connections: p50 " + percentile(unloaded, 50)
                + " ms, p99 " + percentile(unloaded, 99) + " ms; target p99 <= 1000 ms";
        int total = 2 * perListener;
        run.figures().add("api_under_idle_" + total + "_p50_ms", percentile(loaded, 50), "ms", note);
        run.figures().add("api_under_idle_" + total + "_p99_ms", percentile(loaded, 99), "ms", note);
    }

    /** The milliseconds each of {@code count} calls took, connection and handshake included. */
    private static long[] calls(ServerAddress api, Identity identity, int count) {
        long[] millis = new long[count];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            try (ServerConnection connection = ServerConnection.connect(api, identity, TIMEOUTS)) {
                JsonNode events = connection.call("GET", "/api/v1/events?after=0&limit=1", null, null);
                if (!events.isObject() && !events.isArray()) {
                    throw new BenchException("GET /api/v1/events answered " + events);
                }
            }
            millis[i] = (System.nanoTime() - started) / 1_000_000;
        }
        return millis;
    }

    /** The nearest-rank percentile: always a measured sample. */
    static double percentile(long[] samples, double percent) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** Lets the idle sources keep their connections: see the class comment. */
    private static void exemptLoopbackFromBlocking(Path srv) throws IOException {
        Path yaml = srv.resolve("server.yaml");
        String text = Files.readString(yaml);
        String exempt = text.replaceFirst("(?m)^(\\s+exempt: )\\[\\]", "$1[\"127.0.0.0/8\"]");
        if (exempt.equals(text)) {
            throw new BenchException("cannot exempt loopback from blocking in " + yaml);
        }
        Files.writeString(yaml, exempt);
    }

    private static JsonNode listeners(Path srv, Process server) throws IOException {
        Path file = srv.resolve("run/listeners.json");
        Await.until(Duration.ofSeconds(60), "the server's " + file, () -> {
            if (!server.isAlive()) {
                throw new BenchException("the server did not start: no " + file);
            }
            return Files.exists(file);
        });
        return JSON.readTree(file.toFile());
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new BenchException("run/listeners.json: no port in '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void command(BenchRun run, Path dir, Map<String, String> env, String launcher, String... args) {
        run.processes().run(launcher, run.launcher(launcher, args), dir, env, COMMAND_LIMIT);
    }
}
