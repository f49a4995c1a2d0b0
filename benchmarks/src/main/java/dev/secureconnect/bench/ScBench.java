package dev.secureconnect.bench;

import dev.secureconnect.bench.audit.AuditAppends;
import dev.secureconnect.bench.datapath.DataPath;
import dev.secureconnect.bench.limits.ApiUnderIdleConnections;
import dev.secureconnect.bench.scale.ScaleGroup;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sc-bench}: measures SecureConnect end to end on 127.0.0.1 — the support server, appliances and engineer
 * clients as separate JVMs started from {@code bin/} — beside OpenSSH in the same run, and prints one line per figure
 * ({@code name: value unit}, and {@code vs_openssh_<figure>: R} where OpenSSH has the same figure) plus a JSON file.
 * {@code sc-bench jmh [JMH options]} runs the JMH benchmarks of the hot paths.
 */
@Command(
        name = "sc-bench",
        mixinStandardHelpOptions = true,
        version = "sc-bench 0.1.0",
        subcommands = ScBench.Jmh.class,
        description = "Measures SecureConnect beside OpenSSH on this machine; see docs/performance.md.")
public final class ScBench implements Callable<Integer> {

    /** Every figure group, in the order a full run measures them. */
    static final List<FigureGroup> GROUPS =
            List.of(new DataPath(), new ScaleGroup(), new AuditAppends(), new ApiUnderIdleConnections());

    @Option(names = "--quick", description = "Small sizes and counts: a smoke run of every group in under 2 minutes.")
    boolean quick;

    @Option(
            names = "--out",
            defaultValue = "sc-bench-results.json",
            paramLabel = "FILE",
            description = "Where to write the figures as JSON (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description = "Folder for the run's certificates, databases and logs (default: a new temporary folder).")
    Path work;

    @Option(names = "--keep", description = "Keep the run's folder (its logs) after a successful run.")
    boolean keep;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "GROUP",
            description = "Measure only these groups (default: all).")
    List<String> only;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScBench())
                .setExecutionExceptionHandler((e, cli, parsed) -> {
                    cli.getErr().println("sc-bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<FigureGroup> groups = selected();
        Path root = repositoryRoot();
        Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("sc-bench.");
        Figures figures = new Figures(System.out);
        System.err.println("sc-bench: working in " + folder + (quick ? " (quick run)" : ""));
        boolean done = false;
        try {
            for (FigureGroup group : groups) {
                Path groupFolder = Files.createDirectories(folder.resolve(group.name()));
                System.err.println("sc-bench: measuring " + group.name());
                try (Processes groupProcesses = new Processes(groupFolder)) {
                    group.measure(new BenchRun(root, groupFolder, quick, figures, groupProcesses));
                }
            }
            done = true;
        } finally {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("quick", quick);
            run.put("groups", groups.stream().map(FigureGroup::name).toList());
            run.put("complete", done);
            figures.write(out, run);
            System.err.println("sc-bench: figures written to " + out.toAbsolutePath());
            if (done && !keep && work == null) {
                deleteTree(folder);
            } else {
                System.err.println("sc-bench: the run's files and logs are in " + folder);
            }
        }
        return 0;
    }

    private List<FigureGroup> selected() {
        if (only == null || only.isEmpty()) {
            return GROUPS;
        }
        List<FigureGroup> chosen = new ArrayList<>();
        for (String name : only) {
            chosen.add(GROUPS.stream()
                    .filter(g -> g.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(
                            new CommandLine(this),
                            "--only " + name + ": no such group" + " (expected one of "
                                    + GROUPS.stream().map(FigureGroup::name).toList() + ")")));
        }
        return chosen;
    }

    /** The repository this jar was built in: {@code benchmarks/target/sc-bench.jar} → two folders up. */
    static Path repositoryRoot() {
        String property = System.getProperty("secureconnect.root");
        if (property != null) {
            return Path.of(property).toAbsolutePath();
        }
        try {
            Path jar = Path.of(ScBench.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path up = jar.getParent();
            up = up == null ? null : up.getParent();
            Path root = up == null ? null : up.getParent();
            if (root == null || !Files.isRegularFile(root.resolve("bin/sc-server"))) {
                throw new BenchException("cannot find bin/sc-server above " + jar
                        + ": run sc-bench from bin/sc-bench or set -Dsecureconnect.root=REPOSITORY");
            }
            return root;
        } catch (URISyntaxException e) {
            throw new BenchException("cannot tell where sc-bench's jar is: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** {@code sc-bench jmh [JMH options]}: the JMH benchmarks of the hot paths ({@code -h} lists JMH's options). */
    @Command(
            name = "jmh",
            description = "Runs the JMH benchmarks (relay over TLS, access-token check, audit append,"
                    + " TOTP check); options are JMH's own, e.g. -f 1 -wi 2 -i 3 -rf json -rff jmh.json.")
    static final class Jmh implements Callable<Integer> {

        /** Everything after {@code jmh}, options included, handed to JMH as it is: picocli knows none of them. */
        @CommandLine.Unmatched
        List<String> options = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(options.toArray(String[]::new));
            return 0;
        }
    }
}
