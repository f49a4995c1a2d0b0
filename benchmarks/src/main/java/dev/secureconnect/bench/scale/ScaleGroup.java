package dev.secureconnect.bench.scale;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.FigureGroup;
import dev.secureconnect.bench.Installation;
import dev.secureconnect.bench.Processes;
import dev.secureconnect.crypto.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fleet-scale figures (issue 7, deliverable 3): one {@code sc-server run} process and a {@link Fleet} of simulated
 * appliances in one other JVM.
 *
 * <ul>
 *   <li>{@code idle_links_heap_per_link_N} / {@code idle_links_rss_per_link_N} (KiB per link): the server's heap after
 *       a full GC and its RSS with N admitted idle links, less the same at 0 links, divided by N; and
 *       {@code idle_links_heap_N} in MiB (target at 10,000: ≤ 1 GiB, ≤ 64 KiB per link);</li>
 *   <li>{@code reconnect_storm_N_s}: the server is killed (SIGKILL) with N links up and started again at once; the
 *       time from the kill until every appliance is admitted again (target at 10,000: ≤ 30 s); the server must then
 *       still answer {@code sc-server appliances --json}; and {@code reconnect_storm_N_resumed} (%), the share of the
 *       storm's handshakes that resumed a session made before the kill (the server's ticket keys are persisted);</li>
 *   <li>{@code tls_handshakes_per_s}: full mutual-TLS handshakes per second the appliance listener completes, the
 *       fleet dialling with a fixed number in flight and no session resumption.</li>
 * </ul>
 * The quick run uses 200 links throughout and a few hundred handshakes. The baseline is taken at 0 links after a
 * warm-up of {@value #WARM_UP_HANDSHAKES} handshakes, so one-time costs (class-level caches, the buffer pool's first
 * chunks) are not counted per link.
 */
public final class ScaleGroup implements FigureGroup {

    /**
     * The server's JVM options, as an operator holding 10,000 links would set them (docs/server.md): a fixed heap, so
     * that the RSS figures count what the links touch, not the collector growing and giving back the heap.
     */
    static final String SERVER_JAVA_OPTS = "-Xms1g -Xmx1g";
    /** The fleet's JVM options: 10,000 links with their TLS and HTTP/2 state. */
    private static final List<String> FLEET_JAVA_OPTS = List.of("-Xmx3g", "-XX:+UseParallelGC");

    private static final String PASSPHRASE = "sc-bench scale CA passphrase";
    private static final int HANDSHAKE_CONCURRENCY = 64;
    static final int WARM_UP_HANDSHAKES = 256;
    private static final Duration STORM_LIMIT = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = Mappers.json();
    /**
     * The environment variable naming the {@code java} the fleet runs on (default: sc-bench's own), e.g. a newer JDK
     * whose TLS client keeps several session tickets per server.
     */
    static final String FLEET_JAVA_VARIABLE = "SC_BENCH_FLEET_JAVA";
    /** The system property that sets how fast the fleet grows ({@link #growthPerSecond}). */
    static final String GROWTH_PROPERTY = "sc-bench.scale.growthPerSecond";
    /** The system property that sets the one fleet size measured ({@link #sizes}). */
    static final String LINKS_PROPERTY = "sc-bench.scale.links";
    /** The system property that sets the server's caps on unfinished handshakes ({@link #halfOpenCap}). */
    static final String HALF_OPEN_PROPERTY = "sc-bench.scale.halfOpen";

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public void measure(BenchRun run) throws Exception {
        Path work = run.work();
        Map<String, String> env = Map.of("SC_PKI_PASSPHRASE", PASSPHRASE, "SC_JAVA_OPTS", SERVER_JAVA_OPTS);
        Processes processes = run.processes();
        processes.run(
                "sc-pki",
                run.launcher("sc-pki", "init", "--dir", "ca", "--name", "Scale Bench"),
                work,
                env,
                Duration.ofSeconds(120));
        processes.run(
                "sc-pki",
                run.launcher(
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
                        "server"),
                work,
                env,
                Duration.ofSeconds(60));
        processes.run(
                "sc-server",
                run.launcher("sc-server", Installation.serverInit("srv")),
                work,
                env,
                Duration.ofSeconds(60));
        String ticket = processes
                .run(
                        "sc-server",
                        run.launcher("sc-server", "tickets", "open", "--dir", "srv", "--title", "sc-bench fleet"),
                        work,
                        env,
                        Duration.ofSeconds(60))
                .strip();

        Path srv = work.resolve("srv");
        oneSourceFleet(srv);
        Process server = startServer(run, env);
        int port = appliancePort(srv, server);
        pinAppliancePort(srv, port);
        FleetProcess fleet = startFleet(run, env, port, ticket);
        List<Integer> sizes = sizes(run.quick());
        fleet.call("issue " + sizes.get(sizes.size() - 1), Duration.ofSeconds(10)); // in the background from now on
        // warm-up, so that the baseline at 0 links already holds what any first connections leave behind for good
        // (the TLS and HTTP/2 code's caches, the buffer pool's first chunks) and the per-link figures do not
        fleet.call("handshakes " + WARM_UP_HANDSHAKES + " " + HANDSHAKE_CONCURRENCY, Duration.ofSeconds(180));
        ServerProbe probe = new ServerProbe(processes, work);
        ServerProbe.Memory baseline = probe.measure(server.pid());
        System.err.println("sc-bench: scale: server baseline heap " + baseline.heapKiB() + " KiB, RSS "
                + baseline.rssKiB() + " KiB");
        for (int links : sizes) {
            // dialling spread at ~400 new links/s, the rate one server comfortably admits (on a quiet machine)
            fleet.call("grow " + links + " " + links * 1000L / growthPerSecond(), Duration.ofSeconds(600));
            awaitAdmitted(
                    fleet,
                    links,
                    Duration.ofSeconds(links >= 10_000 ? 240 : 120),
                    "growing the fleet to " + links + " links");
            ServerProbe.Memory held = probe.measure(server.pid());
            double heapPerLink = (held.heapKiB() - baseline.heapKiB()) / (double) links;
            double rssPerLink = (held.rssKiB() - baseline.rssKiB()) / (double) links;
            String note = links + " admitted idle links; (at N - at 0) / N; heap after a full GC (jcmd GC.run,"
                    + " GC.heap_info); baseline at 0 links after " + WARM_UP_HANDSHAKES + " warm-up handshakes: "
                    + baseline.heapKiB() + " KiB heap, " + baseline.rssKiB() + " KiB RSS; server SC_JAVA_OPTS='"
                    + SERVER_JAVA_OPTS + "'";
            run.figures().add("idle_links_heap_per_link_" + links, round(heapPerLink), "KiB", note);
            run.figures().add("idle_links_rss_per_link_" + links, round(rssPerLink), "KiB", note);
            if (links == sizes.get(sizes.size() - 1)) {
                run.figures()
                        .add(
                                "idle_links_heap_" + links,
                                round(held.heapKiB() / 1024.0),
                                "MiB",
                                links
                                        + " admitted idle links, heap used after a full GC (target at 10,000: <= 1024 MiB)");
            }
        }

        int links = sizes.get(sizes.size() - 1);
        server = storm(run, env, fleet, server, links, srv);

        fleet.call("stop", Duration.ofSeconds(60));
        int count = run.quick() ? 300 : 2_000;
        Map<String, Integer> done = FleetProcess.fields(
                fleet.call("handshakes " + count + " " + HANDSHAKE_CONCURRENCY, Duration.ofSeconds(180)));
        double seconds = requireNonNull(done.get("seconds"), "seconds") / 1000.0;
        if (requireNonNull(done.get("ok"), "ok") == 0) {
            throw new BenchException("no TLS handshake completed (" + done + "): see " + processes.logs());
        }
        run.figures()
                .add(
                        "tls_handshakes_per_s",
                        round(done.get("ok") / seconds),
                        "1/s",
                        done.get("ok")
                                + " full mutual-TLS handshakes (RSA-2048 certificates both ways, no resumption) in "
                                + round(seconds) + " s, " + HANDSHAKE_CONCURRENCY + " in flight, " + done.get("failed")
                                + " failed; client and server share the machine's cores");
        fleet.quit();
    }

    /** Kills the server with {@code links} links up, starts it again at once, and times until all are back. */
    private Process storm(
            BenchRun run, Map<String, String> env, FleetProcess fleet, Process server, int links, Path srv)
            throws InterruptedException {
        Map<String, Integer> before = fleet.counts();
        long killed = System.nanoTime();
        Processes.kill(server);
        Path listeners = srv.resolve("run/listeners.json");
        try {
            Files.deleteIfExists(listeners); // left behind by the kill; the new server writes it once it listens
        } catch (IOException e) {
            throw new BenchException("cannot remove " + listeners + ": " + e.getMessage(), e);
        }
        Process restarted = startServer(run, env);
        awaitCount(
                fleet,
                counts -> requireNonNull(counts.get("admitted"), "admitted") < links,
                Duration.ofSeconds(30),
                "the fleet noticing the kill");
        long deadline = killed + STORM_LIMIT.toNanos();
        long listening = 0;
        int back = 0;
        while (System.nanoTime() < deadline) {
            if (listening == 0 && Files.exists(listeners)) {
                listening = System.nanoTime();
            }
            back = requireNonNull(fleet.counts().get("admitted"), "admitted");
            if (back >= links) {
                break;
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - killed) / 1e9;
        Map<String, Integer> counts = fleet.counts();
        if (!restarted.isAlive()) {
            throw new BenchException("the server fell over in the reconnect storm: " + tailOf(run, "sc-server"));
        }
        String appliances = run.processes()
                .run(
                        "sc-server",
                        run.launcher("sc-server", "appliances", "--dir", "srv", "--json"),
                        run.work(),
                        env,
                        Duration.ofSeconds(60));
        long online = online(appliances);
        String note = links + " links, server killed (SIGKILL) and restarted at once (listening again after "
                + (listening == 0 ? "?" : Double.toString(round((listening - killed) / 1e9)))
                + " s; " + halfOpenCap() + " unfinished handshakes at most, then the listener stops accepting);"
                + " appliance back-off 1 s doubling to 60 s and never longer than the outage so far, full jitter (at most 4 s, not doubled, after an"
                + " attempt the server never answered); " + delta(counts, before, "failures")
                + " failed attempts in the storm, " + delta(counts, before, "busy")
                + " of them unanswered (connect timed out, or closed before the server's first byte), "
                + counts.get("failures") + " since the fleet started; the fleet on " + fleetJava()
                + "; afterwards sc-server appliances --json lists "
                + online + " online";
        if (back < links) {
            note = "INCOMPLETE: only " + back + " of " + links + " back within " + STORM_LIMIT.toSeconds() + " s; "
                    + note;
        }
        run.figures().add("reconnect_storm_" + links + "_s", round(seconds), "s", note);
        int handshakes = delta(counts, before, "handshakes");
        int resumed = delta(counts, before, "resumed");
        run.figures()
                .add(
                        "reconnect_storm_" + links + "_resumed",
                        handshakes == 0 ? 0 : round(100.0 * resumed / handshakes),
                        "%",
                        resumed + " of the " + handshakes + " TLS handshakes the fleet completed from the kill until"
                                + " all were back resumed a session made before the kill (TLS 1.3 ticket sealed with"
                                + " the server's persisted key); the rest were full handshakes; "
                                + delta(counts, before, "ticketsLost") + " of the "
                                + delta(counts, before, "ticketsOffered")
                                + " attempts that offered a ticket failed before their handshake finished, spending it"
                                + " (the JDK's client sends a TLS 1.3 ticket once; JDK 17's holds one per server, so"
                                + " the next attempt is a full handshake; JDK 25's holds all the server sent): "
                                + delta(counts, before, "ticketsLostToTimeout") + " to the appliance's handshake"
                                + " time-out, " + delta(counts, before, "ticketsLostToClose")
                                + " closed by the server");
        return restarted;
    }

    /**
     * The fleet sizes measured: 200 on the quick run, else 1,000 then 10,000, or the one size that the system property
     * {@value #LINKS_PROPERTY} gives (e.g. {@code SC_BENCH_JAVA_OPTS=-Dsc-bench.scale.links=2000} for a storm that
     * fits a shared machine).
     */
    static List<Integer> sizes(boolean quick) {
        if (System.getProperty(LINKS_PROPERTY) == null) {
            return quick ? List.of(200) : List.of(1_000, 10_000);
        }
        return List.of(positiveProperty(LINKS_PROPERTY, 1, "a number of links"));
    }

    /**
     * The server's cap on unfinished handshakes per listener (and, the fleet coming from one address, per source): 2,048
     * (the default of server.yaml), or what the system property {@value #HALF_OPEN_PROPERTY} says, so that a storm of a
     * few hundred or thousand links meets the cap as a storm of 10,000 meets 2,048 (e.g. 200 for 1,000 links).
     */
    static int halfOpenCap() {
        return positiveProperty(HALF_OPEN_PROPERTY, 2048, "a number of connections");
    }

    /**
     * New links a second while the fleet grows: 400, or what the system property {@value #GROWTH_PROPERTY} says (a
     * machine shared with other work admits fewer: full handshakes that wait beyond the time-out are retried).
     */
    static int growthPerSecond() {
        return positiveProperty(GROWTH_PROPERTY, 400, "links a second");
    }

    /** The whole number (at least 1) in system property {@code name}, or {@code unset} when it is not set. */
    private static int positiveProperty(String name, int unset, String expected) {
        String value = System.getProperty(name);
        if (value == null) {
            return unset;
        }
        String wrong = name + ": '" + value + "' (expected: " + expected + ", at least 1)";
        int number;
        try {
            number = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new BenchException(wrong, e);
        }
        if (number < 1) {
            throw new BenchException(wrong);
        }
        return number;
    }

    /** The {@code java} the fleet runs on: {@value #FLEET_JAVA_VARIABLE} if set, else sc-bench's own. */
    static String fleetJava() {
        String java = System.getenv(FLEET_JAVA_VARIABLE);
        return java == null || java.isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                : java;
    }

    private static int delta(Map<String, Integer> now, Map<String, Integer> before, String field) {
        return requireNonNull(now.get(field), field) - requireNonNull(before.get(field), field);
    }

    private Process startServer(BenchRun run, Map<String, String> env) {
        return run.processes().start("sc-server", run.launcher("sc-server", "run", "--dir", "srv"), run.work(), env);
    }

    private FleetProcess startFleet(BenchRun run, Map<String, String> env, int port, String ticket) throws IOException {
        Path root = run.root();
        List<String> command = new java.util.ArrayList<>();
        command.add(fleetJava());
        command.addAll(FLEET_JAVA_OPTS);
        command.addAll(List.of(
                "-cp",
                root.resolve("benchmarks/target/sc-bench.jar") + ":" + root.resolve("benchmarks/target/lib") + "/*",
                Fleet.class.getName(),
                run.work().resolve("ca").toString(),
                "127.0.0.1",
                Integer.toString(port),
                ticket));
        Process process = run.processes().start("fleet", command, run.work(), env);
        Path output;
        try (Stream<Path> logs = Files.list(run.processes().logs())) {
            output = logs.filter(p -> p.getFileName().toString().matches("fleet-\\d+\\.out"))
                    .findFirst()
                    .orElseThrow(() -> new BenchException(
                            "no fleet log in " + run.processes().logs()));
        }
        FleetProcess fleet = new FleetProcess(process, output);
        fleet.awaitReady(Duration.ofSeconds(60));
        return fleet;
    }

    /** The appliance listener's port, from {@code run/listeners.json} once the server wrote it. */
    private static int appliancePort(Path srv, Process server) throws InterruptedException, IOException {
        Path listeners = srv.resolve("run/listeners.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(listeners)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new BenchException("the server did not start (no " + listeners + ")");
            }
            Thread.sleep(50);
        }
        String address = JSON.readTree(listeners.toFile()).path("appliance").asText();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /**
     * Lets the whole fleet come from one address: a real fleet comes from thousands, but here every appliance dials
     * from 127.0.0.1, which the per-source cap on unfinished handshakes and the block after failed handshakes (a storm
     * times some out) would otherwise throttle as one attacker. The per-source cap is raised to the per-listener one
     * ({@link #halfOpenCap}).
     */
    private static void oneSourceFleet(Path srv) throws IOException {
        Path yaml = srv.resolve("server.yaml");
        String text = Files.readString(yaml);
        int cap = halfOpenCap();
        String raised = text.replaceFirst("(?m)^(\\s+halfOpenPerSource: )\\d+", "$1" + cap)
                .replaceFirst("(?m)^(\\s+halfOpenPerListener: )\\d+", "$1" + cap)
                .replaceFirst("(?m)^(\\s+exempt: )\\[\\]", "$1[\"127.0.0.0/8\"]");
        if (!raised.contains("127.0.0.0/8")
                || !raised.contains("halfOpenPerSource: " + cap)
                || !raised.contains("halfOpenPerListener: " + cap)) {
            throw new BenchException("cannot raise the per-source limits in " + yaml);
        }
        Files.writeString(yaml, raised);
    }

    /** Makes the restarted server listen on the port the fleet dials. */
    private static void pinAppliancePort(Path srv, int port) throws IOException {
        Path yaml = srv.resolve("server.yaml");
        String text = Files.readString(yaml);
        String pinned = text.replaceFirst(
                "(?m)(applianceListener:\\s*\\n\\s+host: 127\\.0\\.0\\.1\\s*\\n\\s+port: )0", "$1" + port);
        if (pinned.equals(text)) {
            throw new BenchException("cannot pin the appliance listener's port in " + yaml);
        }
        Files.writeString(yaml, pinned);
    }

    private static void awaitAdmitted(FleetProcess fleet, int links, Duration limit, String what)
            throws InterruptedException {
        awaitCount(fleet, counts -> requireNonNull(counts.get("admitted"), "admitted") >= links, limit, what);
    }

    private static void awaitCount(
            FleetProcess fleet,
            java.util.function.Predicate<Map<String, Integer>> condition,
            Duration limit,
            String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, Integer> counts = fleet.counts();
        while (!condition.test(counts)) {
            if (System.nanoTime() > deadline) {
                throw new BenchException(what + " did not finish within " + limit.toSeconds() + " s: " + counts);
            }
            Thread.sleep(100);
            counts = fleet.counts();
        }
    }

    private static long online(String appliancesJson) {
        try {
            JsonNode all = JSON.readTree(appliancesJson);
            JsonNode list = all.isArray() ? all : all.path("appliances");
            long online = 0;
            for (JsonNode appliance : list) {
                if (appliance.path("online").asBoolean()) {
                    online++;
                }
            }
            return online;
        } catch (IOException e) {
            throw new BenchException("sc-server appliances --json printed no JSON: " + e.getMessage(), e);
        }
    }

    private static String tailOf(BenchRun run, String name) {
        try (Stream<Path> logs = Files.list(run.processes().logs())) {
            return logs.filter(p -> p.getFileName().toString().startsWith(name)
                            && p.toString().endsWith(".err"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .map(Processes::tail)
                    .orElse("(no log)");
        } catch (IOException e) {
            return "(cannot list the logs: " + e.getMessage() + ")";
        }
    }

    private static double round(double value) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.1f", value));
    }
}
