package dev.secureconnect.bench.datapath;

import java.util.Arrays;

/**
 * Exact percentiles of a set of samples, by the nearest-rank method: the p-th percentile of n sorted samples is the
 * one at rank ⌈p/100 · n⌉ (1-based), so it is always a measured sample, never an interpolation.
 */
final class Percentiles {

    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    static Percentiles of(long[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("samples: none (expected: at least one)");
        }
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    /** The {@code percent}-th percentile (0 &lt; percent ≤ 100). */
    long at(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: > 0 and <= 100)");
        }
        long rank = (long) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[(int) Math.max(1, rank) - 1];
    }

    int count() {
        return sorted.length;
    }
}
