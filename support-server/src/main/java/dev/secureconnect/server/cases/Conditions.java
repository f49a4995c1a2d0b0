package dev.secureconnect.server.cases;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secureconnect.crypto.text.OneLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates rules on a bundle's JSON (format {@code secureconnect-callhome-v1}, see docs/callhome.md): which rules fire,
 * and about what. Pure: no clock, no database; a field missing from the bundle never fires.
 */
public final class Conditions {

    private static final Pattern LEADING_VERSION = Pattern.compile("^([0-9]{1,9}(?:\\.[0-9]{1,9}){0,5})");
    private static final int MAX_LOG_LINES = 10_000;

    private Conditions() {}

    /** The firings of the bundle rules (not the heartbeat ones) on {@code bundle}, each subject once, in rule order. */
    public static List<Firing> onBundle(List<AlertRule> rules, JsonNode bundle) {
        List<Firing> firings = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (!rule.when().onHeartbeat()) {
                firings.addAll(evaluate(rule, bundle));
            }
        }
        return firings;
    }

    /** The firings of the heartbeat rules, for an appliance whose heartbeat was missed. */
    public static List<Firing> onMissedHeartbeat(List<AlertRule> rules, String value) {
        List<Firing> firings = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (rule.when().onHeartbeat()) {
                firings.add(new Firing(rule, "heartbeat", value));
            }
        }
        return firings;
    }

    static List<Firing> evaluate(AlertRule rule, JsonNode bundle) {
        AlertRule.When when = rule.when();
        Map<String, String> hits = new LinkedHashMap<>(); // subject -> value, first wins
        if (when.fileSystemAbove() != null) {
            AlertRule.FileSystemAbove above = when.fileSystemAbove();
            for (JsonNode fs : bundle.path("system").path("fileSystems")) {
                String mount = fs.path("mount").asText("");
                JsonNode used = fs.path("usedPercent");
                if (used.isNumber()
                        && used.asDouble() > above.percent()
                        && (above.mount() == null || above.mount().equals(mount))) {
                    hits.putIfAbsent(mount, Double.toString(used.asDouble()));
                }
            }
        } else if (when.serviceDown() != null) {
            for (JsonNode service : bundle.path("services")) {
                String name = service.path("name").asText("");
                if (service.path("accepting").isBoolean()
                        && !service.path("accepting").asBoolean()
                        && matches(when.serviceDown(), name)) {
                    hits.putIfAbsent(name, "port " + service.path("port").asText("?") + " not accepting");
                }
            }
        } else if (when.healthCheckFailing() != null) {
            for (JsonNode check : bundle.path("healthChecks")) {
                String name = check.path("name").asText("");
                if (check.path("healthy").isBoolean()
                        && !check.path("healthy").asBoolean()
                        && matches(when.healthCheckFailing(), name)) {
                    hits.putIfAbsent(name, checkValue(check));
                }
            }
        } else if (when.logMatches() != null) {
            AlertRule.LogMatches logMatches = when.logMatches();
            for (JsonNode log : bundle.path("logs")) {
                String path = log.path("path").asText("");
                String tail = log.path("tail").asText("");
                if (tail.isEmpty()
                        || (logMatches.path() != null && !logMatches.path().equals(path))) {
                    continue;
                }
                String[] lines = tail.split("\n", MAX_LOG_LINES + 1);
                for (int i = 0; i < Math.min(lines.length, MAX_LOG_LINES); i++) {
                    Matcher matcher = logMatches.regex().matcher(lines[i]);
                    if (matcher.find()) {
                        hits.putIfAbsent(path, OneLine.clipped(lines[i].strip(), 200));
                        break;
                    }
                }
            }
        } else if (when.versionBelow() != null) {
            String version = bundle.path("product").path("version").asText("");
            Matcher leading = LEADING_VERSION.matcher(version);
            if (leading.find() && compare(leading.group(1), when.versionBelow()) < 0) {
                hits.put(version, version);
            }
        }
        List<Firing> firings = new ArrayList<>();
        hits.forEach((subject, value) -> firings.add(new Firing(rule, subject, value)));
        return firings;
    }

    private static boolean matches(String wanted, String name) {
        return "*".equals(wanted) || wanted.equals(name);
    }

    private static String checkValue(JsonNode check) {
        if (check.path("timedOut").asBoolean(false)) {
            return "timed out";
        }
        if (check.path("exitStatus").isInt()) {
            return "exit status " + check.path("exitStatus").asInt() + " (expected "
                    + check.path("expectExit").asText("0") + ")";
        }
        return OneLine.clipped(check.path("error").asText("failed"), 120);
    }

    /** Compares dotted numeric versions: {@code 1.4 < 1.4.1 < 1.10}. */
    static int compare(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            long l = i < left.length ? Long.parseLong(left[i]) : 0;
            long r = i < right.length ? Long.parseLong(right[i]) : 0;
            if (l != r) {
                return Long.compare(l, r);
            }
        }
        return 0;
    }
}
