package dev.secureconnect.server.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.secureconnect.crypto.text.OneLine;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The access a case needs on its appliance, and for how long: what the appliance's admin approves with one command.
 *
 * @param services allow-listed services (their names) the engineer may open a stream to
 * @param commands catalogue commands the engineer may run
 * @param folders absolute folders the engineer may read files from
 * @param duration how long the approval lasts, default PT4H, at most P7D
 */
@JsonPropertyOrder({"services", "commands", "folders", "duration"})
public record AccessScope(List<String> services, List<String> commands, List<String> folders, Duration duration) {

    public static final Duration DEFAULT_DURATION = Duration.ofHours(4);
    public static final AccessScope NONE = new AccessScope(null, null, null, null);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @JsonCreator
    public AccessScope(
            @JsonProperty("services") @Nullable List<String> services,
            @JsonProperty("commands") @Nullable List<String> commands,
            @JsonProperty("folders") @Nullable List<String> folders,
            @JsonProperty("duration") @Nullable Duration duration) {
        services = names("services", services);
        commands = names("commands", commands);
        folders = folders == null ? List.of() : List.copyOf(folders);
        for (String folder : folders) {
            if (!folder.startsWith("/") || folder.contains("/../") || folder.endsWith("/..")) {
                throw new IllegalArgumentException(
                        "folder '" + OneLine.quoted(folder) + "' is not an absolute path without '..'");
            }
        }
        duration = duration == null ? DEFAULT_DURATION : duration;
        if (duration.compareTo(Duration.ofMinutes(1)) < 0 || duration.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("duration " + duration + " is not between PT1M and P7D");
        }
        this.services = services;
        this.commands = commands;
        this.folders = folders;
        this.duration = duration;
    }

    private static List<String> names(String what, @Nullable List<String> names) {
        List<String> copy = names == null ? List.of() : List.copyOf(names);
        for (String name : copy) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        what + ": '" + OneLine.quoted(name) + "' is not a name (letters, digits, . _ -)");
            }
        }
        return copy;
    }

    /** {@code services web; commands raid-status; folders /var/log; for PT4H}. */
    public String describe() {
        return "services " + list(services) + "; commands " + list(commands) + "; folders " + list(folders) + "; for "
                + duration;
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "-" : String.join(", ", items);
    }
}
