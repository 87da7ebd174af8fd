package io.github.basis4j.cli;

import java.util.Locale;

/**
 * Summary statistics of a few repeated measurements (one per seed): count, mean, sample standard deviation
 * (divisor n − 1; 0 for a single value), minimum and maximum.
 *
 * @param n    number of values (≥ 1)
 * @param mean arithmetic mean
 * @param sd   sample standard deviation, 0 when {@code n == 1}
 * @param min  smallest value
 * @param max  largest value
 */
record Spread(int n, double mean, double sd, double min, double max) {
    /**
     * The statistics of {@code values}, computed in two passes for accuracy.
     *
     * @throws IllegalArgumentException if there is no value or one is not finite
     */
    static Spread of(double... values) {
        if (values == null || values.length == 0) throw new IllegalArgumentException("Spread.of: at least one value is needed, got none");
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("Spread.of: values must be finite, got " + v);
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / values.length;
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        double sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
        return new Spread(values.length, mean, sd, min, max);
    }

    /** {@code 91.23 ± 0.15} with {@code scale} applied (100 for percentages) and {@code decimals} places. */
    String format(double scale, int decimals) {
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " ± " + f, mean * scale, sd * scale);
    }
}
