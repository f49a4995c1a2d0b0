package dev.secureconnect.appliance.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignInsTest {

    private Instant now = Instant.parse("2026-12-07T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final SignIns signIns = new SignIns(clock, Duration.ofMinutes(15), 3, Duration.ofMinutes(10));
    private final List<SignIns.Session> expired = new ArrayList<>();

    @Test
    void aSessionEndsAfterItsIdleTimeButEachRequestRestartsIt() {
        SignIns.Session session = signIns.open("admin", "127.0.0.1");
        assertThat(session.id).isNotEqualTo(session.csrf).hasSizeGreaterThanOrEqualTo(43);
        now = now.plus(Duration.ofMinutes(14));
        assertThat(signIns.find(session.id, expired::add)).isSameAs(session);
        now = now.plus(Duration.ofMinutes(14));
        assertThat(signIns.find(session.id, expired::add)).isSameAs(session);
        assertThat(signIns.active(session)).isTrue();
        now = now.plus(Duration.ofMinutes(16));
        assertThat(signIns.active(session)).isFalse();
        assertThat(signIns.find(session.id, expired::add)).isNull();
        assertThat(expired).containsExactly(session);
        assertThat(signIns.find(session.id, expired::add)).isNull();
        assertThat(expired).hasSize(1);
        assertThat(signIns.find(null, expired::add)).isNull();
        assertThat(signIns.find("made-up", expired::add)).isNull();
    }

    @Test
    void failuresInARowLockTheNameForAWhileAndASuccessResetsTheCount() {
        assertThat(signIns.failed("admin")).isNull();
        assertThat(signIns.failed("admin")).isNull();
        signIns.succeeded("admin");
        assertThat(signIns.failed("admin")).isNull();
        assertThat(signIns.failed("admin")).isNull();
        Instant until = signIns.failed("admin");
        assertThat(until).isEqualTo(now.plus(Duration.ofMinutes(10)));
        assertThat(signIns.lockedUntil("admin")).isEqualTo(until);
        assertThat(signIns.lockedUntil("other")).isNull();
        now = now.plus(Duration.ofMinutes(10));
        assertThat(signIns.lockedUntil("admin")).isNull();
        assertThat(signIns.failed("admin")).isNull();
    }

    @Test
    void sessionsAreBoundedAndSigningOutEndsOne() {
        List<SignIns.Session> sessions = new ArrayList<>();
        for (int i = 0; i < SignIns.MAX_SESSIONS + 5; i++) {
            now = now.plusSeconds(1);
            sessions.add(signIns.open("admin", "127.0.0.1"));
        }
        assertThat(signIns.find(sessions.get(0).id, expired::add)).isNull();
        SignIns.Session last = sessions.get(sessions.size() - 1);
        assertThat(signIns.find(last.id, expired::add)).isSameAs(last);
        signIns.close(last);
        assertThat(signIns.find(last.id, expired::add)).isNull();
        assertThat(last.toString()).doesNotContain(last.id).doesNotContain(last.csrf);
    }
}
