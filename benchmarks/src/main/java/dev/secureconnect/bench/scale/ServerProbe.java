package dev.secureconnect.bench.scale;

import dev.secureconnect.bench.BenchException;
import dev.secureconnect.bench.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server JVM holds, seen from outside: heap used after a full GC ({@code jcmd PID GC.run}, then
 * {@code GC.heap_info}) and resident memory ({@code VmRSS} of {@code /proc/PID/status}).
 */
final class ServerProbe {

    /** One look at the server's memory, in KiB. */
    record Memory(long heapKiB, long rssKiB) {}

    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^\\s*(?!Metaspace|class space)[A-Za-z -]+?\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");

    private final Processes processes;
    private final Path dir;

    ServerProbe(Processes processes, Path dir) {
        this.processes = processes;
        this.dir = dir;
    }

    /** A full GC, then the heap used and the RSS. */
    Memory measure(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher heap = HEAP_USED.matcher(info);
        long used = 0;
        boolean found = false;
        while (heap.find()) {
            used += Long.parseLong(heap.group(1));
            found = true;
        }
        if (!found) {
            throw new BenchException("cannot read the heap used from jcmd GC.heap_info: "
                    + info.strip().replace('\n', ' '));
        }
        return new Memory(used, rss(pid));
    }

    static long rss(long pid) {
        try {
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            if (!rss.find()) {
                throw new BenchException("no VmRSS in /proc/" + pid + "/status");
            }
            return Long.parseLong(rss.group(1));
        } catch (IOException e) {
            throw new BenchException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
        }
    }

    private String jcmd(long pid, String command) {
        return processes.run(
                "jcmd", List.of("jcmd", Long.toString(pid), command), dir, Map.of(), Duration.ofSeconds(60));
    }
}
