package dev.secureconnect.appliance.access;

import static java.util.Objects.requireNonNull;

import dev.secureconnect.crypto.text.OneLine;
import dev.secureconnect.crypto.token.AccessToken;
import dev.secureconnect.events.EventType;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin approved for a support case ({@code sc-appliance approve}): the case's services, commands and folders
 * until a time. Kept with the case's ticket ({@code state.json}); a session request under that ticket is put to it
 * after the token and before the target's own policy, so that the appliance refuses what lies outside the case even
 * when the token (a compromised server) would allow it.
 *
 * <p>Reason codes: {@code case-expired}, {@code outside-case-scope}; each audited as {@code case.scope-refused}.
 *
 * @param caseId the case approved
 * @param until when the approval ends (ISO-8601 instant)
 */
public record CaseScope(
        String caseId, List<String> services, List<String> commands, List<String> folders, String until) {

    public CaseScope {
        requireNonNull(caseId, "caseId");
        services = services == null ? List.of() : List.copyOf(services);
        commands = commands == null ? List.of() : List.copyOf(commands);
        folders = folders == null ? List.of() : List.copyOf(folders);
        requireNonNull(until, "until");
        try {
            Instant.parse(until);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "case " + caseId + ": until '" + OneLine.quoted(until) + "' is not an ISO-8601 instant", e);
        }
    }

    /**
     * The scope a support case's token carries ({@code scope} claim), until the token expires; empty for a token
     * without one. Put to a request as the stored approval is, after it: a claim may only narrow what the admin
     * approved, never widen it.
     */
    public static Optional<CaseScope> claimedBy(AccessToken token) {
        return token.scope()
                .map(claim -> new CaseScope(
                        claim.caseId(),
                        claim.services(),
                        claim.commands(),
                        claim.folders(),
                        token.expiresAt().toString()));
    }

    public Instant expiry() {
        return Instant.parse(until);
    }

    /** A {@code CONNECT} to the allow-listed service named {@code service}. */
    public <T> AccessVerdict<T> allowsService(String service, Instant now) {
        return check(services.contains(service), "service " + service, "services", services, now);
    }

    /** Running the catalogue command {@code command}. */
    public <T> AccessVerdict<T> allowsCommand(String command, Instant now) {
        return check(commands.contains(command), "command " + OneLine.quoted(command), "commands", commands, now);
    }

    /**
     * Reading or writing {@code file} (absolute; as the folder policy resolved it): inside one of the case's folders,
     * compared component by component after normalising, so {@code /var/log2} is not inside {@code /var/log}.
     */
    public <T> AccessVerdict<T> allowsFile(Path file, Instant now) {
        Path normal = file.toAbsolutePath().normalize();
        boolean inside = folders.stream()
                .anyMatch(folder -> normal.startsWith(Path.of(folder).normalize()));
        return check(inside, "file " + OneLine.quoted(file.toString()), "folders", folders, now);
    }

    private <T> AccessVerdict<T> check(boolean inScope, String target, String what, List<String> allowed, Instant now) {
        if (!now.isBefore(expiry())) {
            return refuse(
                    "case-expired",
                    target,
                    "the approval of case " + caseId + " ended at " + until + ": ask the appliance admin to approve"
                            + " it again");
        }
        if (!inScope) {
            return refuse(
                    "outside-case-scope",
                    target,
                    target + " is outside the scope of case " + caseId + " (" + what + ": "
                            + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
        }
        return AccessVerdict.allow(null);
    }

    private <T> AccessVerdict<T> refuse(String code, String target, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("caseId", caseId);
        details.put("label", code);
        details.put("target", OneLine.clipped(target, 200));
        return AccessVerdict.<T>deny(403, code, OneLine.of(reason)).audited(EventType.CASE_SCOPE_REFUSED, details);
    }
}
