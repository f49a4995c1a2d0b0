package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secureconnect.events.Severity;
import dev.secureconnect.export.ExportOrigin;
import dev.secureconnect.export.TestEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CefFormatTest {

    @Test
    void golden() {
        assertThat(CefFormat.line(TestEvents.streamOpened(), TestEvents.ORIGIN))
                .isEqualTo("CEF:0|SecureConnect|SecureConnect Server|0.1.0|1200|stream.opened|3|seq=42 rt=1795428000123"
                        + " cat=sessions outcome=success suser=alice src=192.0.2.10 spt=51515 dvchost=sc-server-1"
                        + " cs1=SC-0001 cs1Label=appliance cs2=T-1001 cs2Label=ticket cs3=s-7f3a cs3Label=session"
                        + " cs4={\"kind\":\"connect\",\"target\":\"127.0.0.1:22\"} cs4Label=details"
                        + " cs6=9f86d081884c7d65 cs6Label=hash msg=a session started: engineer, appliance, ticket,"
                        + " token id, kind (connect, exec, get, put), target");
    }

    @Test
    void valuesRoundTripThroughAnIndependentParser() throws Exception {
        String line = CefFormat.line(TestEvents.nasty(), TestEvents.ORIGIN);
        assertThat(line).doesNotContain("\r", "\n");

        Parsed cef = parse(line);
        assertThat(cef.header())
                .containsExactly(
                        "CEF:0", "SecureConnect", "SecureConnect Server", "0.1.0", "1511", "login.failed", "5");
        assertThat(cef.extension().keySet()).first().isEqualTo("seq");
        assertThat(cef.extension())
                .containsEntry("seq", "7")
                .containsEntry("suser", TestEvents.NASTY)
                .containsEntry("src", "2001:db8::5")
                .containsEntry("spt", "443")
                .containsEntry("outcome", "failure")
                .containsEntry("cs6", "abc123")
                .containsEntry("cs6Label", "hash")
                .doesNotContainKey("cs1");
        Map<?, ?> details = new ObjectMapper().readValue(cef.extension().get("cs4"), Map.class);
        assertThat(details).isEqualTo(Map.of("reason", TestEvents.NASTY, "code", "wrong-code"));
        assertThat(cef.extension().keySet()).allMatch(key -> key.matches("[A-Za-z0-9]+"));
    }

    @Test
    void headerFieldsEscapePipeAndBackslash() {
        ExportOrigin origin = new ExportOrigin("h", "a", "1.0|beta\\2\nx");
        Parsed cef = parse(CefFormat.line(TestEvents.streamOpened(), origin));

        assertThat(cef.header().get(3)).isEqualTo("1.0|beta\\2 x");
        assertThat(cef.header()).hasSize(7);
        assertThat(cef.extension()).containsEntry("dvchost", "h").containsEntry("seq", "42");
    }

    @Test
    void sourceThatIsNotAnIpLiteralIsKeptAsText() {
        var event = TestEvents.streamOpened();
        var named = new dev.secureconnect.export.ExportedEvent(
                1, event.time(), event.type(), "success", null, null, null, null, "gateway.example:22", Map.of(), "h");
        assertThat(parse(CefFormat.line(named, TestEvents.ORIGIN)).extension())
                .containsEntry("cs5", "gateway.example:22")
                .containsEntry("cs5Label", "source")
                .doesNotContainKeys("src", "spt", "cs4");
    }

    @Test
    void severityScale() {
        assertThat(List.of(Severity.values())).extracting(CefFormat::severity).containsExactly(10, 9, 8, 7, 5, 3, 1, 0);
    }

    record Parsed(List<String> header, Map<String, String> extension) {}

    /**
     * Parses CEF by the published grammar: seven header fields split on unescaped pipes ({@code \|} and {@code \\}
     * undone), then the extension split before each unescaped {@code =}, the key being the word before it.
     */
    static Parsed parse(String line) {
        List<String> header = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (header.size() < 7) {
            char c = line.charAt(i++);
            if (c == '\\') {
                char next = line.charAt(i++);
                assertThat(next).as("escape in header").isIn('\\', '|');
                field.append(next);
            } else if (c == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        String extension = line.substring(i);
        List<Integer> equals = new ArrayList<>();
        for (int j = 0; j < extension.length(); j++) {
            if (extension.charAt(j) == '\\') {
                j++;
            } else if (extension.charAt(j) == '=') {
                equals.add(j);
            }
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        int keyStart = 0;
        for (int k = 0; k < equals.size(); k++) {
            int eq = equals.get(k);
            String key = extension.substring(keyStart, eq);
            int valueEnd = k + 1 < equals.size() ? extension.lastIndexOf(' ', equals.get(k + 1)) : extension.length();
            pairs.put(key, unescape(extension.substring(eq + 1, valueEnd)));
            keyStart = valueEnd + 1;
        }
        return new Parsed(header, pairs);
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = value.charAt(++i);
                out.append(
                        switch (next) {
                            case 'r' -> '\r';
                            case 'n' -> '\n';
                            case '\\', '=' -> next;
                            default -> throw new AssertionError("unknown escape \\" + next + " in " + value);
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
