package dev.secureconnect.server.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of condition on one bundle: which rules fire, about which subject, with which value and title. */
class ConditionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A bundle as the appliance sends it (the fields the rules read). */
    static final String BUNDLE = """
            {"format": "secureconnect-callhome-v1", "id": "6f1c1f0e-4a8b-4c53-9a54-0a1b2c3d4e5f", "serial": "SN-1",
             "product": {"name": "sc-appliance", "version": "1.3.9-SNAPSHOT"},
             "system": {"fileSystems": [
                {"mount": "/", "usedPercent": 41.0},
                {"mount": "/data", "usedPercent": 97.5},
                {"mount": "/backup", "usedPercent": 91.2}]},
             "services": [{"name": "web", "port": 8080, "accepting": false},
                          {"name": "db", "port": 5432, "accepting": true}],
             "healthChecks": [{"name": "raid", "healthy": false, "exitStatus": 2, "expectExit": 0},
                              {"name": "backup-jobs", "healthy": true, "exitStatus": 0},
                              {"name": "ntp", "healthy": false, "timedOut": true}],
             "logs": [{"path": "/var/log/app.log", "tail": "started\\njava.lang.OutOfMemoryError: heap\\nagain OutOfMemoryError"},
                      {"path": "/var/log/other.log", "tail": "oom-kill in other\\n"}]}
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            any disk above 90     ; {fileSystemAbove: {percent: 90}}                      ; /data=97.5 /backup=91.2
            one mount above 90    ; {fileSystemAbove: {percent: 90, mount: /data}}        ; /data=97.5
            none above 98         ; {fileSystemAbove: {percent: 98}}                      ; ''
            service web down      ; {serviceDown: web}                                    ; web=port 8080 not accepting
            any service down      ; {serviceDown: '*'}                                    ; web=port 8080 not accepting
            db is up              ; {serviceDown: db}                                     ; ''
            raid failing          ; {healthCheckFailing: raid}                            ; raid=exit status 2 (expected 0)
            any check failing     ; {healthCheckFailing: '*'}                             ; raid=exit status 2 (expected 0) ntp=timed out
            backup-jobs healthy   ; {healthCheckFailing: backup-jobs}                     ; ''
            log line in any log   ; {logMatches: {regex: 'OutOfMemoryError|oom-kill'}}    ; /var/log/app.log=java.lang.OutOfMemoryError: heap /var/log/other.log=oom-kill in other
            log line in one log   ; {logMatches: {regex: oom-kill, path: /var/log/app.log}} ; ''
            version below 1.4     ; {versionBelow: '1.4'}                                 ; 1.3.9-SNAPSHOT=1.3.9-SNAPSHOT
            version below 1.3.9   ; {versionBelow: 1.3.9}                                 ; ''
            heartbeat not here    ; {heartbeatMissed: true}                               ; ''
            """)
    void aConditionFiresAboutEachSubject(String what, String when, String expected) throws Exception {
        AlertRule rule = RulesFile.parse(
                        "rules.yaml",
                        "rules:\n  - {name: r, title: '{subject} at {value} on {appliance}', when: " + when + "}\n")
                .get(0);
        JsonNode bundle = JSON.readTree(BUNDLE);
        List<Firing> firings = Conditions.onBundle(List.of(rule), bundle);
        String seen = String.join(
                " ", firings.stream().map(f -> f.subject() + "=" + f.value()).toList());
        assertThat(seen).as(what).isEqualTo(expected);
        firings.forEach(f -> {
            assertThat(f.title("SN-1")).isEqualTo(f.subject() + " at " + f.value() + " on SN-1");
            assertThat(f.dedupKey("SN-1")).isEqualTo("r:" + f.subject());
        });
    }

    @ParameterizedTest(name = "{0} < {1}: {2}")
    @CsvSource({"1.3.9, 1.4, -1", "1.4, 1.4.0, 0", "1.10, 1.9, 1", "2, 1.99.99, 1", "1.4.1, 1.4.2, -1"})
    void versionsCompareByNumber(String a, String b, int expected) {
        assertThat(Integer.signum(Conditions.compare(a, b))).isEqualTo(expected);
    }
}
