package dev.secureconnect.server.engineerapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.server.audit.ServerAuditLog;
import dev.secureconnect.server.cases.AlertRule;
import dev.secureconnect.server.cases.CaseStore;
import dev.secureconnect.server.cases.Conditions;
import dev.secureconnect.server.cases.RulesFile;
import dev.secureconnect.server.storage.testing.StorageTest;
import dev.secureconnect.server.storage.testing.TestDatabase;
import dev.secureconnect.testing.MutableClock;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/cases}: the cases of one appliance or of all, with ticket, state and scope; a bad serial is 400. */
class CasesEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @StorageTest
    void listsTheCasesWithTheirTicketStateAndScope(TestDatabase test) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        CaseStore store = new CaseStore(test.database(), new ServerAuditLog(test.database(), clock), clock);
        List<AlertRule> rules = RulesFile.parse("rules.yaml", """
                rules:
                  - name: disk
                    title: "{subject} is full"
                    severity: high
                    when: {fileSystemAbove: {percent: 90}}
                    scope: {commands: [disk-usage], folders: [/var/log], duration: PT2H}
                """);
        JsonNode bundle = JSON.readTree(
                "{\"serial\":\"SN-1\",\"system\":{\"fileSystems\":[{\"mount\":\"/data\",\"usedPercent\":97}]}}");
        String id = store.fire("SN-1", "b-1", Conditions.onBundle(rules, bundle), CaseStore.Evaluation.BUNDLE)
                .get(0)
                .id();

        JsonNode all = JSON.valueToTree(CasesEndpoint.body(store, null));
        assertThat(all.path("cases")).hasSize(1);
        JsonNode row = all.path("cases").get(0);
        assertThat(row.path("id").asText()).isEqualTo(id);
        assertThat(row.path("ticket").asText()).isEqualTo(id.substring(1));
        assertThat(row.path("state").asText()).isEqualTo("open");
        assertThat(row.path("commands").get(0).asText()).isEqualTo("disk-usage");
        assertThat(row.path("duration").asText()).isEqualTo("PT2H");

        assertThat((List<?>) CasesEndpoint.body(store, "SN-2").get("cases")).isEmpty();
        assertThatThrownBy(() -> CasesEndpoint.body(store, "SN\n1"))
                .isInstanceOf(ApiException.class)
                .hasMessage("appliance: 'SN?1' is not a serial");
    }
}
