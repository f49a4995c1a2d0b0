package dev.secureconnect.appliance.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.secureconnect.testing.MutableClock;
import dev.secureconnect.tunnel.retry.Backoff;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The appliance's back-off between attempts (1 s doubling to 60 s, never longer than the outage so far, full jitter), on an {@link EmbeddedChannel}'s loop
 * with a clock the test moves and the jitter's random number chosen: a failure doubles the ceiling; an attempt that met a busy
 * server does not, and waits at most 4 s (or less when the failures so far allow less).
 */
class RedialTest {

    private static final Instant NOW = Instant.parse("2026-12-07T20:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Redial redial = new Redial(
            channel.eventLoop(), clock, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.999));
    private final List<String> dialled = new ArrayList<>();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void eachFailureDoublesTheCeilingUpToOneMinute() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            redial.failed("cannot reach the server: Connection refused");
            delays.add(scheduleAndCancel().toMillis());
            clock.advance(Duration.ofMinutes(2)); // a long outage: its length caps nothing
        }
        assertThat(delays).containsExactly(999L, 1998L, 3996L, 7992L, 15984L, 31968L, 59940L, 59940L);
        assertThat(redial.failures()).isEqualTo(8);
    }

    /**
     * After a server restart of a few seconds, an appliance whose first draws were short has counted several failures,
     * but waits no longer than the outage has lasted: it is back within about twice the restart.
     */
    @Test
    void theWaitNeverExceedsHowLongTheOutageHasLasted() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            redial.failed("cannot reach the server: Connection refused");
            delays.add(scheduleAndCancel().toMillis());
            clock.advance(Duration.ofMillis(700)); // each attempt refused 0.7 s after the one before
        }
        // outage 0, 0.7, 1.4, 2.1, 2.8, 3.5 s: the ceilings 1, 1, 1.4, 2.1, 2.8, 3.5 s instead of 1, 2, 4, 8, 16, 32 s
        assertThat(delays).containsExactly(999L, 999L, 1398L, 2097L, 2797L, 3496L);

        redial.succeeded();
        clock.advance(Duration.ofHours(1));
        redial.failed("the server closed the link"); // a new outage starts now
        assertThat(scheduleAndCancel()).isEqualTo(Duration.ofMillis(999));
    }

    @Test
    void aBusyServerDoesNotDoubleTheBackOffAndIsTriedAgainWithinFourSeconds() {
        for (int i = 0; i < 6; i++) { // the server down during a restart: refused, ceiling 32 s
            redial.failed("cannot reach the server: Connection refused");
        }
        for (int i = 0; i < 5; i++) { // then listening, but over its cap: the connections wait or close unanswered
            redial.busy("the server closed the connection during the TLS handshake");
            Duration delay = scheduleAndCancel();
            assertThat(delay).isEqualTo(Duration.ofMillis(3996));
            assertThat(redial.at()).isNull();
        }
        assertThat(redial.failures()).as("busy attempts are not failures").isEqualTo(6);
        assertThat(redial.lastProblem()).isEqualTo("the server closed the connection during the TLS handshake");

        clock.advance(Duration.ofMinutes(5)); // the outage has lasted longer than any ceiling
        redial.failed("the TLS handshake failed: alert bad_certificate"); // a real failure doubles again
        assertThat(scheduleAndCancel()).isEqualTo(Duration.ofMillis(59940));
    }

    @Test
    void aBusyServerRightAfterALostLinkWaitsNoLongerThanAFailureWould() {
        redial.failed("the server closed the link"); // 1 failure: at most 1 s
        redial.busy("cannot reach the server: connection timed out");
        assertThat(scheduleAndCancel()).isEqualTo(Duration.ofMillis(999));
        redial.busy("cannot reach the server: connection timed out");
        assertThat(scheduleAndCancel()).isEqualTo(Duration.ofMillis(999));
    }

    @Test
    void theScheduledAttemptRunsAtItsTime() {
        redial.busy("the server closed the connection during the TLS handshake");
        Duration delay = redial.schedule(() -> dialled.add("dial"));
        assertThat(redial.pending()).isTrue();
        assertThat(redial.at()).isEqualTo(NOW.plus(delay));
        redial.succeeded();
        assertThat(redial.lastProblem()).isNull();
        redial.failed("the server closed the link");
        assertThat(redial.failures()).isEqualTo(1);
    }

    private Duration scheduleAndCancel() {
        Duration delay = redial.schedule(() -> dialled.add("dial"));
        redial.cancel();
        assertThat(dialled).isEmpty();
        return delay;
    }
}
