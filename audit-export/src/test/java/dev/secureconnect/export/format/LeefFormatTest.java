package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.events.Severity;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.TestEvents;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeefFormatTest {

    @Test
    void golden() {
        assertThat(LeefFormat.line(TestEvents.streamOpened(), TestEvents.ORIGIN))
                .isEqualTo(
                        "LEEF:2.0|SecureConnect|SecureConnect Server|0.1.0|1200|x09|seq=42\tdevTime=2026-11-23T10:00:00.123+0000"
                                + "\tdevTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ\tsev=3\tcat=sessions\tusrName=alice"
                                + "\tsrc=192.0.2.10\tsrcPort=51515\teventName=stream.opened\toutcome=success"
                                + "\tappliance=SC-0001\tticket=T-1001\tsession=s-7f3a\thash=9f86d081884c7d65"
                                + "\tdetail_kind=connect\tdetail_target=127.0.0.1:22");
    }

    @Test
    void valuesRoundTripThroughAnIndependentParser() {
        String line = LeefFormat.line(TestEvents.nasty(), TestEvents.ORIGIN);
        assertThat(line).doesNotContain("\r", "\n");

        Parsed leef = parse(line);
        assertThat(leef.header())
                .containsExactly("LEEF:2.0", "SecureConnect", "SecureConnect Server", "0.1.0", "1511", "x09");
        assertThat(leef.attributes().keySet()).first().isEqualTo("seq");
        assertThat(leef.attributes())
                .containsEntry("usrName", TestEvents.NASTY)
                .containsEntry("detail_reason", TestEvents.NASTY)
                .containsEntry("detail_code", "wrong-code")
                .containsEntry("src", "2001:db8::5")
                .containsEntry("srcPort", "443")
                .containsEntry("sev", "5")
                .containsEntry("seq", "7")
                .doesNotContainKeys("appliance", "ticket", "session");
    }

    @Test
    void devTimeFollowsDevTimeFormat() {
        Map<String, String> attributes = parse(LeefFormat.line(TestEvents.streamOpened(), TestEvents.ORIGIN))
                .attributes();
        // devTimeFormat is a Java SimpleDateFormat pattern: read the time back with its java.time equivalent
        ZonedDateTime time = ZonedDateTime.parse(
                attributes.get("devTime"),
                DateTimeFormatter.ofPattern(attributes.get("devTimeFormat").replace("Z", "xx")));
        assertThat(time.toInstant()).isEqualTo(TestEvents.streamOpened().time());
    }

    @Test
    void headerFieldsEscapePipeAndBackslash() {
        ExportOrigin origin = new ExportOrigin("h", "a", "1.0|beta\\2");
        Parsed leef = parse(LeefFormat.line(TestEvents.streamOpened(), origin));

        assertThat(leef.header().get(3)).isEqualTo("1.0|beta\\2");
        assertThat(leef.attributes()).containsEntry("seq", "42");
    }

    @Test
    void detailKeysAreAlphanumericAndNeverPredefined() {
        assertThat(LeefFormat.detailKey("src")).isEqualTo("detail_src");
        assertThat(LeefFormat.detailKey("bytes in/out")).isEqualTo("detail_bytes_in_out");
    }

    @Test
    void severityScale() {
        assertThat(List.of(Severity.values()))
                .extracting(LeefFormat::severity)
                .containsExactly(10, 9, 8, 7, 5, 3, 1, 1);
    }

    record Parsed(List<String> header, Map<String, String> attributes) {}

    /**
     * Parses LEEF 2.0: six header fields split on unescaped pipes, the sixth naming the delimiter (a character,
     * or hex after {@code x} / {@code 0x}); then attributes split on the delimiter, each at its first {@code =},
     * with our value escapes ({@code \\ \t \r \n}) undone.
     */
    static Parsed parse(String line) {
        List<String> header = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (header.size() < 6) {
            char c = line.charAt(i++);
            if (c == '\\') {
                field.append(line.charAt(i++));
            } else if (c == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        String spec = header.get(5);
        char delimiter = spec.length() == 1
                ? spec.charAt(0)
                : (char) Integer.parseInt(spec.substring(spec.startsWith("0x") ? 2 : 1), 16);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String attribute : line.substring(i).split(Character.toString(delimiter), -1)) {
            int eq = attribute.indexOf('=');
            assertThat(eq).as(attribute).isPositive();
            attributes.put(attribute.substring(0, eq), unescape(attribute.substring(eq + 1)));
        }
        return new Parsed(header, attributes);
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = value.charAt(++i);
                out.append(
                        switch (next) {
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            default -> throw new AssertionError("unknown escape \\" + next + " in " + value);
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
