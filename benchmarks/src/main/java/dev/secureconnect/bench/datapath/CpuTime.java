package dev.secureconnect.bench.datapath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time (user + system, from {@code /proc/PID/stat}) of every process this run started, directly or not (the
 * server, the appliance, the engineer's forwards and agent, sshd and its children, the ssh clients), by role. Two
 * snapshots around a transfer give each role's CPU-seconds, which hold on a shared machine where MB/s do not: a busy
 * machine slows a transfer down but does not make it cost more CPU. Linux only; elsewhere every snapshot is empty.
 */
final class CpuTime {

    /** {@code /proc}'s unit of CPU time: USER_HZ, 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<Long, Sample> byPid;

    private record Sample(String role, long ticks) {}

    private CpuTime(Map<Long, Sample> byPid) {
        this.byPid = byPid;
    }

    /** The CPU time so far of every descendant of this JVM. */
    static CpuTime now() {
        Map<Long, Sample> samples = new LinkedHashMap<>();
        ProcessHandle.current().descendants().forEach(process -> {
            long pid = process.pid();
            long ticks = ticks(pid);
            if (ticks >= 0) {
                samples.put(pid, new Sample(role(pid), ticks));
            }
        });
        return new CpuTime(samples);
    }

    /**
     * CPU-seconds spent since {@code before} by role (a process started meanwhile counts from zero), roles in name
     * order; roles of the other product ({@code ours} or not), and processes of neither, are left out.
     */
    Map<String, Double> secondsSince(CpuTime before, boolean ours) {
        Map<String, Double> seconds = new TreeMap<>();
        byPid.forEach((pid, sample) -> {
            if (sample.role().equals("other") || isOurs(sample.role()) != ours) {
                return;
            }
            Sample earlier = before.byPid.get(pid);
            long ticks = sample.ticks() - (earlier == null ? 0 : earlier.ticks());
            seconds.merge(sample.role(), ticks / TICKS_PER_SECOND, Double::sum);
        });
        seconds.values().removeIf(value -> value == 0);
        return seconds;
    }

    /** "server 3.10, appliance 2.00" in CPU-seconds per GiB moved. */
    static String perGib(Map<String, Double> seconds, long bytes) {
        StringBuilder text = new StringBuilder();
        seconds.forEach((role, value) -> text.append(text.length() == 0 ? "" : ", ")
                .append(role)
                .append(' ')
                .append(String.format(Locale.ROOT, "%.2f", value / gib(bytes))));
        return text.toString();
    }

    static double total(Map<String, Double> seconds) {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    private static boolean isOurs(String role) {
        return !role.startsWith("ssh");
    }

    /** utime + stime of one process in clock ticks, or -1 when it is gone or there is no {@code /proc}. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) may hold spaces: the fields after it start past its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15: utime, stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What a process is, from its command line. */
    private static String role(long pid) {
        String command;
        try {
            command = new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "other";
        }
        if (command.contains("sc-server.jar")) {
            return "server";
        } else if (command.contains("sc-appliance.jar")) {
            return "appliance";
        } else if (command.contains(" agent ") || command.contains("EngineerAgent")) {
            return "engineer-agent";
        } else if (command.contains("sc-engineer.jar") && command.contains(" forward ")) {
            return "engineer-forward";
        } else if (command.contains("sc-engineer")) {
            return "engineer-other";
        } else if (command.startsWith("sshd") || command.contains("/sshd ") || command.startsWith("sshd:")) {
            return "sshd";
        } else if (command.startsWith("ssh ") || command.contains("/ssh ")) {
            return command.contains(" -R") ? "ssh-R" : command.contains(" -L") ? "ssh-L" : "ssh-other";
        }
        return "other";
    }
}
