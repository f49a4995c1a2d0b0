package dev.secureconnect.server.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.secureconnect.crypto.text.OneLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * One rule of {@code rules.yaml}: when its condition holds on a bundle (or a missed heartbeat), it opens a case with
 * its title, severity and access scope, once per de-duplication key until the key re-arms.
 *
 * @param name lower-case letters, digits and '-', unique in the file
 * @param title the case's title; {@code {subject}}, {@code {value}}, {@code {appliance}} and {@code {rule}} are
 *     replaced
 * @param dedupKey what makes two firings the same problem, default {@code {rule}:{subject}} (always per appliance)
 * @param rearm how long the condition must have been clear before the key opens a new case, default PT1H
 */
public record AlertRule(
        String name,
        String title,
        CaseSeverity severity,
        When when,
        String dedupKey,
        Duration rearm,
        AccessScope scope) {

    public static final String DEFAULT_DEDUP_KEY = "{rule}:{subject}";
    public static final Duration DEFAULT_REARM = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    @JsonCreator
    public AlertRule(
            @JsonProperty("name") @Nullable String name,
            @JsonProperty("title") @Nullable String title,
            @JsonProperty("severity") @Nullable CaseSeverity severity,
            @JsonProperty("when") @Nullable When when,
            @JsonProperty("dedupKey") @Nullable String dedupKey,
            @JsonProperty("rearm") @Nullable Duration rearm,
            @JsonProperty("scope") @Nullable AccessScope scope) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + OneLine.quoted(name)
                    + "' is missing or not a rule name (lower-case letters, digits and '-', at most 64)");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("rule " + name + ": title is missing");
        }
        if (when == null) {
            throw new IllegalArgumentException("rule " + name + ": when is missing (the condition)");
        }
        dedupKey = dedupKey == null || dedupKey.isBlank() ? DEFAULT_DEDUP_KEY : dedupKey.strip();
        if (dedupKey.length() > 200) {
            throw new IllegalArgumentException("rule " + name + ": dedupKey is longer than 200 characters");
        }
        rearm = rearm == null ? DEFAULT_REARM : rearm;
        if (rearm.isNegative()) {
            throw new IllegalArgumentException("rule " + name + ": rearm " + rearm + " is negative");
        }
        this.name = name;
        this.title = OneLine.clipped(title.strip(), 200);
        this.severity = severity == null ? CaseSeverity.NORMAL : severity;
        this.when = when;
        this.dedupKey = dedupKey;
        this.rearm = rearm;
        this.scope = scope == null ? AccessScope.NONE : scope;
    }

    /**
     * The condition: exactly one of its keys.
     *
     * @param fileSystemAbove a file system (any, or the one at {@code mount}) used above {@code percent}
     * @param serviceDown an allow-listed service (by name, or {@code "*"} for any) whose port does not accept
     * @param healthCheckFailing a health check (by name, or {@code "*"}) that is not healthy
     * @param logMatches a line of a log tail (any, or the one of {@code path}) matching {@code regex}
     * @param versionBelow the appliance's version is below this one (dotted numbers, e.g. {@code 1.4.2})
     * @param heartbeatMissed {@code true}: the appliance sent no bundle for two intervals and the slack
     */
    public record When(
            @Nullable FileSystemAbove fileSystemAbove,
            @Nullable String serviceDown,
            @Nullable String healthCheckFailing,
            @Nullable LogMatches logMatches,
            @Nullable String versionBelow,
            @Nullable Boolean heartbeatMissed) {

        private static final Pattern VERSION = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9}){0,5}");

        public When {
            List<String> given = new ArrayList<>();
            if (fileSystemAbove != null) {
                given.add("fileSystemAbove");
            }
            if (serviceDown != null) {
                given.add("serviceDown");
            }
            if (healthCheckFailing != null) {
                given.add("healthCheckFailing");
            }
            if (logMatches != null) {
                given.add("logMatches");
            }
            if (versionBelow != null) {
                given.add("versionBelow");
                if (!VERSION.matcher(versionBelow).matches()) {
                    throw new IllegalArgumentException("versionBelow '" + OneLine.quoted(versionBelow)
                            + "' is not a version (dotted numbers, e.g. 1.4.2)");
                }
            }
            if (heartbeatMissed != null) {
                given.add("heartbeatMissed");
                if (!heartbeatMissed) {
                    throw new IllegalArgumentException("heartbeatMissed: write true, or leave the rule out");
                }
            }
            if (given.size() != 1) {
                throw new IllegalArgumentException("when: give exactly one of fileSystemAbove, serviceDown,"
                        + " healthCheckFailing, logMatches, versionBelow, heartbeatMissed (given: "
                        + (given.isEmpty() ? "none" : String.join(", ", given)) + ")");
            }
        }

        /** Whether the condition is about the heartbeat (evaluated when {@code callhome.missed} fires). */
        public boolean onHeartbeat() {
            return heartbeatMissed != null;
        }
    }

    /**
     * @param percent the threshold, above 0 and below 100
     * @param mount only this mount point; null: any
     */
    public record FileSystemAbove(double percent, @Nullable String mount) {
        @JsonCreator
        public FileSystemAbove(
                @JsonProperty(value = "percent", required = true) double percent,
                @JsonProperty("mount") @Nullable String mount) {
            if (!(percent > 0 && percent < 100)) {
                throw new IllegalArgumentException(
                        "fileSystemAbove.percent " + percent + " is not a threshold (above 0, below 100)");
            }
            this.percent = percent;
            this.mount = mount;
        }
    }

    /**
     * @param regex a Java regular expression, found anywhere in a line
     * @param path only the tail of this log file; null: any
     */
    public record LogMatches(Pattern regex, @Nullable String path) {
        @JsonCreator
        public LogMatches(
                @JsonProperty(value = "regex", required = true) @Nullable String regex,
                @JsonProperty("path") @Nullable String path) {
            this(compile(regex), path);
        }

        private static Pattern compile(@Nullable String regex) {
            if (regex == null || regex.isEmpty()) {
                throw new IllegalArgumentException("logMatches.regex is missing");
            }
            try {
                return Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("logMatches.regex '" + OneLine.quoted(regex)
                        + "' is not a regular expression: " + OneLine.of(e.getDescription()) + " at index "
                        + e.getIndex());
            }
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof LogMatches that
                    && regex.pattern().equals(that.regex.pattern())
                    && java.util.Objects.equals(path, that.path);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(regex.pattern(), path);
        }
    }
}
