package dev.secureconnect.tunnel.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void ceilingDoublesFromMinToMax() {
        Backoff delays = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.5);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 9)
                        .mapToObj(delays::ceiling)
                        .map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
        assertThat(delays.ceiling(10_000)).isEqualTo(Duration.ofSeconds(60));
        assertThat(delays.ceiling(0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void fullJitterSpansZeroToTheCeiling() {
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.0).next(3))
                .isZero();
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.999).next(3))
                .isEqualTo(Duration.ofMillis(3996));
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.25).next(20))
                .isEqualTo(Duration.ofSeconds(15));
        Backoff real = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        for (int i = 0; i < 1000; i++) {
            assertThat(real.next(4)).isBetween(Duration.ZERO, Duration.ofSeconds(8));
        }
    }

    @Test
    void theOutageSoFarCapsTheCeilingButNeverBelowMin() {
        Backoff delays = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.5);
        assertThat(delays.next(6, Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(2500)); // not 16 s
        assertThat(delays.next(6, Duration.ZERO)).isEqualTo(Duration.ofMillis(500)); // min 1 s
        assertThat(delays.next(3, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(2)); // the failures' 4 s
        assertThat(delays.next(30, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30)); // max 60 s
    }

    @Test
    void aBusyServerWaitsAtMostFourSecondsOrWhatTheFailuresAllow() {
        Backoff delays = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.5);
        assertThat(delays.nextWhenBusy(10)).isEqualTo(Duration.ofSeconds(2));
        assertThat(delays.nextWhenBusy(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(delays.nextWhenBusy(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(60), () -> 0.5).nextWhenBusy(5))
                .as("never a shorter ceiling than min")
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badBoundsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("0 < min <= max");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("min <= max");
    }
}
