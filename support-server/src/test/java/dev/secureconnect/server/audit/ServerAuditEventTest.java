package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAuditEventTest {

    @Test
    void theBuilderDefaultsToSuccessAndSortsDetails() {
        ServerAuditEvent event = ServerAuditEvent.builder(EventType.STREAM_OPENED)
                .detail("target", "127.0.0.1:22")
                .detail("bytes", 10)
                .detail("absent", null)
                .build();

        assertThat(event.outcome()).isEqualTo(ServerAuditEvent.Outcome.SUCCESS);
        assertThat(event.details().keySet()).containsExactly("bytes", "target");
        assertThat(event.actor()).isNull();
    }

    @Test
    void detailsAreACopyThatCannotBeChanged() {
        Map<String, String> details = new HashMap<>(Map.of("reason", "revoked"));
        ServerAuditEvent event = new ServerAuditEvent(
                EventType.HANDSHAKE_REFUSED,
                null,
                null,
                null,
                null,
                "198.51.100.1:4000",
                ServerAuditEvent.Outcome.FAILURE,
                details);
        details.put("reason", "changed");

        assertThat(event.details()).containsExactly(Map.entry("reason", "revoked"));
        assertThatThrownBy(() -> event.details().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void typeAndOutcomeAreRequired() {
        assertThatThrownBy(() -> ServerAuditEvent.builder(null)).hasMessage("type");
        assertThatThrownBy(() -> ServerAuditEvent.builder(EventType.LINK_UP).outcome(null))
                .hasMessage("outcome");
    }

    @Test
    void outcomesHaveLowerCaseCodes() {
        assertThat(ServerAuditEvent.Outcome.FAILURE.code()).isEqualTo("failure");
        assertThat(ServerAuditEvent.Outcome.ofCode("success")).isEqualTo(ServerAuditEvent.Outcome.SUCCESS);
    }
}
