package dev.secureconnect.appliance.callhome;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The machine as the bundle reports it.
 *
 * @param os the operating system's name and version
 * @param uptimeSeconds seconds since the machine booted
 * @param cpus logical processors
 * @param loadAverage the 1, 5 and 15 minute load averages (negative where the system has none)
 * @param memoryTotalBytes physical memory
 * @param memoryAvailableBytes physical memory available to new work
 * @param fileSystems the local file systems
 */
@JsonPropertyOrder({
    "os",
    "uptimeSeconds",
    "cpus",
    "loadAverage",
    "memoryTotalBytes",
    "memoryAvailableBytes",
    "fileSystems"
})
public record SystemFacts(
        String os,
        long uptimeSeconds,
        int cpus,
        List<Double> loadAverage,
        long memoryTotalBytes,
        long memoryAvailableBytes,
        List<FileSystem> fileSystems) {

    public SystemFacts {
        loadAverage = List.copyOf(loadAverage);
        fileSystems = List.copyOf(fileSystems);
    }

    /**
     * One mounted file system.
     *
     * @param usedPercent the share of {@code totalBytes} not usable, rounded to a tenth
     */
    @JsonPropertyOrder({"mount", "type", "totalBytes", "usableBytes", "usedPercent"})
    public record FileSystem(String mount, String type, long totalBytes, long usableBytes, double usedPercent) {

        public static FileSystem of(String mount, String type, long totalBytes, long usableBytes) {
            double used = totalBytes <= 0 ? 0 : 100.0 * (totalBytes - usableBytes) / totalBytes;
            return new FileSystem(mount, type, totalBytes, usableBytes, Math.round(used * 10) / 10.0);
        }
    }
}
