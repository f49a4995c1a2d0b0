package dev.secureconnect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the figures were measured on: CPU, cores, memory, kernel, JVM, OpenSSH. */
final class Machine {

    private Machine() {}

    static Map<String, Object> describe() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal:"));
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("openssh", Processes.versionOf("ssh", "-V"));
        return machine;
    }

    private static String cpuModel() {
        String line = firstLine(Path.of("/proc/cpuinfo"), "model name");
        int colon = line.indexOf(':');
        return colon < 0 ? line : line.substring(colon + 1).strip();
    }

    private static String firstLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .map(String::strip)
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
