package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.ExportedEvent;
import dev.secureconnect.export.TestEvents;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Rfc5424FormatTest {

    /** RFC 5424 §6 header, then SD and MSG; HOSTNAME etc. PRINTUSASCII. */
    private static final Pattern SYSLOG = Pattern.compile(
            "<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) ([!-~]{1,255}) ([!-~]{1,48}) - ([!-~]{1,32}) (.*)");

    @Test
    void golden() {
        assertThat(Rfc5424Format.message(TestEvents.streamOpened(), TestEvents.ORIGIN, 13))
                .isEqualTo(
                        "<109>1 2026-11-23T10:00:00.123Z sc-server-1 sc-server - stream.opened [secureconnect@32473 seq=\"42\""
                                + " eventId=\"1200\" event=\"stream.opened\" outcome=\"success\" actor=\"alice\""
                                + " appliance=\"SC-0001\" ticket=\"T-1001\" session=\"s-7f3a\" source=\"192.0.2.10:51515\""
                                + " hash=\"9f86d081884c7d65\" kind=\"connect\" target=\"127.0.0.1:22\"] stream.opened success"
                                + " actor=alice appliance=SC-0001 ticket=T-1001 session=s-7f3a source=192.0.2.10:51515");
    }

    @Test
    void priIsFacilityTimesEightPlusSeverity() {
        ExportedEvent alert = new ExportedEvent(
                1,
                Instant.EPOCH,
                EventType.APPLIANCE_CLONE_SUSPECTED,
                "failure",
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                "h");
        assertThat(Rfc5424Format.header(alert, TestEvents.ORIGIN, 4)).startsWith("<33>1 1970-01-01T00:00:00.000Z ");
        assertThat(Rfc5424Format.header(alert, TestEvents.ORIGIN, 23)).startsWith("<185>1 ");
        assertThat(Rfc5424Format.header(TestEvents.streamOpened(), TestEvents.ORIGIN, 0))
                .startsWith("<5>1 ");
        assertThatThrownBy(() -> Rfc5424Format.header(alert, TestEvents.ORIGIN, 24))
                .hasMessage("facility: 24 (expected: 0-23)");
    }

    @Test
    void paramValuesEscapeQuoteBackslashAndBracketOnly() {
        String message = Rfc5424Format.message(TestEvents.nasty(), TestEvents.ORIGIN, 13);

        assertThat(message).doesNotContain("\r", "\n");
        assertThat(message).contains(" actor=\"a|b=c\\\\d\\\"e\\]f g h\ti é€😀\"");
        Map<String, String> params = parseStructuredData(sd(message));
        assertThat(params)
                .containsEntry("actor", TestEvents.NASTY.replace('\r', ' ').replace('\n', ' '))
                .containsEntry("reason", TestEvents.NASTY.replace('\r', ' ').replace('\n', ' '))
                .containsEntry("source", "[2001:db8::5]:443")
                .containsEntry("seq", "7")
                .doesNotContainKeys("appliance", "ticket", "session");
    }

    @Test
    void detailNamesBecomeValidSdNames() {
        ExportedEvent event = new ExportedEvent(
                3,
                Instant.EPOCH,
                EventType.STREAM_CLOSED,
                "success",
                null,
                null,
                null,
                null,
                null,
                Map.of("bytes in", "1", "a=b]\"c", "2", "seq", "3", "x".repeat(40), "4", "ké", "5"),
                "h");
        Map<String, String> params = parseStructuredData(sd(Rfc5424Format.message(event, TestEvents.ORIGIN, 13)));

        assertThat(params)
                .containsEntry("bytes_in", "1")
                .containsEntry("a_b__c", "2")
                .containsEntry("detail-seq", "3")
                .containsEntry("x".repeat(32), "4")
                .containsEntry("k_", "5")
                .containsEntry("seq", "3");
        assertThat(params.keySet()).allMatch(name -> name.matches("[!-~&&[^= \\]\"]]{1,32}"));
    }

    @Test
    void headerFieldsArePrintableAsciiAndCut() {
        ExportOrigin origin = new ExportOrigin("höst name|\\" + "h".repeat(300), "app name " + "a".repeat(60), "1|\\");
        Matcher m = SYSLOG.matcher(Rfc5424Format.message(TestEvents.streamOpened(), origin, 13));

        assertThat(m.matches()).isTrue();
        assertThat(m.group(3)).startsWith("h_st_name|\\hhh").hasSize(255);
        assertThat(m.group(4)).startsWith("app_name_aaa").hasSize(48);
        assertThat(m.group(5)).isEqualTo("stream.opened");
    }

    @Test
    void everyEventTypeGivesAValidHeader() {
        for (EventType type : EventType.values()) {
            ExportedEvent event =
                    new ExportedEvent(1, Instant.EPOCH, type, "success", null, null, null, null, null, Map.of(), "h");
            Matcher m = SYSLOG.matcher(Rfc5424Format.message(event, TestEvents.ORIGIN, 13));
            assertThat(m.matches()).as(type.eventName()).isTrue();
            assertThat(Integer.parseInt(m.group(1)))
                    .isEqualTo(13 * 8 + type.severity().code());
        }
    }

    @Test
    void wrapCarriesAnotherFormatAsMsgWithoutStructuredData() {
        assertThat(Rfc5424Format.wrap(TestEvents.streamOpened(), TestEvents.ORIGIN, 13, "CEF:0|x\r\ny"))
                .isEqualTo("<109>1 2026-11-23T10:00:00.123Z sc-server-1 sc-server - stream.opened - CEF:0|x  y");
    }

    private static String sd(String message) {
        Matcher m = SYSLOG.matcher(message);
        assertThat(m.matches()).as(message).isTrue();
        return m.group(6);
    }

    /** Parses the one SD-ELEMENT at the start of {@code text} by the grammar of RFC 5424 §6.3 (escapes undone). */
    static Map<String, String> parseStructuredData(String text) {
        assertThat(text).startsWith("[" + Rfc5424Format.SD_ID + " ");
        Map<String, String> params = new LinkedHashMap<>();
        int i = Rfc5424Format.SD_ID.length() + 1;
        while (text.charAt(i) == ' ') {
            int eq = text.indexOf('=', i);
            String name = text.substring(i + 1, eq);
            assertThat(text.charAt(eq + 1)).isEqualTo('"');
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\' && "\"\\]".indexOf(text.charAt(j + 1)) >= 0) {
                    c = text.charAt(++j);
                } else {
                    assertThat(c).as("unescaped ] in a PARAM-VALUE").isNotEqualTo(']');
                }
                value.append(c);
            }
            params.putIfAbsent(name, value.toString());
            i = j + 1;
        }
        assertThat(text.charAt(i)).isEqualTo(']');
        return params;
    }
}
