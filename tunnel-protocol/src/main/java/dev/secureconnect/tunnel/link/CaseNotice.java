package dev.secureconnect.tunnel.link;

import dev.secureconnect.crypto.text.OneLine;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One support case the server opened for an appliance, as the appliance learns of it ({@code POST /v1/cases} on the
 * link, or the Call Home answer): its id, the ticket the admin connects to approve it (the case id's eight digits), its
 * title and severity, the access it needs and its state. Untrusted on the appliance: every field is checked here, and
 * a message that quotes one goes through {@link OneLine}.
 *
 * @param openedAt ISO-8601 instant
 * @param state {@code open}, {@code approved}, {@code declined} or {@code closed}
 */
public record CaseNotice(
        String id, String ticket, String title, String severity, Scope scope, String openedAt, String state) {

    /** The states a case can be in, as the server names them. */
    public static final Set<String> STATES = Set.of("open", "approved", "declined", "closed");

    private static final Pattern ID = Pattern.compile("C[0-9]{8}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_TITLE = 300;
    private static final int MAX_ITEMS = 32;

    public CaseNotice {
        if (id == null || !ID.matcher(id).matches()) {
            throw new LinkException("case id '" + OneLine.quoted(String.valueOf(id)) + "' is not valid: expected C and"
                    + " eight digits");
        }
        if (ticket == null || !ticket.equals(id.substring(1))) {
            throw new LinkException("case " + id + ": ticket '" + OneLine.quoted(String.valueOf(ticket))
                    + "' is not the case id's eight digits");
        }
        title = OneLine.clipped(title == null ? "" : title, MAX_TITLE);
        if (severity == null || !NAME.matcher(severity).matches()) {
            throw new LinkException(
                    "case " + id + ": severity '" + OneLine.quoted(String.valueOf(severity)) + "' is not a name");
        }
        if (scope == null) {
            throw new LinkException("case " + id + " has no scope");
        }
        try {
            Instant.parse(String.valueOf(openedAt));
        } catch (DateTimeParseException e) {
            throw new LinkException("case " + id + ": openedAt '" + OneLine.quoted(String.valueOf(openedAt))
                    + "' is not an ISO-8601 instant");
        }
        if (state == null || !STATES.contains(state)) {
            throw new LinkException("case " + id + ": state '" + OneLine.quoted(String.valueOf(state))
                    + "' is not one of open, approved, declined, closed");
        }
    }

    /**
     * The access a case needs: allow-listed services (names), catalogue commands (names), absolute folders, and for
     * how long ({@code seconds}: one minute to seven days).
     */
    public record Scope(List<String> services, List<String> commands, List<String> folders, long seconds) {

        public static final long MIN_SECONDS = 60;
        public static final long MAX_SECONDS = Duration.ofDays(7).toSeconds();

        public Scope {
            services = names("services", services);
            commands = names("commands", commands);
            if (folders != null && folders.stream().anyMatch(Objects::isNull)) {
                throw new LinkException("scope: folders has a null folder");
            }
            folders = folders == null ? List.of() : List.copyOf(folders);
            if (folders.size() > MAX_ITEMS) {
                throw new LinkException("scope: more than " + MAX_ITEMS + " folders");
            }
            for (String folder : folders) {
                if (!folder.startsWith("/")
                        || folder.contains("/../")
                        || folder.endsWith("/..")
                        || folder.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw new LinkException(
                            "scope: folder '" + OneLine.quoted(folder) + "' is not an absolute path without '..'");
                }
            }
            if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
                throw new LinkException("scope: " + seconds + " seconds is not between one minute and seven days");
            }
        }

        public Duration duration() {
            return Duration.ofSeconds(seconds);
        }

        /** {@code services web; commands raid-status; folders /var/log; for 4h}. */
        public String describe() {
            return "services " + list(services) + "; commands " + list(commands) + "; folders " + list(folders)
                    + "; for " + duration().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        }

        private static String list(List<String> items) {
            return items.isEmpty() ? "-" : String.join(", ", items);
        }

        private static List<String> names(String what, List<String> names) {
            if (names != null && names.stream().anyMatch(Objects::isNull)) {
                throw new LinkException("scope: " + what + " has a null name");
            }
            List<String> copy = names == null ? List.of() : List.copyOf(names);
            if (copy.size() > MAX_ITEMS) {
                throw new LinkException("scope: more than " + MAX_ITEMS + " " + what);
            }
            for (String name : copy) {
                if (!NAME.matcher(name).matches()) {
                    throw new LinkException("scope: " + what + " '" + OneLine.quoted(name)
                            + "' is not a name (letters, digits, . _ -)");
                }
            }
            return copy;
        }
    }

    /**
     * The open and recent cases of one appliance ({@code {"cases": [...]}}): the body of {@code POST /v1/cases} and of
     * the second line of a Call Home answer. The appliance replaces what it knew with it.
     */
    public record Cases(List<CaseNotice> cases) {
        /** The most cases one message carries. */
        public static final int MAX = 64;

        public Cases {
            if (cases != null && cases.stream().anyMatch(Objects::isNull)) {
                throw new LinkException("a case in the list is null");
            }
            cases = cases == null ? List.of() : List.copyOf(cases);
            if (cases.size() > MAX) {
                throw new LinkException(cases.size() + " cases in one message: at most " + MAX);
            }
        }
    }

    /**
     * What the appliance's admin decided on a case, carried by the hello until the server's case list shows it.
     *
     * @param decision {@code approved} or {@code declined}
     * @param reason the admin's reason (declined), one line; empty when none
     * @param until when an approval ends (ISO-8601 instant); empty for a decline
     */
    public record Decision(String caseId, String decision, String reason, String until) {
        public Decision {
            if (caseId == null || !ID.matcher(caseId).matches()) {
                throw new LinkException("decision: case id '" + OneLine.quoted(String.valueOf(caseId))
                        + "' is not valid: expected C and eight digits");
            }
            if (!"approved".equals(decision) && !"declined".equals(decision)) {
                throw new LinkException("decision on case " + caseId + ": '" + OneLine.quoted(String.valueOf(decision))
                        + "' is not approved or declined");
            }
            reason = OneLine.clipped(reason == null ? "" : reason, MAX_TITLE);
            until = until == null ? "" : until;
            if (!until.isEmpty()) {
                try {
                    Instant.parse(until);
                } catch (DateTimeParseException e) {
                    throw new LinkException("decision on case " + caseId + ": until '" + OneLine.quoted(until)
                            + "' is not an ISO-8601 instant");
                }
            }
        }
    }
}
