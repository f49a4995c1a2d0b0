package dev.secureconnect.bench.datapath;

import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.BenchRun;
import dev.secureconnect.bench.Installation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long an engineer's everyday commands take, from starting {@code bin/sc-engineer} to its exit: {@code exec} of a
 * catalogue command on the appliance and {@code appliances} (an API call), through the running agent and on the
 * command's own connection ({@code SC_ENGINEER_AGENT=off}: a JVM, the token's key derivation, a mutual-TLS handshake,
 * then the request). The target with the agent is 1 s each (issue "Engineer speed", deliverable 2). OpenSSH has no
 * counterpart of either command on this topology (its appliance side is a port forward, not an sshd), so these
 * figures have no {@code vs_openssh_} ratio; {@code ttfb_p50} is the comparable one.
 */
final class EngineerCommands {

    private static final Duration LIMIT = Duration.ofSeconds(120);

    private EngineerCommands() {}

    /** Adds {@code exec_agent_p50} … {@code appliances_direct_p99} (ms) after one unrecorded run of each. */
    static void measure(BenchRun run, int runs, Installation installation) {
        Map<String, String> direct = new HashMap<>(installation.engineerEnvironment());
        direct.put("SC_ENGINEER_AGENT", "off");
        for (Map.Entry<String, List<String>> entry : List.of(
                Map.entry("exec", installation.execCommand()),
                Map.entry("appliances", installation.appliancesCommand()))) {
            String name = entry.getKey();
            List<String> command = entry.getValue();
            for (boolean agent : new boolean[] {true, false}) {
                Map<String, String> env = agent ? installation.engineerEnvironment() : direct;
                String figure = name + (agent ? "_agent" : "_direct");
                elapsed(run, figure, command, env, installation); // unrecorded
                long[] samples = new long[runs];
                for (int i = 0; i < runs; i++) {
                    samples[i] = elapsed(run, figure, command, env, installation);
                }
                Percentiles result = Percentiles.of(samples);
                String note = "bin/sc-engineer " + name
                        + (agent ? " through the running agent" : " on its own connection (SC_ENGINEER_AGENT=off)")
                        + ", from start to exit, " + runs + " runs after 1 unrecorded";
                run.figures().add(figure + "_p50", result.at(50) / 1e6, "ms", note);
                run.figures().add(figure + "_p99", result.at(99) / 1e6, "ms", note + " (the slowest)");
            }
        }
    }

    private static long elapsed(
            BenchRun run, String name, List<String> command, Map<String, String> env, Installation installation) {
        long start = System.nanoTime();
        String out = run.processes().run("sc-engineer-" + name, command, installation.dir(), env, LIMIT);
        long elapsed = System.nanoTime() - start;
        if (name.startsWith("exec") && !out.strip().equals(Installation.CATALOGUE_COMMAND)) {
            throw new BenchException(String.join(" ", command) + " printed '" + out.strip() + "', not '"
                    + Installation.CATALOGUE_COMMAND + "'");
        }
        if (name.startsWith("appliances") && !out.contains(installation.serial())) {
            throw new BenchException(String.join(" ", command) + " did not list " + installation.serial());
        }
        return elapsed;
    }
}
