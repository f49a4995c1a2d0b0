package dev.secureconnect.appliance.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.tunnel.link.LinkProtocol;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The arguments an engineer may add to a catalogue command ({@code sc-args}, a JSON array of strings): only when the
 * command allows arguments, at most {@value #MAX_COUNT}, each 1 to {@value #MAX_LENGTH} characters from
 * {@code A-Z a-z 0-9 . _ / : = @ % + , -} — so no shell syntax ({@code ; | & $ ( ) ` ' " < > *}, spaces, newlines)
 * can reach the program, even one that hands its arguments to a shell; none starting with {@code -} (an option of the
 * program, e.g. {@code --checkpoint-action=exec=…}) unless the command allows options; and each matching, as a whole,
 * the pattern the admin gave its position, if any.
 */
public final class CommandArguments {

    public static final int MAX_COUNT = 32;
    public static final int MAX_LENGTH = 256;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._/:=@%+,-]+");
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private CommandArguments() {}

    /**
     * Parses {@code sc-args} (absent or empty: no arguments).
     *
     * @throws ApplianceException if it is not a JSON array of strings
     */
    public static List<String> parse(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        try {
            List<String> args = Json.COMPACT.readValue(header, STRINGS);
            if (args == null || args.stream().anyMatch(a -> a == null)) {
                throw new ApplianceException(LinkProtocol.HEADER_ARGS + " is not a JSON array of strings");
            }
            return List.copyOf(args);
        } catch (JsonProcessingException e) {
            throw new ApplianceException(LinkProtocol.HEADER_ARGS + " is not a JSON array of strings", e);
        }
    }

    /** Why {@code args} may not be added to {@code command}, or null when they may. */
    public static @Nullable String refusal(CommandEntry command, List<String> args) {
        if (args.isEmpty()) {
            return null;
        }
        if (!command.allowArgs()) {
            return "command " + command.name() + " takes no arguments on this appliance";
        }
        if (args.size() > MAX_COUNT) {
            return args.size() + " arguments given to command " + command.name() + " (at most " + MAX_COUNT + ")";
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.length() > MAX_LENGTH) {
                return "argument " + (i + 1) + " is " + arg.length() + " characters long (at most " + MAX_LENGTH + ")";
            }
            if (!SAFE.matcher(arg).matches()) {
                return "argument " + (i + 1) + " '" + shown(arg)
                        + "' has a character outside A-Z a-z 0-9 . _ / : = @ % + , -";
            }
            if (arg.startsWith("-") && !command.allowOptions()) {
                return "argument " + (i + 1) + " '" + shown(arg) + "' starts with '-': command " + command.name()
                        + " takes no options on this appliance";
            }
            Optional<Pattern> pattern = command.argPattern(i + 1);
            if (pattern.isPresent() && !pattern.get().matcher(arg).matches()) {
                return "argument " + (i + 1) + " '" + shown(arg) + "' does not match the pattern " + pattern.get()
                        + " set for it on this appliance";
            }
        }
        return null;
    }

    /** An argument as a refusal may quote it: control characters shown as '?', at most 40 characters. */
    private static String shown(String arg) {
        String flat = arg.replaceAll("\\p{Cntrl}", "?");
        return flat.length() > 40 ? flat.substring(0, 40) + "…" : flat;
    }
}
