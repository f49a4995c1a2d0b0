package dev.secureconnect.server.cases;

/**
 * A rule whose condition holds, about one subject.
 *
 * @param subject what it is about: the mount point, service, health check, log path, version or {@code heartbeat}
 * @param value what was seen: the percentage, the exit status, the matching line, the version
 */
public record Firing(AlertRule rule, String subject, String value) {

    /** The rule's de-duplication key with the placeholders replaced (the appliance is implied: keys are per appliance). */
    public String dedupKey(String appliance) {
        return expand(rule.dedupKey(), appliance);
    }

    /** The case's title. */
    public String title(String appliance) {
        return expand(rule.title(), appliance);
    }

    private String expand(String template, String appliance) {
        return template.replace("{rule}", rule.name())
                .replace("{subject}", subject)
                .replace("{value}", value)
                .replace("{appliance}", appliance);
    }
}
