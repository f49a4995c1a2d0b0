package dev.secureconnect.appliance.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.secureconnect.events.EventType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one verdict of the session authorisation. */
class AccessVerdictTest {

    @Test
    void aRefusalCarriesItsStatusCodeReasonAndAuditEvent() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", "reboot");
        details.put("args", null);
        AccessVerdict<String> refused = AccessVerdict.<String>deny(404, "unknown-command", "no command named 'reboot'")
                .audited(EventType.COMMAND_REFUSED, details);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.code()).isEqualTo("unknown-command");
        assertThat(refused.reason()).isEqualTo("no command named 'reboot'");
        assertThat(refused.event()).isEqualTo(EventType.COMMAND_REFUSED);
        assertThat(refused.details().keySet()).containsExactly("name", "args");
        assertThat(refused.value()).isNull();

        AccessVerdict<Integer> passedOn = refused.refusal();
        assertThat(passedOn.code()).isEqualTo("unknown-command");
        assertThat(passedOn.status()).isEqualTo(404);
        assertThat(passedOn.event()).isEqualTo(EventType.COMMAND_REFUSED);
    }

    @Test
    void onlyWhatAPolicyAllowsIsAllowed() {
        AccessVerdict<String> allowed = AccessVerdict.allow("target");
        assertThat(allowed.allowed()).isTrue();
        assertThat(allowed.value()).isEqualTo("target");
        assertThat(allowed.code()).isNull();
        assertThatThrownBy(allowed::refusal).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> allowed.audited(EventType.FILE_REFUSED, Map.of()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AccessVerdict.deny(200, "ok", "not a refusal"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
