package dev.secureconnect.server.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.EventType;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.audit.ServerAuditRecord;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** rules.yaml followed like the token key files: a change applies, a broken file is refused and audited, kept rules stay. */
class AlertRulesTest {

    @TempDir
    Path dir;

    @StorageTest
    void aChangeAppliesAndABrokenFileKeepsTheRulesInForce(TestDatabase test) throws Exception {
        ServerAuditLog audit = new ServerAuditLog(test.database(), MutableClock.atNewYear2026());
        AlertRules rules = AlertRules.load(dir, audit);
        assertThat(rules.rules()).isEmpty();

        write("rules:\n  - {name: web, title: web down, when: {serviceDown: web}}\n", 1);
        rules.poll();
        assertThat(rules.rules()).extracting(AlertRule::name).containsExactly("web");
        rules.poll(); // unchanged: not read again
        assertThat(events(audit, EventType.CASE_RULES_LOADED)).hasSize(1);

        write("rules:\n  - name: web\n    title: web down\n    when: {serviceDown: web}\n    sevrity: high\n", 2);
        rules.poll();
        assertThat(rules.rules()).extracting(AlertRule::name).containsExactly("web");
        List<ServerAuditRecord> refused = events(audit, EventType.CASE_RULES_REFUSED);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).event().details().get("reason"))
                .contains("line 5")
                .contains("unknown field 'sevrity'")
                .doesNotContain("\n");

        write("rules:\n  - {name: db, title: db down, when: {serviceDown: db}}\n", 3);
        rules.poll();
        assertThat(rules.rules()).extracting(AlertRule::name).containsExactly("db");
        assertThat(events(audit, EventType.CASE_RULES_LOADED)).hasSize(2);
    }

    /** Writes the file with a distinct modification time, as an editor saving it later would. */
    private void write(String text, int second) throws Exception {
        Path file = dir.resolve(RulesFile.NAME);
        Files.writeString(file, text);
        Files.setLastModifiedTime(
                file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(second)));
    }

    private static List<ServerAuditRecord> events(ServerAuditLog audit, EventType type) {
        return audit.list(0, 100).stream().filter(r -> r.event().type() == type).toList();
    }
}
