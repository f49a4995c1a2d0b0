package dev.secureconnect.appliance.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The appliance's own check of a case's scope, as a table: what a session under a case's ticket may reach, whatever
 * its token allows.
 */
class CaseScopeTest {

    private static final Instant NOW = Instant.parse("2026-12-07T20:00:00Z");
    private static final CaseScope SCOPE = new CaseScope(
            "C12345678", List.of("web"), List.of("raid-status"), List.of("/var/log/app"), "2026-12-07T22:00:00Z");

    @ParameterizedTest(name = "{0} {1} at +{2} min: {3}")
    @CsvSource({
        // kind, target, minutes after NOW, expected code (allowed: -)
        "service, web,                     0,   -",
        "service, ssh,                     0,   outside-case-scope",
        "command, raid-status,             0,   -",
        "command, df,                      0,   outside-case-scope",
        "command, raid-status,             119, -",
        "command, raid-status,             120, case-expired",
        "service, web,                     600, case-expired",
        "file,    /var/log/app/x.log,      0,   -",
        "file,    /var/log/app,            0,   -",
        "file,    /var/log/app2/x.log,     0,   outside-case-scope",
        "file,    /var/log/app/../../../etc/shadow, 0, outside-case-scope",
        "file,    /etc/passwd,             0,   outside-case-scope",
        "file,    /var/log/app/x.log,      121, case-expired"
    })
    void aRequestIsAllowedOnlyInsideTheScopeAndBeforeItsTime(String kind, String target, int minutes, String code) {
        Instant at = NOW.plusSeconds(minutes * 60L);
        AccessVerdict<Void> verdict =
                switch (kind) {
                    case "service" -> SCOPE.allowsService(target, at);
                    case "command" -> SCOPE.allowsCommand(target, at);
                    default -> SCOPE.allowsFile(Path.of(target), at);
                };
        if (code.equals("-")) {
            assertThat(verdict.allowed()).isTrue();
            return;
        }
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.status()).isEqualTo(403);
        assertThat(verdict.code()).isEqualTo(code);
        assertThat(verdict.event()).isEqualTo(EventType.CASE_SCOPE_REFUSED);
        assertThat(verdict.details()).containsEntry("caseId", "C12345678").containsEntry("label", code);
        assertThat(verdict.reason()).contains("case C12345678").doesNotContain("\n");
    }

    @ParameterizedTest
    @CsvSource({"'bad\u000bname'", "'x\u2028y'"})
    void aTargetWithControlCharactersIsRefusedOnOneLine(String command) {
        AccessVerdict<Void> verdict = SCOPE.allowsCommand(command, NOW);
        assertThat(verdict.reason()).doesNotContain("\u000b", "\u2028");
        assertThat(String.valueOf(verdict.details().get("target"))).doesNotContain("\u000b", "\u2028");
    }
}
