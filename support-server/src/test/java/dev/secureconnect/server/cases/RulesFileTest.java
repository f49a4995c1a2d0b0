package dev.secureconnect.server.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** rules.yaml read strictly: the documented example parses; each kind of mistake names its line and what is wrong. */
class RulesFileTest {

    static final String EXAMPLE = """
            # alert rules: docs/callhome.md
            rules:
              - name: disk-full
                title: "File system {subject} is {value}% full"
                severity: high
                when:
                  fileSystemAbove: {percent: 90, mount: /data}
                rearm: PT12H
                scope:
                  commands: [disk-usage]
                  folders: [/var/log]
                  duration: PT2H
              - name: raid
                title: "Health check {subject} failing: {value}"
                severity: critical
                when:
                  healthCheckFailing: "*"
                scope:
                  services: [web]
                  commands: [raid-status]
              - name: web-down
                title: "Service {subject} is down"
                when: {serviceDown: web}
              - name: oom
                title: "Out of memory in {subject}"
                when:
                  logMatches: {regex: "OutOfMemoryError|oom-kill", path: /var/log/app.log}
                dedupKey: "{rule}"
              - name: old
                title: "Version {value} is out of support"
                severity: low
                when: {versionBelow: "1.4.2"}
                rearm: P7D
              - name: silent
                title: "No Call Home bundle: {value}"
                when: {heartbeatMissed: true}
            """;

    @Test
    void theDocumentedExampleParses() {
        List<AlertRule> rules = RulesFile.parse("rules.yaml", EXAMPLE);
        assertThat(rules)
                .extracting(AlertRule::name)
                .containsExactly("disk-full", "raid", "web-down", "oom", "old", "silent");
        AlertRule disk = rules.get(0);
        assertThat(disk.severity()).isEqualTo(CaseSeverity.HIGH);
        assertThat(disk.when().fileSystemAbove()).isEqualTo(new AlertRule.FileSystemAbove(90, "/data"));
        assertThat(disk.rearm()).isEqualTo(Duration.ofHours(12));
        assertThat(disk.dedupKey()).isEqualTo(AlertRule.DEFAULT_DEDUP_KEY);
        assertThat(disk.scope())
                .isEqualTo(new AccessScope(List.of(), List.of("disk-usage"), List.of("/var/log"), Duration.ofHours(2)));
        assertThat(rules.get(1).scope().duration()).isEqualTo(AccessScope.DEFAULT_DURATION);
        assertThat(rules.get(2).severity()).isEqualTo(CaseSeverity.NORMAL);
        assertThat(rules.get(2).rearm()).isEqualTo(AlertRule.DEFAULT_REARM);
        assertThat(rules.get(5).when().onHeartbeat()).isTrue();
        assertThat(RulesFile.parse("rules.yaml", "# nothing yet\n")).isEmpty();
        assertThat(RulesFile.parse("rules.yaml", "")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown field      | rules:\\n  - name: a\\n    title: t\\n    when: {serviceDown: web}\\n    treshold: 3\\n | rules.yaml line 5 (rules[0].treshold): unknown field 'treshold' (known here:
            bad regex          | rules:\\n  - name: a\\n    title: t\\n    when:\\n      logMatches: {regex: \"(oops\"}\\n | rules.yaml line 5 (rules[0].when.logMatches): logMatches.regex '(oops' is not a regular expression: Unclosed group
            threshold too high | rules:\\n  - name: a\\n    title: t\\n    when:\\n      fileSystemAbove: {percent: 120}\\n | rules.yaml line 5 (rules[0].when.fileSystemAbove): fileSystemAbove.percent 120.0 is not a threshold
            threshold a word   | rules:\\n  - name: a\\n    title: t\\n    when:\\n      fileSystemAbove: {percent: lots}\\n | rules.yaml line 5 (rules[0].when.fileSystemAbove.percent): Cannot deserialize value of type `double` from String \"lots\"
            two conditions     | rules:\\n  - name: a\\n    title: t\\n    when: {serviceDown: web, versionBelow: \"2\"}\\n | rules.yaml line 4 (rules[0].when): when: give exactly one of
            bad severity       | rules:\\n  - name: a\\n    title: t\\n    severity: urgent\\n    when: {serviceDown: web}\\n | rules.yaml line 4 (rules[0].severity): severity 'urgent' is not one of critical, high, normal, low
            bad version        | rules:\\n  - name: a\\n    title: t\\n    when: {versionBelow: latest}\\n | rules.yaml line 4 (rules[0].when): versionBelow 'latest' is not a version
            bad name           | rules:\\n  - name: Disk Full\\n    title: t\\n    when: {serviceDown: web}\\n | rules.yaml line 2 (rules[0]): name 'Disk Full' is missing or not a rule name
            duplicate name     | rules:\\n  - {name: a, title: t, when: {serviceDown: web}}\\n  - {name: a, title: u, when: {serviceDown: db}}\\n | rules.yaml: two rules are named 'a'
            wrong type         | rules:\\n  - name: a\\n    title: [\\n | rules.yaml line 3 (rules[0].title): Cannot deserialize
            not yaml           | rules: [\\n | rules.yaml line 1: not valid YAML:
            """)
    void aMistakeNamesItsLine(String what, String text, String message) {
        assertThatThrownBy(() -> RulesFile.parse("rules.yaml", text.replace("\\n", "\n")))
                .as(what)
                .isInstanceOf(RulesException.class)
                .hasMessageStartingWith(message)
                .message()
                .doesNotContain("\n");
    }
}
