package dev.secureconnect.bench.datapath;

import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.FigureGroup;
import dev.secureconnect.bench.Figures;
import dev.secureconnect.bench.Installation;
import dev.secureconnect.bench.openssh.OpenSshPath;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data path beside OpenSSH (issue 7, deliverable 2; issue 18, deliverables 3 and 6): throughput of 1 and 8 streams
 * in each direction (engineer → appliance "upload", appliance → engineer "download"), 1-byte round-trip latency and
 * the time from a client's start to the first byte of a service, through SecureConnect (server, appliance, engineer
 * forward/proxy as separate JVMs) and through OpenSSH in the same two-hop topology, with the same traffic drivers and
 * the same local services. OpenSSH's figures carry the prefix {@code openssh_}; each pair gets its
 * {@code vs_openssh_} ratio.
 */
public final class DataPath implements FigureGroup {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final String SERIAL = "SN-BENCH-0001";

    /**
     * {@code -Dsc-bench.datapath.dataOnly=true} (in {@code SC_BENCH_JAVA_OPTS}): throughput, its CPU time and the round
     * trip only, without the time to first byte and the engineer's commands, for profiling the data path.
     */
    static final String DATA_ONLY_PROPERTY = "sc-bench.datapath.dataOnly";

    /** The sizes and counts of a run. */
    record Plan(
            long bytes,
            long warmUpBytes,
            int latencySamples,
            int latencyWarmUp,
            int firstByteRuns,
            Duration transferLimit) {

        static Plan of(boolean quick) {
            return quick
                    ? new Plan(32 * MIB, 0, 500, 100, 3, Duration.ofSeconds(60))
                    : new Plan(GIB, 256 * MIB, 20_000, 2_000, 20, Duration.ofSeconds(100));
        }
    }

    /** One side's way in to the same three services. */
    private record Route(
            String prefix,
            InetSocketAddress sink,
            InetSocketAddress source,
            InetSocketAddress echo,
            List<String> firstByteCommand,
            Map<String, String> env,
            Path dir,
            Path firstByteErrors) {}

    @Override
    public String name() {
        return "datapath";
    }

    @Override
    public void measure(BenchRun run) throws Exception {
        Plan plan = Plan.of(run.quick());
        Figures figures = run.figures();
        try (LocalServices services = LocalServices.start()) {
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("sink", services.sinkPort());
            ports.put("source", services.sourcePort());
            ports.put("echo", services.echoPort());
            ports.put("banner", services.bannerPort());

            long start = System.nanoTime();
            Installation installation = Installation.start(run, run.work().resolve("secureconnect"), SERIAL, ports);
            Route ours = new Route(
                    "",
                    loopback(installation.forward(services.sinkPort())),
                    loopback(installation.forward(services.sourcePort())),
                    loopback(installation.forward(services.echoPort())),
                    installation.proxyCommand(services.bannerPort()),
                    installation.engineerEnvironment(),
                    installation.dir(),
                    run.processes().logs().resolve("ttfb-sc-engineer-proxy.err"));
            check(ours, services);
            figures.add(
                    "setup_s",
                    seconds(System.nanoTime() - start),
                    "s",
                    "sc-pki CA and 3 certificates, sc-server"
                            + " init/run, enrolment, ticket, sc-appliance init/run/connect, sc-engineer login/access, 3 forwards"
                            + " (each a JVM from bin/)");

            start = System.nanoTime();
            OpenSshPath ssh = OpenSshPath.start(run, run.work().resolve("openssh"), ports);
            Route openSsh = new Route(
                    "openssh_",
                    loopback(ssh.forward("sink")),
                    loopback(ssh.forward("source")),
                    loopback(ssh.forward("echo")),
                    ssh.firstByteCommand("banner"),
                    Map.of(),
                    ssh.dir(),
                    run.processes().logs().resolve("ttfb-ssh-W.err"));
            check(openSsh, services);
            figures.add(
                    "openssh_setup_s",
                    seconds(System.nanoTime() - start),
                    "s",
                    "3 ssh-keygen, sshd, ssh -R" + " (4 forwards), 3 ssh -L");

            List<Route> routes = List.of(ours, openSsh);
            warmUp(plan, routes, services);
            for (Traffic.Direction direction : Traffic.Direction.values()) {
                throughput(run, plan, routes, services, direction, 1);
                throughput(run, plan, routes, services, direction, 8);
            }
            latency(run, plan, routes);
            if (!Boolean.getBoolean(DATA_ONLY_PROPERTY)) {
                firstByte(run, plan, routes);
                EngineerCommands.measure(run, plan.firstByteRuns(), installation);
            }
            if (services.firstProblem() != null) {
                throw new BenchException("a local service failed: " + services.firstProblem());
            }
        }
    }

    private static void check(Route route, LocalServices services) {
        Traffic.checkSink(route.sink());
        Traffic.checkSource(route.source());
        Traffic.checkEcho(route.echo());
        if (services.firstProblem() != null) {
            throw new BenchException("a local service failed: " + services.firstProblem());
        }
    }

    /**
     * Moves {@code warmUpBytes} through each route unrecorded in each direction, 8 connections at once, so that the JVMs on our path
     * have compiled their TLS and relay code before it is timed (OpenSSH needs no warm-up; it gets the same).
     */
    private static void warmUp(Plan plan, List<Route> routes, LocalServices services) {
        if (plan.warmUpBytes() == 0) {
            return;
        }
        List<Traffic.Expected> payloads = Traffic.Expected.of(Payload.split(plan.warmUpBytes(), 8));
        for (Route route : routes) {
            Traffic.transfer(route.sink(), payloads, plan.transferLimit(), services::sinkBytes, false);
            Traffic.fetch(route.source(), payloads, plan.transferLimit(), false);
        }
    }

    /**
     * {@code upload_N_stream(s)} or {@code download_N_stream(s)} through each route, one after the other in the same
     * run; our figure's note gives the ratio to OpenSSH's.
     */
    private static void throughput(
            BenchRun run,
            Plan plan,
            List<Route> routes,
            LocalServices services,
            Traffic.Direction direction,
            int streams) {
        boolean upload = direction == Traffic.Direction.UPLOAD;
        String figure = (upload ? "upload_" : "download_") + streams + (streams == 1 ? "_stream" : "_streams");
        List<Traffic.Expected> payloads = Traffic.Expected.of(Payload.split(plan.bytes(), streams));
        String note = mebibytes(plan.bytes())
                + (upload
                        ? " MiB engineer → checksum sink on the appliance side, "
                        : " MiB source on the appliance side → engineer, ")
                + streams + (streams == 1 ? " connection" : " connections in parallel") + ", SHA-256 checked, after "
                + mebibytes(plan.warmUpBytes()) + " MiB each way unrecorded; MB = 10^6 bytes";
        double[] values = new double[routes.size()];
        String[] notes = new String[routes.size()];
        double[] cpuPerGib = new double[routes.size()];
        String[] cpuNotes = new String[routes.size()];
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            CpuTime before = CpuTime.now();
            Traffic.Moved moved = Traffic.transfer(
                    direction,
                    upload ? route.sink() : route.source(),
                    payloads,
                    plan.transferLimit(),
                    services::sinkBytes,
                    !run.quick());
            values[i] = moved.megabytesPerSecond();
            String incomplete = "INCOMPLETE, a lower bound: only " + moved.bytes() + " of " + plan.bytes()
                    + " bytes arrived within the "
                    + plan.transferLimit().toSeconds() + " s limit (not"
                    + " checksummed); ";
            if (!moved.complete()) {
                System.err.println("sc-bench: " + route.prefix() + figure + ": "
                        + incomplete.substring(0, incomplete.length() - 2));
            }
            notes[i] = moved.complete() ? note : incomplete + note;
            Map<String, Double> cpu =
                    CpuTime.now().secondsSince(before, route.prefix().isEmpty());
            cpuPerGib[i] = CpuTime.total(cpu) / CpuTime.gib(moved.bytes());
            cpuNotes[i] = "CPU-seconds (user + system, /proc) per GiB moved, all processes of the path: "
                    + CpuTime.perGib(cpu, moved.bytes());
        }
        double ratio = values[0] / values[1];
        run.figures()
                .add(
                        routes.get(0).prefix() + figure,
                        values[0],
                        "MB/s",
                        notes[0] + String.format(Locale.ROOT, "; %.2f× OpenSSH's %.1f MB/s", ratio, values[1]));
        run.figures().add(routes.get(1).prefix() + figure, values[1], "MB/s", notes[1]);
        run.figures().versusOpenSsh(figure, values[0], values[1]);
        double cpuRatio = cpuPerGib[0] / cpuPerGib[1];
        run.figures()
                .add(
                        routes.get(0).prefix() + "cpu_" + figure,
                        cpuPerGib[0],
                        "s/GiB",
                        cpuNotes[0] + String.format(Locale.ROOT, "; %.2f× OpenSSH's %.2f", cpuRatio, cpuPerGib[1]));
        run.figures().add(routes.get(1).prefix() + "cpu_" + figure, cpuPerGib[1], "s/GiB", cpuNotes[1]);
        run.figures().versusOpenSsh("cpu_" + figure, cpuPerGib[0], cpuPerGib[1]);
    }

    private static void latency(BenchRun run, Plan plan, List<Route> routes) {
        String note = "1-byte ping-pong with the echo over one connection, " + plan.latencySamples() + " round trips"
                + " after " + plan.latencyWarmUp() + " unrecorded";
        Percentiles[] results = new Percentiles[routes.size()];
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            results[i] = Percentiles.of(Traffic.pingPong(
                    route.echo(),
                    plan.latencyWarmUp(),
                    plan.latencySamples(),
                    Duration.ofSeconds(plan.latencySamples() / 100 + 30)));
            run.figures().add(route.prefix() + "latency_p50", micros(results[i].at(50)), "us", note);
            run.figures().add(route.prefix() + "latency_p99", micros(results[i].at(99)), "us", note);
        }
        run.figures().versusOpenSsh("latency_p50", micros(results[0].at(50)), micros(results[1].at(50)));
        run.figures().versusOpenSsh("latency_p99", micros(results[0].at(99)), micros(results[1].at(99)));
    }

    private static void firstByte(BenchRun run, Plan plan, List<Route> routes) {
        Percentiles[] results = new Percentiles[routes.size()];
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            String client = route.prefix().isEmpty() ? "bin/sc-engineer proxy" : "ssh -W";
            Duration limit = Duration.ofSeconds(60);
            Traffic.firstByte(route.firstByteCommand(), route.env(), route.dir(), route.firstByteErrors(), limit);
            long[] samples = new long[plan.firstByteRuns()];
            for (int r = 0; r < samples.length; r++) {
                samples[r] = Traffic.firstByte(
                        route.firstByteCommand(), route.env(), route.dir(), route.firstByteErrors(), limit);
            }
            results[i] = Percentiles.of(samples);
            String note = "from starting " + client + " to the first byte of the banner service's line on its stdout, "
                    + samples.length + " runs after 1 unrecorded";
            run.figures().add(route.prefix() + "ttfb_p50", millis(results[i].at(50)), "ms", note);
            run.figures().add(route.prefix() + "ttfb_p99", millis(results[i].at(99)), "ms", note + " (the slowest)");
        }
        run.figures().versusOpenSsh("ttfb_p50", millis(results[0].at(50)), millis(results[1].at(50)));
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }

    private static long mebibytes(long bytes) {
        return bytes / MIB;
    }
}
