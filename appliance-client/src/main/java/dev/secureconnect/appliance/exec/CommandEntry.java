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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One command of the catalogue: run as exactly {@code argv} (plus the engineer's arguments when {@code allowArgs}),
 * never through a shell.
 *
 * @param name what the engineer asks for, {@code [A-Za-z0-9._-]{1,32}}
 * @param argv the program (an absolute path, resolved when the command was added) and its fixed arguments
 * @param timeout the process is killed after this long
 * @param maxOutputBytes output beyond this is not sent: the process is killed and the output marked truncated
 * @param allowArgs whether the engineer may add arguments (each checked by {@link CommandArguments})
 * @param allowOptions whether an added argument may start with {@code -} (an option of the program, e.g.
 *     {@code --checkpoint-action=exec=…}); only with {@code allowArgs}; default false
 * @param argPatterns per argument position (1 for the first argument the engineer adds), a regular expression the
 *     whole argument must match; only with {@code allowArgs}; default none
 */
@JsonPropertyOrder({"name", "argv", "timeout", "maxOutputBytes", "allowArgs", "allowOptions", "argPatterns"})
public record CommandEntry(
        String name,
        List<String> argv,
        Duration timeout,
        Long maxOutputBytes,
        Boolean allowArgs,
        Boolean allowOptions,
        Map<Integer, String> argPatterns) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    public static final long DEFAULT_MAX_OUTPUT = 64L << 20;
    /** Where a program named without a path is looked up, when the command is added. */
    public static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    /** The longest regular expression an argument position may have. */
    public static final int MAX_PATTERN_LENGTH = 512;

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
        allowOptions = allowOptions != null && allowOptions;
        argPatterns = argPatterns == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(argPatterns));
        if (!allowArgs && (allowOptions || !argPatterns.isEmpty())) {
            throw new ApplianceException(
                    "command " + name + ": " + (allowOptions ? "allowing options" : "argument" + " patterns")
                            + " needs arguments allowed (--allow-args)");
        }
        argPatterns.forEach((position, pattern) -> compile(name, position, pattern));
    }

    /** A command without the argument settings of {@link #allowOptions} and {@link #argPatterns}. */
    public CommandEntry(String name, List<String> argv, Duration timeout, Long maxOutputBytes, Boolean allowArgs) {
        this(name, argv, timeout, maxOutputBytes, allowArgs, false, Map.of());
    }

    /** The pattern argument {@code position} (from 1) must match as a whole, if the admin gave one. */
    public Optional<Pattern> argPattern(int position) {
        String pattern = argPatterns.get(position);
        return pattern == null ? Optional.empty() : Optional.of(compile(name, position, pattern));
    }

    private static Pattern compile(String name, Integer position, String pattern) {
        if (position == null || position < 1 || position > CommandArguments.MAX_COUNT) {
            throw new ApplianceException("command " + name + ": argument position " + position + " has a pattern"
                    + " (expected: positions 1 to " + CommandArguments.MAX_COUNT + ")");
        }
        if (pattern == null
                || pattern.isEmpty()
                || pattern.length() > MAX_PATTERN_LENGTH
                || pattern.chars().anyMatch(Character::isISOControl)) {
            throw new ApplianceException("command " + name + ": the pattern of argument " + position + " is empty,"
                    + " longer than " + MAX_PATTERN_LENGTH + " characters or not one line");
        }
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new ApplianceException(
                    "command " + name + ": the pattern of argument " + position + " is not a valid"
                            + " regular expression: " + OneLine.of(e.getDescription()),
                    e);
        }
    }

    /**
     * A new entry, its program resolved now: an absolute path must be an executable file; a bare name is looked up
     * on {@value #PATH}; anything else (a relative path) is refused.
     */
    public static CommandEntry resolve(
            String name,
            List<String> argv,
            Duration timeout,
            Long maxOutputBytes,
            boolean allowArgs,
            boolean allowOptions,
            Map<Integer, String> argPatterns) {
        if (argv == null || argv.isEmpty()) {
            throw new ApplianceException(
                    "command " + name + " has no program: give it after --, e.g. -- tar czf - /var/log");
        }
        List<String> resolved = new ArrayList<>(argv);
        resolved.set(0, program(argv.get(0)));
        return new CommandEntry(name, resolved, timeout, maxOutputBytes, allowArgs, allowOptions, argPatterns);
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
                + ByteSizes.format(maxOutputBytes) + ", " + describeArgs() + ")";
    }

    /** {@code no arguments}, {@code arguments allowed, no options}, … with the patterns per position. */
    public String describeArgs() {
        if (!allowArgs) {
            return "no arguments";
        }
        StringBuilder text =
                new StringBuilder("arguments allowed, ").append(allowOptions ? "options too" : "no options");
        argPatterns.forEach((position, pattern) ->
                text.append(", argument ").append(position).append(" matches ").append(pattern));
        return text.toString();
    }
}
