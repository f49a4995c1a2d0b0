package dev.secureconnect.bench.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOfAHundredSamples() {
        long[] samples = new long[100];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = 100 - i; // given in reverse: the percentiles sort them
        }
        Percentiles percentiles = Percentiles.of(samples);

        assertThat(percentiles.at(50)).isEqualTo(50);
        assertThat(percentiles.at(99)).isEqualTo(99);
        assertThat(percentiles.at(100)).isEqualTo(100);
        assertThat(percentiles.at(0.5)).isEqualTo(1);
        assertThat(percentiles.count()).isEqualTo(100);
    }

    @Test
    void aPercentileIsAlwaysAMeasuredSample() {
        Percentiles percentiles = Percentiles.of(new long[] {30, 10, 20, 40});

        assertThat(percentiles.at(50)).isEqualTo(20); // rank ceil(0.5 * 4) = 2
        assertThat(percentiles.at(51)).isEqualTo(30); // rank ceil(2.04) = 3
        assertThat(percentiles.at(99)).isEqualTo(40);
    }

    @Test
    void twentyRunsHaveTheirP99AtTheSlowest() {
        long[] runs = new long[20];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = i + 1;
        }
        Percentiles percentiles = Percentiles.of(runs);

        assertThat(percentiles.at(50)).isEqualTo(10);
        assertThat(percentiles.at(99)).isEqualTo(20);
    }

    @Test
    void oneSampleIsEveryPercentile() {
        assertThat(Percentiles.of(new long[] {7}).at(1)).isEqualTo(7);
        assertThat(Percentiles.of(new long[] {7}).at(99)).isEqualTo(7);
    }

    @Test
    void theSamplesGivenAreNotReordered() {
        long[] samples = {3, 1, 2};
        Percentiles.of(samples);
        assertThat(samples).containsExactly(3, 1, 2);
    }

    @Test
    void refusesNoSamplesAndPercentsOutOfRange() {
        assertThatThrownBy(() -> Percentiles.of(new long[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("samples: none (expected: at least one)");
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}).at(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}).at(100.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
