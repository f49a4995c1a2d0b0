package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.events.EventType;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Every export format on an event with arbitrary text in every free field and arbitrary details: each message is one
 * line, its RFC 5424 header is PRINTUSASCII, and the RFC 5424 structured data, the CEF extension, the LEEF attributes
 * and the JSON object give back exactly the values put in when read by the grammar of their format (the independent
 * parsers of {@link Rfc5424FormatTest}, {@link CefFormatTest} and {@link LeefFormatTest}).
 */
class MessageFormatFuzzTest {

    /** RFC 5424 §6: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID SD MSG}, the header fields PRINTUSASCII. */
    private static final Pattern SYSLOG = Pattern.compile(
            "<(\\d{1,3})>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z [!-~]{1,255} [!-~]{1,48} - [!-~]{1,32} (.*)",
            Pattern.DOTALL);

    private static final Pattern SD_NAME = Pattern.compile("[!-~&&[^= \\]\"]]{1,32}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 9999-12-31T23:59:59.999Z: RFC 3339 has four-digit years. */
    private static final long LAST_MILLI = 253_402_300_799_999L;

    @FuzzTest
    void everyFormatKeepsItsGrammar(FuzzedDataProvider data) throws Exception {
        ExportOrigin origin = new ExportOrigin(data.consumeString(80), data.consumeString(60), data.consumeString(30));
        Map<String, String> details = new HashMap<>();
        int detailCount = data.consumeInt(0, 4);
        for (int i = 0; i < detailCount; i++) {
            details.put(data.consumeString(40), data.consumeBoolean() ? null : data.consumeString(120));
        }
        ExportedEvent event = new ExportedEvent(
                data.consumeLong(1, Long.MAX_VALUE),
                Instant.ofEpochMilli(data.consumeLong(0, LAST_MILLI)),
                data.pickValue(EventType.values()),
                data.consumeString(20),
                nullable(data),
                nullable(data),
                nullable(data),
                nullable(data),
                nullable(data),
                details,
                data.consumeString(70));
        int facility = data.consumeInt(0, 23);

        for (MessageFormat format : MessageFormat.values()) {
            String message = format.syslogMessage(event, origin, facility);
            assertThat(message).as(format.label()).doesNotContain("\r", "\n");
            Matcher header = SYSLOG.matcher(message);
            assertThat(header.matches()).as(message).isTrue();
            assertThat(Integer.parseInt(header.group(1))).isBetween(0, 191);
            if (format != MessageFormat.RFC5424) {
                assertThat(header.group(2)).startsWith("- ");
            }
        }

        Map<String, String> sd = Rfc5424FormatTest.parseStructuredData(Rfc5424Format.structuredData(event));
        sd.keySet().forEach(name -> assertThat(name).matches(SD_NAME));
        assertThat(sd)
                .containsEntry("seq", Long.toString(event.seq()))
                .containsEntry("outcome", oneLine(event.outcome()))
                .containsEntry("hash", oneLine(event.hash()));
        expect(sd, "actor", oneLine(event.actor()));
        expect(sd, "appliance", oneLine(event.applianceSerial()));
        expect(sd, "source", oneLine(event.sourceAddress()));

        CefFormatTest.Parsed cef = CefFormatTest.parse(CefFormat.line(event, origin));
        assertThat(cef.header()).hasSize(7);
        assertThat(cef.header().get(3)).isEqualTo(oneLine(origin.productVersion()));
        assertThat(cef.extension().keySet()).allMatch(key -> key.matches("[A-Za-z0-9]+"));
        assertThat(cef.extension())
                .containsEntry("seq", Long.toString(event.seq()))
                .containsEntry("outcome", event.outcome())
                .containsEntry("dvchost", origin.hostname())
                .containsEntry("cs6", event.hash());
        expect(cef.extension(), "suser", event.actor());
        expect(cef.extension(), "cs1", event.applianceSerial());
        expect(cef.extension(), "cs2", event.ticket());
        if (!event.details().isEmpty()) {
            JsonNode cs4 = JSON.readTree(cef.extension().get("cs4"));
            assertThat(cs4.size()).isEqualTo(event.details().size());
            event.details().forEach((name, value) -> assertThat(
                            cs4.get(name).isNull() ? null : cs4.get(name).asText())
                    .isEqualTo(value));
        }

        LeefFormatTest.Parsed leef = LeefFormatTest.parse(LeefFormat.line(event, origin));
        assertThat(leef.header()).hasSize(6);
        assertThat(leef.header().get(3)).isEqualTo(oneLine(origin.productVersion()));
        assertThat(leef.attributes().keySet()).allMatch(key -> key.matches("[A-Za-z0-9_]+"));
        assertThat(leef.attributes())
                .containsEntry("seq", Long.toString(event.seq()))
                .containsEntry("outcome", event.outcome())
                .containsEntry("hash", event.hash());
        expect(leef.attributes(), "usrName", event.actor());
        expect(leef.attributes(), "ticket", event.ticket());

        JsonNode json = JSON.readTree(JsonEventFormat.line(event, origin));
        assertThat(json.get("seq").asLong()).isEqualTo(event.seq());
        assertThat(json.get("outcome").asText()).isEqualTo(event.outcome());
        assertThat(json.get("actor").isNull() ? null : json.get("actor").asText())
                .isEqualTo(event.actor());
        assertThat(json.get("host").asText()).isEqualTo(origin.hostname());
        assertThat(json.get("details").size()).isEqualTo(event.details().size());
    }

    private static @Nullable String nullable(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : data.consumeString(80);
    }

    private static void expect(Map<String, String> parsed, String key, @Nullable String value) {
        if (value == null) {
            assertThat(parsed).doesNotContainKey(key);
        } else {
            assertThat(parsed).containsEntry(key, value);
        }
    }

    private static @Nullable String oneLine(@Nullable String text) {
        return text == null ? null : text.replace('\r', ' ').replace('\n', ' ');
    }
}
