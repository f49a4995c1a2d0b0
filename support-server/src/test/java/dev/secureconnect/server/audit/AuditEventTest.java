package dev.secureconnect.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.tunnel.audit.EventType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventTest {

    @Test
    void theBuilderDefaultsToSuccessAndSortsDetails() {
        AuditEvent event = AuditEvent.builder(EventType.STREAM_OPENED)
                .detail("target", "127.0.0.1:22")
                .detail("bytes", 10)
                .detail("absent", null)
                .build();

        assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.SUCCESS);
        assertThat(event.details().keySet()).containsExactly("bytes", "target");
        assertThat(event.actor()).isNull();
    }

    @Test
    void detailsAreACopyThatCannotBeChanged() {
        Map<String, String> details = new HashMap<>(Map.of("reason", "revoked"));
        AuditEvent event = new AuditEvent(EventType.HANDSHAKE_REFUSED, null, null, null, null, "198.51.100.1:4000",
                AuditEvent.Outcome.FAILURE, details);
        details.put("reason", "changed");

        assertThat(event.details()).containsExactly(Map.entry("reason", "revoked"));
        assertThatThrownBy(() -> event.details().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void typeAndOutcomeAreRequired() {
        assertThatThrownBy(() -> AuditEvent.builder(null)).hasMessage("type");
        assertThatThrownBy(() -> AuditEvent.builder(EventType.LINK_UP).outcome(null)).hasMessage("outcome");
    }

    @Test
    void outcomesHaveLowerCaseCodes() {
        assertThat(AuditEvent.Outcome.FAILURE.code()).isEqualTo("failure");
        assertThat(AuditEvent.Outcome.ofCode("success")).isEqualTo(AuditEvent.Outcome.SUCCESS);
    }
}
