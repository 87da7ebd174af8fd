package io.github.basis4j.simd.testing;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Shared numerical test helpers: awkward sizes, seeded data, closeness checks with useful messages and
 * central finite differences in double precision. Used by the tests of every module (test-jar).
 */
public final class Numerics {
    /** Sizes where nothing divides the vector length, plus the vector-ish ones around them. */
    public static final int[] AWKWARD_SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 127, 207, 702, 1000};

    private Numerics() {
    }

    /** {@code n} uniform floats in [-1, 1) from a fixed seed. */
    public static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        return x;
    }

    /**
     * Asserts {@code |expected − actual| ≤ atol + rtol·|expected|} element by element over
     * {@code n} elements; the failure names {@code what}, the first bad index and both values.
     */
    public static void assertClose(String what, float[] expected, int eOff, float[] actual, int aOff, int n,
                                   double rtol, double atol) {
        for (int i = 0; i < n; i++) {
            double e = expected[eOff + i], a = actual[aOff + i];
            if (Double.isNaN(e) != Double.isNaN(a) || Math.abs(e - a) > atol + rtol * Math.abs(e)) {
                throw new AssertionError(what + ": element " + i + " of " + n + " differs: expected " + e + ", got " + a
                        + " (|diff| " + Math.abs(e - a) + " > atol " + atol + " + rtol " + rtol + "·|expected|)");
            }
        }
    }

    /** {@link #assertClose(String, float[], int, float[], int, int, double, double)} over whole arrays of equal length. */
    public static void assertClose(String what, float[] expected, float[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + " differs from expected " + expected.length);
        }
        assertClose(what, expected, 0, actual, 0, expected.length, rtol, atol);
    }

    /** Asserts two float arrays are identical bit for bit (determinism tests). */
    public static void assertBitIdentical(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + " differs from expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " differs in bits: " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /**
     * Central-difference gradient of a scalar function of {@code x}, evaluated in double:
     * {@code (f(x + h·e_i) − f(x − h·e_i)) / 2h}. {@code x} is restored afterwards.
     */
    public static double[] numericGradient(ToDoubleFunction<double[]> f, double[] x, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            x[i] = xi + h;
            double fp = f.applyAsDouble(x);
            x[i] = xi - h;
            double fm = f.applyAsDouble(x);
            x[i] = xi;
            g[i] = (fp - fm) / (2 * h);
        }
        return g;
    }

    /** Asserts an analytic float gradient against a numeric double one within {@code atol + rtol·|numeric|}. */
    public static void assertGradient(String what, double[] numeric, float[] analytic, int aOff, double rtol, double atol) {
        for (int i = 0; i < numeric.length; i++) {
            double e = numeric[i], a = analytic[aOff + i];
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e))) {
                throw new AssertionError(what + ": gradient element " + i + " of " + numeric.length + ": finite difference "
                        + e + ", analytic " + a);
            }
        }
    }

    /** Widens to double. */
    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
