package dev.secureconnect.crypto.token;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code scope} claim of a token issued for a support case: the services, commands and folders the case's admin
 * approved, and nothing else. The server's gate and the appliance both refuse a stream outside it, in addition to the
 * appliance's own stored approval (which it may only narrow).
 *
 * <pre>{@code "scope": {"case": "C12345678", "services": ["web"], "commands": ["raid-status"], "folders": ["/var/log"]}}</pre>
 *
 * <p>Read from a token, so untrusted input: names as the case's ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}), folders
 * absolute without {@code ..}, at most {@value #MAX_ITEMS} of each, no other field.
 *
 * @param caseId the case ({@code C} and its ticket's 8 digits)
 * @param services allow-listed service names a CONNECT may reach
 * @param commands catalogue commands an exec may run
 * @param folders absolute folders a get or put may touch
 */
public record TokenScope(String caseId, List<String> services, List<String> commands, List<String> folders) {

    /** At most this many services, commands or folders. */
    public static final int MAX_ITEMS = 64;

    static final String CLAIM = "scope";

    private static final int MAX_FOLDER_LENGTH = 1024;
    private static final Pattern CASE = Pattern.compile("C[0-9]{8}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of("case", "services", "commands", "folders");

    /** @throws IllegalArgumentException naming the field that is not valid, on one line */
    public TokenScope {
        if (caseId == null || !CASE.matcher(caseId).matches()) {
            throw new IllegalArgumentException(
                    "scope.case: '" + OneLine.quoted(caseId) + "' (expected: C and eight digits)");
        }
        services = names("services", services);
        commands = names("commands", commands);
        folders = items("folders", folders);
        for (String folder : folders) {
            if (!folder.startsWith("/")
                    || folder.length() > MAX_FOLDER_LENGTH
                    || folder.chars().anyMatch(c -> c == 0 || Character.isISOControl(c))
                    || folder.equals("/..")
                    || folder.contains("/../")
                    || folder.endsWith("/..")) {
                throw new IllegalArgumentException("scope.folders: '" + OneLine.quoted(folder)
                        + "' (expected: an absolute path without '..', at most " + MAX_FOLDER_LENGTH + " characters)");
            }
        }
    }

    /** The ticket of the case: its id's digits. */
    public String ticket() {
        return caseId.substring(1);
    }

    /** Whether a CONNECT may go ahead at all: the case names a service (the appliance maps the port to its name). */
    public boolean allowsSomeService() {
        return !services.isEmpty();
    }

    public boolean allowsService(String service) {
        return services.contains(service);
    }

    public boolean allowsCommand(String command) {
        return commands.contains(command);
    }

    /**
     * Whether {@code path} lies inside one of the folders, compared component by component after normalising, so
     * {@code /var/log2} is not inside {@code /var/log}. A path that is not absolute or cannot be read is outside.
     */
    public boolean allowsFile(String path) {
        Path normal;
        try {
            normal = Path.of(requireNonNull(path, "path")).normalize();
        } catch (InvalidPathException e) {
            return false;
        }
        if (!normal.isAbsolute()) {
            return false;
        }
        return folders.stream()
                .anyMatch(folder -> normal.startsWith(Path.of(folder).normalize()));
    }

    /** {@code case C12345678: services web; commands raid-status; folders /var/log}. */
    public String describe() {
        return "case " + caseId + ": services " + list(services) + "; commands " + list(commands) + "; folders "
                + list(folders);
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }

    Map<String, Object> toClaim() {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("case", caseId);
        claim.put("services", services);
        claim.put("commands", commands);
        claim.put("folders", folders);
        return claim;
    }

    /**
     * Reads the claim as a JSON parser gave it (a map of lists).
     *
     * @throws IllegalArgumentException naming what is wrong, on one line
     */
    static TokenScope fromClaim(Object claim) {
        if (!(claim instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("scope: expected an object {case, services, commands, folders}");
        }
        for (Object key : map.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException("scope: unknown field '"
                        + OneLine.quoted(String.valueOf(key))
                        + "' (expected: case, services, commands, folders)");
            }
        }
        Object caseId = map.get("case");
        if (!(caseId instanceof String id)) {
            throw new IllegalArgumentException("scope.case: missing or not a string");
        }
        return new TokenScope(
                id,
                strings("services", map.get("services")),
                strings("commands", map.get("commands")),
                strings("folders", map.get("folders")));
    }

    private static List<String> strings(String field, @Nullable Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("scope." + field + ": expected a list of strings");
        }
        if (list.size() > MAX_ITEMS) {
            throw new IllegalArgumentException(
                    "scope." + field + ": " + list.size() + " items (expected: at most " + MAX_ITEMS + ")");
        }
        for (Object item : list) {
            if (!(item instanceof String)) {
                throw new IllegalArgumentException("scope." + field + ": expected a list of strings");
            }
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static List<String> items(String field, List<String> items) {
        List<String> copy = List.copyOf(requireNonNull(items, field));
        if (copy.size() > MAX_ITEMS) {
            throw new IllegalArgumentException(
                    "scope." + field + ": " + copy.size() + " items (expected: at most " + MAX_ITEMS + ")");
        }
        return copy;
    }

    private static List<String> names(String field, List<String> names) {
        List<String> copy = items(field, names);
        for (String name : copy) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("scope." + field + ": '" + OneLine.quoted(name)
                        + "' (expected: a name of letters, digits, . _ -)");
            }
        }
        return copy;
    }
}
