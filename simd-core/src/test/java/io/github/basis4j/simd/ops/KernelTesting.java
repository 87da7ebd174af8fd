package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Guarded buffers and thread-count switching shared by the pooling and normalisation kernel tests. */
final class KernelTesting {
    /** Elements before and after every buffer: kernels must leave them alone. */
    static final int GUARD = 5;
    /** A value no kernel here produces from inputs in [-1, 1). */
    static final float GUARD_VALUE = -7777.25f;
    /** Channel counts where nothing divides the lane count, plus the lane-sized ones around them. */
    static final int[] CHANNELS = {1, 3, 7, 15, 16, 17, 31, 33, 127};

    private KernelTesting() {
    }

    /** {@code GUARD + n + GUARD} floats: guards around n uniform values in [-1, 1). */
    static float[] guarded(int n, long seed) {
        float[] a = new float[n + 2 * GUARD];
        Arrays.fill(a, GUARD_VALUE);
        System.arraycopy(Numerics.randomFloats(n, seed), 0, a, GUARD, n);
        return a;
    }

    /** {@code GUARD + n + GUARD} floats, all guard values (an output buffer the kernel must fill). */
    static float[] guardedEmpty(int n) {
        float[] a = new float[n + 2 * GUARD];
        Arrays.fill(a, GUARD_VALUE);
        return a;
    }

    /** Asserts the guards of a buffer made by {@link #guarded} hold their value. */
    static void assertGuards(String what, float[] a) {
        for (int i = 0; i < GUARD; i++) {
            if (a[i] != GUARD_VALUE || a[a.length - 1 - i] != GUARD_VALUE) {
                throw new AssertionError(what + ": a guard element was overwritten");
            }
        }
    }

    /**
     * {@code off + n + off} floats: n uniform values in [lo, hi) at {@code off}, NaN before and after, so that a
     * kernel reading outside its range poisons its result.
     */
    static float[] nanFramed(int n, int off, float lo, float hi, long seed) {
        float[] a = new float[n + 2 * off];
        Arrays.fill(a, Float.NaN);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) a[off + i] = (float) (lo + (hi - lo) * r.nextDouble());
        return a;
    }

    /**
     * {@code off + n + off} floats: {@link #GUARD_VALUE} around random non-zero values at {@code off} (an output
     * that accumulating kernels must add to).
     */
    static float[] framedOutput(int n, int off, long seed) {
        float[] a = new float[n + 2 * off];
        Arrays.fill(a, GUARD_VALUE);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) a[off + i] = (float) (r.nextDouble() - 0.5);
        return a;
    }

    /** Asserts that every element of {@code out} outside {@code [off, off + n)} still holds {@link #GUARD_VALUE}. */
    static void assertFrame(String what, float[] out, int off, int n) {
        for (int i = 0; i < out.length; i++) {
            if ((i < off || i >= off + n) && out[i] != GUARD_VALUE) {
                throw new AssertionError(what + ": guard at index " + i + " overwritten with " + out[i]);
            }
        }
    }

    /** {@code n} distinct values {@code k·step} for a shuffled k: no ties closer than {@code step}. */
    static float[] distinct(int n, float step, long seed) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i - n / 2) * step;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static double[] toDouble(float[] a, int off, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = a[off + i];
        return d;
    }

    static float[] slice(float[] a, int off, int n) {
        return Arrays.copyOfRange(a, off, off + n);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Runs {@code body} once with one thread and once with two; returns both results. */
    static <T> T[] withOneAndTwoThreads(Supplier<T> body, T[] out) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            out[0] = body.get();
            Parallel.setThreads(2);
            out[1] = body.get();
        } finally {
            Parallel.setThreads(before);
        }
        return out;
    }

    /** The gradient the kernel added: {@code after − before} over n elements at off. */
    static float[] added(float[] after, float[] before, int off, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = after[off + i] - before[off + i];
        return d;
    }
}
