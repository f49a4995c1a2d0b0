package dev.secureconnect.appliance.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.text.OneLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code callHome} section of {@code appliance.json}: what the diagnostic bundle holds, how often it is sent and
 * how much is kept while the server cannot be reached. Every key has a default; whether Call Home runs on its schedule
 * is the admin's switch ({@code sc-appliance callhome enable|disable}), not a setting here.
 *
 * <pre>{@code
 * "callHome": {
 *   "interval": "6h", "jitter": "30m",        // a bundle every interval, plus a random delay up to jitter
 *   "maxBundleBytes": 8388608,                // the compressed bundle's cap (the server's default cap too)
 *   "sendTimeout": "60s",                     // connect, handshake and answer of one send
 *   "spoolMaxBundles": 32,                    // bundles kept while the server is unreachable (oldest dropped)
 *   "spoolMaxBytes": 67108864,                // … or bytes
 *   "healthChecks": [ { "name": "raid", "command": "raid-status", "expectExit": 0, "timeout": "30s",
 *                       "maxOutputBytes": 4096 } ],   // a command of commands.json run on the appliance
 *   "logs": [ "/var/log/app/app.log" ],       // absolute paths of log files whose tails are sent
 *   "logTailBytes": 65536,                    // per file
 *   "logBundleBytes": 1048576,                // all files of one bundle together
 *   "redact": [ "(?i)customer-[0-9]+" ],      // the admin's own redaction patterns, beside the built-in ones
 *   "recentLinkEvents": 20                    // the link's last audit events in the bundle
 * }
 * }</pre>
 */
@JsonPropertyOrder({
    "interval",
    "jitter",
    "maxBundleBytes",
    "sendTimeout",
    "spoolMaxBundles",
    "spoolMaxBytes",
    "healthChecks",
    "logs",
    "logTailBytes",
    "logBundleBytes",
    "redact",
    "recentLinkEvents"
})
public record CallHomeConfig(
        Duration interval,
        Duration jitter,
        Long maxBundleBytes,
        Duration sendTimeout,
        Integer spoolMaxBundles,
        Long spoolMaxBytes,
        List<HealthCheck> healthChecks,
        List<String> logs,
        Integer logTailBytes,
        Integer logBundleBytes,
        List<String> redact,
        Integer recentLinkEvents) {

    @SuppressWarnings("NullAway") // null: the compact constructor puts in the default
    public static final CallHomeConfig DEFAULT =
            new CallHomeConfig(null, null, null, null, null, null, null, null, null, null, null, null);

    public static final long DEFAULT_MAX_BUNDLE_BYTES = 8L << 20;
    public static final int MAX_HEALTH_CHECKS = 32;
    public static final int MAX_LOGS = 32;
    public static final int MAX_PATTERNS = 64;
    public static final int MAX_PATTERN_LENGTH = 512;

    public CallHomeConfig {
        interval = at(interval, Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofDays(7), "callHome.interval");
        jitter = jitter == null ? Duration.ofMinutes(30) : jitter;
        if (jitter.isNegative() || jitter.compareTo(interval) > 0) {
            throw new ApplianceException("callHome.jitter: " + Durations.format(jitter)
                    + " (expected: at least 0 and at most callHome.interval " + Durations.format(interval) + ")");
        }
        maxBundleBytes =
                withinLong(maxBundleBytes, DEFAULT_MAX_BUNDLE_BYTES, 4096, 256L << 20, "callHome.maxBundleBytes");
        sendTimeout = at(
                sendTimeout,
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                Duration.ofMinutes(10),
                "callHome.sendTimeout");
        spoolMaxBundles = within(spoolMaxBundles, 32, 1, 10_000, "callHome.spoolMaxBundles");
        spoolMaxBytes = withinLong(spoolMaxBytes, 64L << 20, 4096, 16L << 30, "callHome.spoolMaxBytes");
        healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
        if (healthChecks.size() > MAX_HEALTH_CHECKS) {
            throw new ApplianceException("callHome.healthChecks: " + healthChecks.size() + " entries (expected: at"
                    + " most " + MAX_HEALTH_CHECKS + ")");
        }
        Set<String> names = new HashSet<>();
        for (HealthCheck check : healthChecks) {
            Objects.requireNonNull(check, "callHome.healthChecks entry");
            if (!names.add(check.name())) {
                throw new ApplianceException("callHome.healthChecks: the name '" + check.name() + "' appears twice");
            }
        }
        logs = logs == null ? List.of() : List.copyOf(logs);
        if (logs.size() > MAX_LOGS) {
            throw new ApplianceException(
                    "callHome.logs: " + logs.size() + " entries (expected: at most " + MAX_LOGS + ")");
        }
        logs.forEach(CallHomeConfig::requireLogPath);
        logTailBytes = within(logTailBytes, 64 << 10, 256, 4 << 20, "callHome.logTailBytes");
        logBundleBytes = within(logBundleBytes, 1 << 20, 256, 2 << 20, "callHome.logBundleBytes");
        redact = redact == null ? List.of() : List.copyOf(redact);
        if (redact.size() > MAX_PATTERNS) {
            throw new ApplianceException(
                    "callHome.redact: " + redact.size() + " patterns (expected: at most " + MAX_PATTERNS + ")");
        }
        redact.forEach(CallHomeConfig::compile);
        recentLinkEvents = within(recentLinkEvents, 20, 0, 1000, "callHome.recentLinkEvents");
    }

    /** The admin's redaction patterns, compiled. */
    public List<Pattern> redactPatterns() {
        return redact.stream().map(CallHomeConfig::compile).toList();
    }

    /**
     * One health check: a command of the catalogue ({@code commands.json}) run with its own fixed argv, healthy when
     * it exits with {@code expectExit} within {@code timeout}.
     *
     * @param name what the bundle calls it, {@code [A-Za-z0-9._-]{1,32}}
     * @param command the catalogue command's name
     * @param expectExit the exit status of a healthy run, default 0
     * @param timeout killed (and failed) after this long, default 30s, at most 5m
     * @param maxOutputBytes the output kept (redacted) in the bundle; more kills the command, default 4096
     */
    @JsonPropertyOrder({"name", "command", "expectExit", "timeout", "maxOutputBytes"})
    public record HealthCheck(
            String name, String command, Integer expectExit, Duration timeout, Integer maxOutputBytes) {

        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");

        public HealthCheck {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new ApplianceException("callHome.healthChecks: name '" + OneLine.of(name) + "' is not valid"
                        + " (expected 1 to 32 of A-Z a-z 0-9 . _ -)");
            }
            if (command == null || !NAME.matcher(command).matches()) {
                throw new ApplianceException("callHome.healthChecks." + name + ".command: '" + OneLine.of(command)
                        + "' is not a catalogue command name (see sc-appliance commands list)");
            }
            expectExit = expectExit == null ? 0 : expectExit;
            if (expectExit < 0 || expectExit > 255) {
                throw new ApplianceException(
                        "callHome.healthChecks." + name + ".expectExit: " + expectExit + " (expected: 0-255)");
            }
            timeout = at(
                    timeout,
                    Duration.ofSeconds(30),
                    Duration.ofMillis(100),
                    Duration.ofMinutes(5),
                    "callHome.healthChecks." + name + ".timeout");
            maxOutputBytes =
                    within(maxOutputBytes, 4096, 0, 64 << 10, "callHome.healthChecks." + name + ".maxOutputBytes");
        }
    }

    private static void requireLogPath(String path) {
        if (path == null
                || !path.startsWith("/")
                || path.chars().anyMatch(Character::isISOControl)
                || !Path.of(path).normalize().toString().equals(path)) {
            throw new ApplianceException("callHome.logs: '" + OneLine.of(path) + "' is not an absolute, normalised"
                    + " path (expected e.g. /var/log/app/app.log, without . or ..)");
        }
    }

    private static Pattern compile(String pattern) {
        if (pattern == null
                || pattern.isEmpty()
                || pattern.length() > MAX_PATTERN_LENGTH
                || pattern.chars().anyMatch(Character::isISOControl)) {
            throw new ApplianceException("callHome.redact: a pattern is empty, longer than " + MAX_PATTERN_LENGTH
                    + " characters or not one line");
        }
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ApplianceException(
                    "callHome.redact: " + OneLine.quoted(pattern) + " is not a valid regular expression: "
                            + OneLine.of(e.getDescription()),
                    e);
        }
    }

    private static Duration at(@Nullable Duration value, Duration fallback, Duration min, Duration max, String name) {
        Duration chosen = value == null ? fallback : value;
        if (chosen.compareTo(min) < 0 || chosen.compareTo(max) > 0) {
            throw new ApplianceException(name + ": " + Durations.format(chosen) + " (expected: at least "
                    + Durations.format(min) + " and at most " + Durations.format(max) + ")");
        }
        return chosen;
    }

    private static int within(@Nullable Integer value, int fallback, int min, int max, String name) {
        return (int) withinLong(value == null ? null : value.longValue(), fallback, min, max, name);
    }

    private static long withinLong(@Nullable Long value, long fallback, long min, long max, String name) {
        long chosen = value == null ? fallback : value;
        if (chosen < min || chosen > max) {
            throw new ApplianceException(name + ": " + chosen + " (expected: " + min + "-" + max + ")");
        }
        return chosen;
    }
}
