package dev.secureconnect.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building a session's report from the audit records that carry its id. */
class SessionReportTest {

    private final List<SessionEntry> log = Sessions.all();

    @Test
    void aConnectSessionWithBytesEachWay() {
        SessionReport report = SessionReport.of("s-connect", log);
        assertThat(report.sessionId()).isEqualTo("s-connect");
        assertThat(report.engineer()).isEqualTo("alice");
        assertThat(report.applianceSerial()).isEqualTo("SN-1234");
        assertThat(report.ticket()).isEqualTo("12345678");
        assertThat(report.sourceAddress()).isEqualTo("203.0.113.7:50412");
        assertThat(report.kind()).isEqualTo("connect");
        assertThat(report.target()).isEqualTo("127.0.0.1:22");
        assertThat(report.start()).isEqualTo(Sessions.T0.plusSeconds(2));
        assertThat(report.end()).isEqualTo(Sessions.T0.plusSeconds(127));
        assertThat(report.isOpen()).isFalse();
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(125));
        assertThat(report.outcome()).isEqualTo("success");
        assertThat(report.endReason()).isEqualTo("the engineer closed the stream");
        assertThat(report.bytesToAppliance()).isEqualTo(1234L);
        assertThat(report.bytesFromAppliance()).isEqualTo(56789L);
        assertThat(report.actions())
                .extracting(SessionReport.Action::summary)
                .containsExactly(
                        "stream.opened connect 127.0.0.1:22",
                        "stream.closed after 2m 05s, 1,234 bytes in, 56,789 bytes out — the engineer closed the stream");
    }

    @Test
    void anExecSessionListsItsCommandWithArgumentsAndExitStatus() {
        SessionReport report = SessionReport.of("s-exec", log);
        assertThat(report.kind()).isEqualTo("exec");
        assertThat(report.target()).isEqualTo("collect-logs");
        assertThat(report.duration()).isEqualTo(Duration.ofMillis(4200));
        assertThat(report.endReason()).isEqualTo("exit status 3");
        assertThat(report.bytesToAppliance()).isZero();
        assertThat(report.bytesFromAppliance()).isEqualTo(2048L);
        assertThat(report.actions())
                .extracting(SessionReport.Action::event)
                .containsExactly("stream.opened", "command.run", "stream.closed");
        assertThat(report.actions().get(1).summary())
                .isEqualTo("command.run collect-logs --since 1h → exit 3 (2,048 bytes of output)");
    }

    @Test
    void aStillOpenSessionHasNoEndDurationOrOutcome() {
        SessionReport report = SessionReport.of("s-open", log);
        assertThat(report.engineer()).isEqualTo("bob");
        assertThat(report.isOpen()).isTrue();
        assertThat(report.end()).isNull();
        assertThat(report.duration()).isNull();
        assertThat(report.outcome()).isNull();
        assertThat(report.bytesToAppliance()).isNull();
        assertThat(report.actions())
                .extracting(SessionReport.Action::summary)
                .containsExactly(
                        "stream.opened get /var/log/app.log",
                        "file.get /var/log/app.log (1,234 bytes, sha256 ab12cd34ef56…)",
                        "file.refused /etc/shadow — /etc/shadow is outside the allowed folders");
        assertThat(report.actions().get(2).succeeded()).isFalse();
    }

    @Test
    void aRefusedSessionEndsWithItsRefusal() {
        SessionReport report = SessionReport.of("s-refused", log);
        assertThat(report.engineer()).isEqualTo("carol");
        assertThat(report.kind()).isEqualTo("connect");
        assertThat(report.target()).isEqualTo("10.0.0.1:22");
        assertThat(report.isOpen()).isFalse();
        assertThat(report.duration()).isEqualTo(Duration.ZERO);
        assertThat(report.outcome()).isEqualTo("failure");
        assertThat(report.endReason()).isEqualTo("host 10.0.0.1 is not this appliance's loopback address");
        assertThat(report.actions())
                .singleElement()
                .extracting(SessionReport.Action::summary)
                .isEqualTo(
                        "stream.refused connect 10.0.0.1:22 (status 403) — host 10.0.0.1 is not this appliance's loopback"
                                + " address");
    }

    @Test
    void recordsAreTakenInSequenceOrderWhateverTheListOrder() {
        List<SessionEntry> shuffled = new ArrayList<>(log);
        Collections.reverse(shuffled);
        assertThat(SessionReport.of("s-exec", shuffled)).isEqualTo(SessionReport.of("s-exec", log));
    }

    @Test
    void withoutStreamOpenedTheFirstActorAndRecordStandIn() {
        Instant time = Instant.parse("2025-03-04T11:00:00Z");
        List<SessionEntry> entries = List.of(
                new SessionEntry(
                        7,
                        time,
                        EventType.TOKEN_REFUSED,
                        "refused",
                        null,
                        null,
                        null,
                        "s-9",
                        null,
                        Sessions.details("label", "expired", "reason", "the token expired")),
                new SessionEntry(
                        8,
                        time.plusSeconds(1),
                        EventType.COMMAND_REFUSED,
                        "refused",
                        "dave",
                        null,
                        "87654321",
                        "s-9",
                        null,
                        Sessions.details("name", "reboot", "args", "[\"now\", \"a b\"]")));
        SessionReport report = SessionReport.of("s-9", entries);
        assertThat(report.engineer()).isEqualTo("dave");
        assertThat(report.ticket()).isEqualTo("87654321");
        assertThat(report.applianceSerial()).isNull();
        assertThat(report.start()).isEqualTo(time);
        assertThat(report.isOpen()).isTrue();
        assertThat(report.actions())
                .extracting(SessionReport.Action::summary)
                .containsExactly("token.refused (expired) — the token expired", "command.refused reboot now 'a b'");
    }

    @Test
    void anUnknownSessionIsAnError() {
        assertThatThrownBy(() -> SessionReport.of("s-nope", log))
                .isInstanceOf(ReportException.class)
                .hasMessage("no audit record carries session s-nope");
        assertThatThrownBy(() -> SessionReport.of("s-nope", List.of()))
                .isInstanceOf(ReportException.class)
                .hasMessage("no audit record carries session s-nope");
    }

    @Test
    void durationsAndByteCountsReadWell() {
        assertThat(Display.duration(Duration.ofMillis(350))).isEqualTo("350ms");
        assertThat(Display.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Display.duration(Duration.ofSeconds(125))).isEqualTo("2m 05s");
        assertThat(Display.duration(Duration.ofSeconds(3723))).isEqualTo("1h 02m 03s");
        assertThat(Display.duration(Duration.ofHours(51).plusMinutes(4))).isEqualTo("2d 03h 04m");
        assertThat(Display.bytes(1)).isEqualTo("1 byte");
        assertThat(Display.bytes(1234567)).isEqualTo("1,234,567 bytes");
        assertThat(Display.time(Instant.parse("2025-03-04T10:02:05.999Z"))).isEqualTo("2025-03-04T10:02:05Z");
    }
}
