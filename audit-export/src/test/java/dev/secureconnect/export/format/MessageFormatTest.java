package dev.secureconnect.export.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.export.TestEvents;
import org.junit.jupiter.api.Test;

class MessageFormatTest {

    @Test
    void parsesNamesInAnyCase() {
        assertThat(MessageFormat.parse("CEF")).isEqualTo(MessageFormat.CEF);
        assertThat(MessageFormat.parse(" rfc5424 ")).isEqualTo(MessageFormat.RFC5424);
        assertThat(MessageFormat.parse("Leef")).isEqualTo(MessageFormat.LEEF);
        assertThat(MessageFormat.parse("json")).isEqualTo(MessageFormat.JSON);
    }

    @Test
    void unknownNameListsTheChoices() {
        assertThatThrownBy(() -> MessageFormat.parse("gelf"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("format: 'gelf' (expected: one of rfc5424, cef, leef, json)");
        assertThatThrownBy(() -> MessageFormat.parse(null)).hasMessageStartingWith("format: 'null' (expected");
    }

    @Test
    void everyFormatGivesOneSyslogLineWithTheSameHeader() {
        String header = Rfc5424Format.header(TestEvents.nasty(), TestEvents.ORIGIN, 13);
        for (MessageFormat format : MessageFormat.values()) {
            String message = format.syslogMessage(TestEvents.nasty(), TestEvents.ORIGIN, 13);
            assertThat(message).as(format.label()).startsWith(header + " ").doesNotContain("\r", "\n");
        }
        assertThat(MessageFormat.CEF.syslogMessage(TestEvents.nasty(), TestEvents.ORIGIN, 13))
                .startsWith(header + " - CEF:0|");
        assertThat(MessageFormat.JSON.syslogMessage(TestEvents.nasty(), TestEvents.ORIGIN, 13))
                .isEqualTo(header + " - " + JsonEventFormat.line(TestEvents.nasty(), TestEvents.ORIGIN));
    }
}
