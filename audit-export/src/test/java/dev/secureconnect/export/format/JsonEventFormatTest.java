package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.events.EventType;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.TestEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonEventFormatTest {

    @Test
    void golden() {
        assertThat(JsonEventFormat.line(TestEvents.streamOpened(), TestEvents.ORIGIN))
                .isEqualTo(
                        "{\"seq\":42,\"time\":\"2026-11-23T10:00:00.123Z\",\"eventId\":1200,\"event\":\"stream.opened\","
                                + "\"severity\":\"notice\",\"severityCode\":5,\"category\":\"sessions\",\"outcome\":\"success\","
                                + "\"actor\":\"alice\",\"appliance\":\"SC-0001\",\"ticket\":\"T-1001\",\"session\":\"s-7f3a\","
                                + "\"source\":\"192.0.2.10:51515\",\"details\":{\"kind\":\"connect\",\"target\":\"127.0.0.1:22\"},"
                                + "\"hash\":\"9f86d081884c7d65\",\"host\":\"sc-server-1\",\"product\":\"SecureConnect Server\","
                                + "\"version\":\"0.1.0\"}");
    }

    @Test
    void valuesRoundTripOnOneLine() throws Exception {
        String line = JsonEventFormat.line(TestEvents.nasty(), TestEvents.ORIGIN);
        assertThat(line).doesNotContain("\r", "\n");

        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("actor").asText()).isEqualTo(TestEvents.NASTY);
        assertThat(json.get("details").get("reason").asText()).isEqualTo(TestEvents.NASTY);
        assertThat(json.get("appliance").isNull()).isTrue();
        assertThat(json.get("seq").asLong()).isEqualTo(7);
        assertThat(List.copyOf(iterable(json.fieldNames())))
                .containsExactly(
                        "seq",
                        "time",
                        "eventId",
                        "event",
                        "severity",
                        "severityCode",
                        "category",
                        "outcome",
                        "actor",
                        "appliance",
                        "ticket",
                        "session",
                        "source",
                        "details",
                        "hash",
                        "host",
                        "product",
                        "version");
    }

    @Test
    void absentValuesAreNullAndNoDetailsAnEmptyObject() throws Exception {
        ExportedEvent bare = new ExportedEvent(
                1, Instant.EPOCH, EventType.LINK_UP, "success", null, null, null, null, null, Map.of(), "00");

        JsonNode json = new ObjectMapper().readTree(JsonEventFormat.line(bare, TestEvents.ORIGIN));

        assertThat(List.copyOf(iterable(json.fieldNames()))).hasSize(18);
        for (String absent : List.of("actor", "appliance", "ticket", "session", "source")) {
            assertThat(json.get(absent).isNull()).as(absent).isTrue();
        }
        assertThat(json.get("details").isObject()).isTrue();
        assertThat(json.get("details").size()).isZero();
        assertThat(json.get("severity").asText()).isEqualTo("informational");
        assertThat(json.get("time").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
    }

    @Test
    void nodeIsTheLineAsATree() {
        assertThat(JsonEventFormat.node(TestEvents.streamOpened(), TestEvents.ORIGIN)
                        .toString())
                .isEqualTo(JsonEventFormat.line(TestEvents.streamOpened(), TestEvents.ORIGIN));
    }

    @Test
    void batchHoldsTheEventsInOrderOnOneLine() {
        assertThat(JsonEventFormat.batch(TestEvents.events(1, 2), TestEvents.ORIGIN))
                .isEqualTo("{\"events\":["
                        + JsonEventFormat.line(TestEvents.withSeq(1), TestEvents.ORIGIN) + ","
                        + JsonEventFormat.line(TestEvents.withSeq(2), TestEvents.ORIGIN) + "]}");
    }

    @Test
    void detailsAlone() {
        assertThat(JsonEventFormat.details(Map.of("a", "1\n"))).isEqualTo("{\"a\":\"1\\n\"}");
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new java.util.ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
