package dev.secureconnect.bench.datapath;

import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.Installation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long an engineer's everyday commands take, from starting {@code bin/sc-engineer} to its exit: {@code exec} of a
 * catalogue command on the appliance, {@code appliances} and {@code sessions} (API calls), {@code get} and {@code put}
 * of a {@value Installation#FILE_BYTES}-byte file, through the running agent and on the command's own connection
 * ({@code SC_ENGINEER_AGENT=off}: a JVM, the token's key derivation, a mutual-TLS handshake, then the request). The
 * target with the agent is 1 s each (issue "Engineer speed", deliverable 2). OpenSSH has no counterpart of these
 * commands on this topology (its appliance side is a port forward, not an sshd), so these figures have no
 * {@code vs_openssh_} ratio; {@code ttfb_p50} is the comparable one. The quick run times {@code get}, {@code put} and
 * {@code sessions} once, through the agent only (their own connection costs what {@code exec}'s does).
 */
final class EngineerCommands {

    private static final Duration LIMIT = Duration.ofSeconds(120);

    /** One command: its name in the figures, its command line, and what must hold after it ran. */
    private record Command(String name, List<String> line, Check check, boolean everyQuickRun) {}

    /** Fails the run when a command's output or effect is wrong. */
    @FunctionalInterface
    private interface Check {
        void check(String out) throws IOException;
    }

    private EngineerCommands() {}

    /** Adds {@code exec_agent_p50} … {@code put_direct_p99} (ms) after one unrecorded run of each. */
    static void measure(BenchRun run, int runs, Installation installation) throws IOException {
        Map<String, String> direct = new HashMap<>(installation.engineerEnvironment());
        direct.put("SC_ENGINEER_AGENT", "off");
        Path got = installation.dir().resolve("got-bench-file");
        Path toPut = installation.dir().resolve("put-bench-file");
        Files.copy(installation.applianceFile(), toPut, StandardCopyOption.REPLACE_EXISTING);
        String exec = String.join(" ", installation.execCommand());
        for (Command entry : List.of(
                new Command(
                        "exec",
                        installation.execCommand(),
                        out -> expect(
                                out.strip().equals(Installation.CATALOGUE_COMMAND),
                                exec + " printed '" + out.strip() + "', not '" + Installation.CATALOGUE_COMMAND + "'"),
                        true),
                new Command(
                        "appliances",
                        installation.appliancesCommand(),
                        out -> expect(
                                out.contains(installation.serial()),
                                "sc-engineer appliances did not list " + installation.serial()),
                        true),
                new Command("sessions", installation.sessionsCommand(), out -> {}, false),
                new Command(
                        "get",
                        installation.getCommand(got),
                        out -> expect(
                                Files.mismatch(got, toPut) == -1,
                                "sc-engineer get wrote " + got + " unlike the appliance's file"),
                        false),
                new Command(
                        "put",
                        installation.putCommand(toPut),
                        out -> expect(
                                Files.mismatch(installation.applianceFile(), toPut) == -1,
                                "sc-engineer put left " + installation.applianceFile() + " unlike " + toPut),
                        false))) {
            boolean quickOnce = run.quick() && !entry.everyQuickRun();
            for (boolean agent : quickOnce ? new boolean[] {true} : new boolean[] {true, false}) {
                Map<String, String> env = agent ? installation.engineerEnvironment() : direct;
                String figure = entry.name() + (agent ? "_agent" : "_direct");
                int recorded = quickOnce ? 1 : runs;
                if (!quickOnce) {
                    elapsed(run, figure, entry, env, installation); // unrecorded
                }
                long[] samples = new long[recorded];
                for (int i = 0; i < recorded; i++) {
                    samples[i] = elapsed(run, figure, entry, env, installation);
                }
                Percentiles result = Percentiles.of(samples);
                String note = "bin/sc-engineer " + entry.name()
                        + (agent ? " through the running agent" : " on its own connection (SC_ENGINEER_AGENT=off)")
                        + ", from start to exit, " + recorded + " runs" + (quickOnce ? "" : " after 1 unrecorded");
                run.figures().add(figure + "_p50", result.at(50) / 1e6, "ms", note);
                run.figures().add(figure + "_p99", result.at(99) / 1e6, "ms", note + " (the slowest)");
            }
        }
    }

    private static long elapsed(
            BenchRun run, String figure, Command command, Map<String, String> env, Installation installation)
            throws IOException {
        long start = System.nanoTime();
        String out = run.processes().run("sc-engineer-" + figure, command.line(), installation.dir(), env, LIMIT);
        long elapsed = System.nanoTime() - start;
        command.check().check(out);
        return elapsed;
    }

    private static void expect(boolean holds, String otherwise) {
        if (!holds) {
            throw new BenchException(otherwise);
        }
    }
}
