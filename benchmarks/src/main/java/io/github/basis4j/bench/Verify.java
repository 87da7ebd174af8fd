package io.github.basis4j.bench;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.Backends;

/**
 * Checks a benchmark does what it claims before JMH times it: that the fork runs the backend and thread
 * count the comparison script asked for, and that results match a reference (the scalar twin, or an
 * identity such as an FFT round trip). Any failure throws, which JMH reports as a failed benchmark, so a
 * wrong kernel never produces a timing.
 */
final class Verify {
    /**
     * Tolerance for forward results, relative to the largest reference magnitude. Sums of up to ~10⁴ float
     * products taken in another order differ by a few units of 2⁻²⁴ times √terms relative to that
     * magnitude (~1e-5); a wrong kernel is off by order 1.
     */
    static final double FORWARD_TOLERANCE = 1e-4;

    /**
     * Tolerance for gradients: a weight gradient sums over every output position (10⁵ terms for a CIFAR
     * batch of 128), so the order-dependent rounding is ten times larger than in a forward pass.
     */
    static final double GRADIENT_TOLERANCE = 1e-3;

    /** The property the comparison script sets to the backend name it expects in this fork. */
    static final String EXPECT_BACKEND = "basis4j.bench.expectBackend";

    private Verify() {
    }

    /**
     * Prints which backend and thread count this fork runs with (JMH shows fork output) and throws if
     * {@code -Dbasis4j.bench.expectBackend} names another backend: a plain fork that still got the vector
     * module, or a vector fork that silently fell back to scalar, would mislabel the comparison.
     *
     * @return whether the backend in use is the scalar one (then there is no separate twin to check against)
     */
    static boolean announceBackend(String benchmark) {
        String current = Backends.current().name();
        System.out.println("# basis4j " + benchmark + ": backend " + current + ", threads " + Parallel.threads());
        String expected = System.getProperty(EXPECT_BACKEND);
        if (expected != null && !expected.equals(current)) {
            throw new IllegalStateException(benchmark + ": the comparison asked for backend '" + expected
                    + "' but this fork runs '" + current + "'; check the fork's --add-modules jdk.incubator.vector");
        }
        return "scalar".equals(current);
    }

    /**
     * Throws unless {@code max |actual − expected| ≤ tolerance · max |expected|} over {@code n} elements from
     * the given offsets; the message names the workload, the worst index and both values.
     */
    static void close(String what, float[] expected, int expectedOff, float[] actual, int actualOff, int n, double tolerance) {
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(expected[expectedOff + i]));
        double worst = -1;
        int worstAt = -1;
        for (int i = 0; i < n; i++) {
            double err = Math.abs((double) actual[actualOff + i] - expected[expectedOff + i]);
            // A NaN compares false with everything, so test for it explicitly: it is always a failure.
            if (Double.isNaN(err)) {
                worst = Double.POSITIVE_INFINITY;
                worstAt = i;
                break;
            }
            if (err > worst) {
                worst = err;
                worstAt = i;
            }
        }
        if (n > 0 && worst > tolerance * Math.max(scale, Float.MIN_NORMAL)) {
            throw new IllegalStateException(what + ": result differs from the reference: max |error| " + worst
                    + " at element " + worstAt + " (got " + actual[actualOff + worstAt] + ", expected "
                    + expected[expectedOff + worstAt] + "), allowed " + tolerance + " × " + scale);
        }
    }

    /** {@link #close(String, float[], int, float[], int, int, double)} over two whole arrays of equal length. */
    static void close(String what, float[] expected, float[] actual, double tolerance) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(what + ": result has " + actual.length + " elements, the reference " + expected.length);
        }
        close(what, expected, 0, actual, 0, expected.length, tolerance);
    }
}
