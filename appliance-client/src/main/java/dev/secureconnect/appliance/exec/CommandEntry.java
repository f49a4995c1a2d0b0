package dev.secureconnect.appliance.exec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.ByteSizes;
import dev.secureconnect.appliance.internal.Durations;
import dev.secureconnect.crypto.text.OneLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One command of the catalogue: run as exactly {@code argv} (plus the engineer's arguments when {@code allowArgs}),
 * never through a shell.
 *
 * @param name what the engineer asks for, {@code [A-Za-z0-9._-]{1,32}}
 * @param argv the program (an absolute path, resolved when the command was added) and its fixed arguments
 * @param timeout the process is killed after this long
 * @param maxOutputBytes output beyond this is not sent: the process is killed and the output marked truncated
 * @param allowArgs whether the engineer may add arguments (each checked by {@link CommandArguments})
 */
@JsonPropertyOrder({"name", "argv", "timeout", "maxOutputBytes", "allowArgs"})
public record CommandEntry(String name, List<String> argv, Duration timeout, Long maxOutputBytes, Boolean allowArgs) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    public static final long DEFAULT_MAX_OUTPUT = 64L << 20;
    /** Where a program named without a path is looked up, when the command is added. */
    public static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    public CommandEntry {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ApplianceException("command name '" + OneLine.of(name) + "' is not valid (expected 1 to 32 of"
                    + " A-Z a-z 0-9 . _ -)");
        }
        if (argv == null || argv.isEmpty()) {
            throw new ApplianceException("command " + name + " has no program (expected: -- PROGRAM [ARGS…])");
        }
        argv = List.copyOf(argv);
        if (!argv.get(0).startsWith("/")) {
            throw new ApplianceException(
                    "command " + name + ": program '" + OneLine.of(argv.get(0)) + "' is not an absolute path");
        }
        for (String word : argv) {
            if (word.indexOf('\0') >= 0) {
                throw new ApplianceException("command " + name + ": an argument contains a NUL character");
            }
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new ApplianceException("command " + name + ": timeout " + Durations.format(timeout)
                    + " (expected: more than 0 and at most 24h)");
        }
        maxOutputBytes = maxOutputBytes == null ? DEFAULT_MAX_OUTPUT : maxOutputBytes;
        if (maxOutputBytes <= 0) {
            throw new ApplianceException("command " + name + ": max output " + maxOutputBytes + " (expected: > 0)");
        }
        allowArgs = allowArgs != null && allowArgs;
    }

    /**
     * A new entry, its program resolved now: an absolute path must be an executable file; a bare name is looked up
     * on {@value #PATH}; anything else (a relative path) is refused.
     */
    public static CommandEntry resolve(
            String name, List<String> argv, Duration timeout, Long maxOutputBytes, boolean allowArgs) {
        if (argv == null || argv.isEmpty()) {
            throw new ApplianceException(
                    "command " + name + " has no program: give it after --, e.g. -- tar czf - /var/log");
        }
        List<String> resolved = new ArrayList<>(argv);
        resolved.set(0, program(argv.get(0)));
        return new CommandEntry(name, resolved, timeout, maxOutputBytes, allowArgs);
    }

    private static String program(String given) {
        if (given.startsWith("/")) {
            Path path = Path.of(given).normalize();
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new ApplianceException("program " + given + " is not an executable file");
            }
            return path.toString();
        }
        if (given.isEmpty() || given.contains("/")) {
            throw new ApplianceException("program '" + OneLine.of(given) + "' is neither an absolute path nor a name to"
                    + " look up on " + PATH);
        }
        for (String folder : PATH.split(":")) {
            Path candidate = Path.of(folder, given);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new ApplianceException("program " + given + " is not found on " + PATH + ": give its absolute path");
    }

    /** One line for listings: {@code /usr/bin/tar czf - /var/log (timeout 60s, output ≤ 64MiB, no arguments)}. */
    public String describe() {
        return String.join(" ", argv) + " (timeout " + Durations.format(timeout) + ", output at most "
                + ByteSizes.format(maxOutputBytes) + ", " + (allowArgs ? "arguments allowed" : "no arguments") + ")";
    }
}
