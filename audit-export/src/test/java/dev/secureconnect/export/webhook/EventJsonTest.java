package dev.secureconnect.export.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.tunnel.audit.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void oneCompactObjectWithSeqFirstAndEveryField() throws Exception {
        String line = EventJson.line(TestEvents.event(42), TestEvents.ORIGIN);

        assertThat(line).startsWith("{\"seq\":42,").doesNotContain("\n").doesNotContain(": ");
        JsonNode json = MAPPER.readTree(line);
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("seq", "time", "eventId", "event", "severity", "severityCode", "category",
                "outcome", "actor", "appliance", "ticket", "session", "source", "details", "hash", "host", "product",
                "version");
        assertThat(json.get("time").asText()).isEqualTo("2025-01-31T10:16:12.123Z");
        assertThat(json.get("eventId").asInt()).isEqualTo(1200);
        assertThat(json.get("event").asText()).isEqualTo("stream.opened");
        assertThat(json.get("severity").asText()).isEqualTo("notice");
        assertThat(json.get("severityCode").asInt()).isEqualTo(5);
        assertThat(json.get("category").asText()).isEqualTo(EventType.STREAM_OPENED.category());
        assertThat(json.get("appliance").asText()).isEqualTo("SC-0001");
        assertThat(json.get("session").asText()).isEqualTo("s-42");
        assertThat(json.get("source").asText()).isEqualTo("192.0.2.7:50122");
        assertThat(json.get("details").get("note").asText()).isEqualTo("line \"one\"\nline two, café");
        assertThat(json.get("host").asText()).isEqualTo("sc-server-1");
        assertThat(json.get("product").asText()).isEqualTo("SecureConnect Server");
        assertThat(json.get("version").asText()).isEqualTo("0.1.0");
    }

    @Test
    void absentFieldsAreNullAndDetailsAnEmptyObject() throws Exception {
        ExportedEvent bare = new ExportedEvent(1, Instant.EPOCH, EventType.LINK_UP, "success", null, null, null, null,
                null, Map.of(), "00");

        JsonNode json = MAPPER.readTree(EventJson.line(bare, TestEvents.ORIGIN));

        assertThat(json.get("actor").isNull()).isTrue();
        assertThat(json.get("ticket").isNull()).isTrue();
        assertThat(json.get("details").isObject()).isTrue();
        assertThat(json.get("details").size()).isZero();
        assertThat(json.get("severity").asText()).isEqualTo("informational");
    }
}
