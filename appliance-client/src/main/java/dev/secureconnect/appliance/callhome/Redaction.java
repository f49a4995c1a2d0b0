package dev.secureconnect.appliance.callhome;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is taken out of the text a bundle carries (log tails, health-check output, link events) before anything leaves
 * the appliance: the built-in rules — private keys (PEM, whole or cut by the tail), passwords and secrets in
 * {@code key=value} or {@code key: value}, bearer and basic credentials, TOTP {@code otpauth://} URIs — then the
 * admin's patterns ({@code callHome.redact}), each match replaced by a marker naming the rule. The counts per rule go
 * into the bundle, so the support engineer knows something was there.
 */
public final class Redaction {

    /** The built-in rules, by name, in the order they apply. */
    static final Map<String, Rule> BUILT_IN;

    static {
        Map<String, Rule> rules = new LinkedHashMap<>();
        rules.put(
                "private-key",
                new Rule(
                        Pattern.compile("-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----"
                                + "(?:[\\s\\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\\s\\S]*\\z)"),
                        "[REDACTED private key]"));
        rules.put(
                "private-key-tail", // a tail that starts inside a key: its last base64 lines and its END line
                new Rule(
                        Pattern.compile("(?m)^(?:[A-Za-z0-9+/=]{16,}\\R)*[A-Za-z0-9+/=]*\\R?"
                                + "-----END [A-Z0-9 ]*PRIVATE KEY-----"),
                        "[REDACTED private key]"));
        rules.put(
                "otpauth-uri",
                new Rule(Pattern.compile("(?i)otpauth(?:-migration)?://[^\\s\"'<>]+"), "[REDACTED otpauth URI]"));
        rules.put(
                "bearer-token",
                new Rule(Pattern.compile("(?i)\\b(bearer|basic)(\\s+|%20)[A-Za-z0-9._~+/-]{8,}=*"), "$1 [REDACTED]"));
        rules.put(
                "password",
                new Rule(
                        Pattern.compile("(?i)([\\w.-]*(?:password|passwd|pwd|passphrase|secret|api[_-]?key|"
                                + "access[_-]?key|auth[_-]?token|token)[\\w.-]*\"?)(\\s*[=:]\\s*)"
                                + "(\"[^\"]*\"|'[^']*'|[^\\s,;&]+)"),
                        "$1$2[REDACTED]"));
        BUILT_IN = Collections.unmodifiableMap(rules);
    }

    private final Map<String, Rule> rules;

    private Redaction(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** The built-in rules and then {@code adminPatterns}, named {@code admin-1}, {@code admin-2}, … */
    public static Redaction of(List<Pattern> adminPatterns) {
        Map<String, Rule> rules = new LinkedHashMap<>(BUILT_IN);
        for (int i = 0; i < adminPatterns.size(); i++) {
            rules.put("admin-" + (i + 1), new Rule(adminPatterns.get(i), "[REDACTED admin-" + (i + 1) + "]"));
        }
        return new Redaction(rules);
    }

    /** The rules' names, in the order they apply. */
    public List<String> ruleNames() {
        return new ArrayList<>(rules.keySet());
    }

    /** Redacts {@code text}, adding what each rule took out to {@code counts}. */
    public String apply(String text, Counts counts) {
        String result = text;
        for (Map.Entry<String, Rule> rule : rules.entrySet()) {
            Matcher matcher = rule.getValue().pattern().matcher(result);
            StringBuilder out = new StringBuilder();
            int found = 0;
            while (matcher.find()) {
                if (matcher.end() == matcher.start()) {
                    continue; // an admin pattern that matches the empty string takes nothing out
                }
                found++;
                String replacement = rule.getValue().admin()
                        ? Matcher.quoteReplacement(rule.getValue().replacement())
                        : rule.getValue().replacement();
                matcher.appendReplacement(out, replacement);
            }
            if (found > 0) {
                matcher.appendTail(out);
                result = out.toString();
                counts.add(rule.getKey(), found);
            }
        }
        return result;
    }

    /** How often each rule matched, by rule name: what the bundle reports as {@code redactions}. */
    public static final class Counts {
        private final Map<String, Integer> byRule = new TreeMap<>();

        synchronized void add(String rule, int count) {
            byRule.merge(rule, count, Integer::sum);
        }

        public synchronized Map<String, Integer> byRule() {
            return Collections.unmodifiableMap(new TreeMap<>(byRule));
        }

        public synchronized int total() {
            return byRule.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    record Rule(Pattern pattern, String replacement) {
        boolean admin() {
            return replacement.startsWith("[REDACTED admin-");
        }
    }
}
