package io.github.basis4j.simd.ops;

import static io.github.basis4j.simd.testing.Numerics.AWKWARD_SIZES;
import static io.github.basis4j.simd.testing.Numerics.assertBitIdentical;
import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static io.github.basis4j.simd.testing.Numerics.assertGradient;
import static io.github.basis4j.simd.testing.Numerics.numericGradient;
import static io.github.basis4j.simd.testing.Numerics.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ReductionKernels;
import io.github.basis4j.simd.testing.BackendPair;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReductionKernels}: twin parity over awkward [outer, axis, inner] shapes at non-zero offsets
 * with NaN around inputs and guards around outputs; the oracle against naive double loops; every
 * backward against central differences in double from non-zero buffers; softmax stability at ±1e4;
 * NaN and tie rules; 1 and 2 threads bit for bit.
 */
class ReductionKernelsTest {
    private static final ReductionKernels ORACLE = BackendPair.oracle().reductions();
    private static final ReductionKernels UNDER_TEST = BackendPair.underTest().reductions();
    private static final ReductionKernels[] BOTH = {ORACLE, UNDER_TEST};

    private static final int OFF = 3;
    private static final int INT_GUARD = -99;
    private static final int[] INNERS = {1, 3, 16, 17, 33};
    private static final int[] OUTERS = {1, 3};
    /** Finite differences in double with h = 1e-3 against float kernels. */
    private static final double FD_STEP = 1e-3, FD_RTOL = 1e-4, FD_ATOL = 2e-5;

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static float[] input(int n, float lo, float hi, long seed) {
        return KernelTesting.nanFramed(n, OFF, lo, hi, seed);
    }

    private static float[] output(int n, long seed) {
        return KernelTesting.framedOutput(n, OFF, seed);
    }

    private static int[] intOutput(int n) {
        int[] a = new int[n + 2 * OFF];
        Arrays.fill(a, INT_GUARD);
        return a;
    }

    private static void assertGuards(String what, float[] out, int n) {
        KernelTesting.assertFrame(what, out, OFF, n);
    }

    private static void assertGuards(String what, int[] out, int n) {
        for (int i = 0; i < out.length; i++) {
            if ((i < OFF || i >= OFF + n) && out[i] != INT_GUARD) {
                throw new AssertionError(what + ": guard at index " + i + " overwritten with " + out[i]);
            }
        }
    }

    private static float[] inner(float[] a, int n) {
        return Arrays.copyOfRange(a, OFF, OFF + n);
    }

    // ---- axis reductions: twin parity --------------------------------------------------------------

    @Test
    void axisReductionsMatchTheOracle() {
        for (int outer : OUTERS) {
            for (int axis : AWKWARD_SIZES) {
                for (int in : INNERS) {
                    String shape = "[" + outer + ", " + axis + ", " + in + "]";
                    int n = outer * axis * in, m = outer * in;
                    float[] x = input(n, -1f, 1f, n + axis);
                    for (int mean = 0; mean < 2; mean++) {
                        float[] e = output(m, 1), a = output(m, 1);
                        if (mean == 0) {
                            ORACLE.sumForward(x, OFF, e, OFF, outer, axis, in);
                            UNDER_TEST.sumForward(x, OFF, a, OFF, outer, axis, in);
                        } else {
                            ORACLE.meanForward(x, OFF, e, OFF, outer, axis, in);
                            UNDER_TEST.meanForward(x, OFF, a, OFF, outer, axis, in);
                        }
                        String what = (mean == 0 ? "sum " : "mean ") + shape;
                        assertGuards(what, a, m);
                        if (in > 1) {
                            // Lanes across inner: each output sums in ascending order, as the oracle.
                            assertBitIdentical(what, inner(e, m), inner(a, m));
                        } else {
                            // Along the axis with four accumulators: a different order, rounding-level difference.
                            assertClose(what, e, OFF, a, OFF, m, 1e-5, 1e-6 * axis);
                        }
                    }
                    float[] ye = output(m, 2), ya = output(m, 2);
                    int[] ie = intOutput(m), ia = intOutput(m);
                    ORACLE.maxForward(x, OFF, ye, OFF, ie, OFF, outer, axis, in);
                    UNDER_TEST.maxForward(x, OFF, ya, OFF, ia, OFF, outer, axis, in);
                    assertGuards("max " + shape, ya, m);
                    assertGuards("argmax " + shape, ia, m);
                    assertBitIdentical("max " + shape, inner(ye, m), inner(ya, m));
                    assertThat(ia).as("max indices %s", shape).containsExactly(ie);
                }
            }
        }
    }

    @Test
    void axisBackwardsMatchTheOracleBitForBit() {
        for (int outer : OUTERS) {
            for (int axis : AWKWARD_SIZES) {
                for (int in : INNERS) {
                    String shape = "[" + outer + ", " + axis + ", " + in + "]";
                    int n = outer * axis * in, m = outer * in;
                    float[] dy = input(m, -1f, 1f, m + axis);
                    for (int op = 0; op < 3; op++) {
                        float[] e = output(n, 5), a = output(n, 5);
                        switch (op) {
                            case 0 -> {
                                ORACLE.sumBackward(dy, OFF, e, OFF, outer, axis, in);
                                UNDER_TEST.sumBackward(dy, OFF, a, OFF, outer, axis, in);
                            }
                            case 1 -> {
                                ORACLE.meanBackward(dy, OFF, e, OFF, outer, axis, in);
                                UNDER_TEST.meanBackward(dy, OFF, a, OFF, outer, axis, in);
                            }
                            default -> {
                                int[] arg = new int[m + OFF];
                                SplittableRandom r = new SplittableRandom(axis);
                                for (int i = 0; i < m; i++) arg[OFF + i] = r.nextInt(axis);
                                ORACLE.maxBackward(dy, OFF, arg, OFF, e, OFF, outer, axis, in);
                                UNDER_TEST.maxBackward(dy, OFF, arg, OFF, a, OFF, outer, axis, in);
                            }
                        }
                        String what = new String[] {"sumBackward ", "meanBackward ", "maxBackward "}[op] + shape;
                        assertGuards(what, a, n);
                        assertBitIdentical(what, inner(e, n), inner(a, n));
                    }
                }
            }
        }
    }

    // ---- last-axis kernels: twin parity ------------------------------------------------------------

    @Test
    void softmaxFamilyMatchesTheOracle() {
        for (int rows : new int[] {1, 4}) {
            for (int n : AWKWARD_SIZES) {
                int size = rows * n;
                String what = "[" + rows + ", " + n + "]";
                float[] x = input(size, -8f, 8f, size), dy = input(size, -1f, 1f, size + 1L);
                float[] ye = output(size, 1), ya = output(size, 1);
                ORACLE.softmaxForward(x, OFF, ye, OFF, rows, n);
                UNDER_TEST.softmaxForward(x, OFF, ya, OFF, rows, n);
                assertGuards("softmax " + what, ya, size);
                assertClose("softmax " + what, ye, OFF, ya, OFF, size, 3e-6, 1e-9);

                float[] le = output(size, 1), la = output(size, 1);
                ORACLE.logSoftmaxForward(x, OFF, le, OFF, rows, n);
                UNDER_TEST.logSoftmaxForward(x, OFF, la, OFF, rows, n);
                assertGuards("logSoftmax " + what, la, size);
                assertClose("logSoftmax " + what, le, OFF, la, OFF, size, 1e-6, 1e-6);

                float[] de = output(size, 2), da = output(size, 2);
                ORACLE.softmaxBackward(ye, OFF, dy, OFF, de, OFF, rows, n);
                UNDER_TEST.softmaxBackward(ye, OFF, dy, OFF, da, OFF, rows, n);
                assertGuards("softmaxBackward " + what, da, size);
                assertClose("softmaxBackward " + what, de, OFF, da, OFF, size, 1e-5, 1e-6);

                float[] ge = output(size, 3), ga = output(size, 3);
                ORACLE.logSoftmaxBackward(le, OFF, dy, OFF, ge, OFF, rows, n);
                UNDER_TEST.logSoftmaxBackward(le, OFF, dy, OFF, ga, OFF, rows, n);
                assertGuards("logSoftmaxBackward " + what, ga, size);
                assertClose("logSoftmaxBackward " + what, ge, OFF, ga, OFF, size, 1e-5, 1e-5);

                int[] ie = intOutput(rows), ia = intOutput(rows);
                ORACLE.argmax(x, OFF, ie, OFF, rows, n);
                UNDER_TEST.argmax(x, OFF, ia, OFF, rows, n);
                assertGuards("argmax " + what, ia, rows);
                assertThat(ia).as("argmax %s", what).containsExactly(ie);

                int k = Math.min(n, 5);
                float[] ve = output(rows * k, 4), va = output(rows * k, 4);
                int[] je = intOutput(rows * k), ja = intOutput(rows * k);
                ORACLE.topK(x, OFF, k, ve, OFF, je, OFF, rows, n);
                UNDER_TEST.topK(x, OFF, k, va, OFF, ja, OFF, rows, n);
                assertGuards("topK " + what, va, rows * k);
                assertGuards("topK indices " + what, ja, rows * k);
                assertBitIdentical("topK " + what, inner(ve, rows * k), inner(va, rows * k));
                assertThat(ja).containsExactly(je);
            }
        }
    }

    // ---- oracle against naive double loops ---------------------------------------------------------

    @Test
    void oracleMatchesNaiveDoubleLoops() {
        int outer = 3, axis = 207, in = 5, n = outer * axis * in;
        float[] x = input(n, -1f, 1f, 71);
        float[] sum = new float[outer * in], mean = new float[outer * in], max = new float[outer * in];
        int[] arg = new int[outer * in];
        ORACLE.sumForward(x, OFF, sum, 0, outer, axis, in);
        ORACLE.meanForward(x, OFF, mean, 0, outer, axis, in);
        ORACLE.maxForward(x, OFF, max, 0, arg, 0, outer, axis, in);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < in; i++) {
                double s = 0, best = Double.NEGATIVE_INFINITY;
                int bestA = -1;
                for (int a = 0; a < axis; a++) {
                    double v = x[OFF + (o * axis + a) * in + i];
                    s += v;
                    if (v > best) {
                        best = v;
                        bestA = a;
                    }
                }
                assertThat((double) sum[o * in + i]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-5));
                assertThat((double) mean[o * in + i]).isCloseTo(s / axis, org.assertj.core.data.Offset.offset(1e-7));
                assertThat((double) max[o * in + i]).isEqualTo(best);
                assertThat(arg[o * in + i]).isEqualTo(bestA);
            }
        }
        int rows = 4, len = 127;
        float[] z = input(rows * len, -10f, 10f, 72), p = new float[rows * len], lp = new float[rows * len];
        ORACLE.softmaxForward(z, OFF, p, 0, rows, len);
        ORACLE.logSoftmaxForward(z, OFF, lp, 0, rows, len);
        float[] pRef = new float[rows * len], lpRef = new float[rows * len];
        naiveSoftmax(toDouble(inner(z, rows * len)), rows, len, pRef, lpRef);
        assertClose("softmax vs naive double", pRef, p, 1e-6, 1e-12);
        assertClose("logSoftmax vs naive double", lpRef, lp, 1e-6, 1e-6);
    }

    /** Softmax and log-softmax in double, shifting by the row maximum. */
    private static void naiveSoftmax(double[] x, int rows, int n, float[] p, float[] lp) {
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < n; j++) m = Math.max(m, x[r * n + j]);
            for (int j = 0; j < n; j++) s += Math.exp(x[r * n + j] - m);
            for (int j = 0; j < n; j++) {
                p[r * n + j] = (float) (Math.exp(x[r * n + j] - m) / s);
                lp[r * n + j] = (float) (x[r * n + j] - m - Math.log(s));
            }
        }
    }

    @Test
    void softmaxIsStableForHugeInputs() {
        int n = 37;
        float[] x = new float[n];
        SplittableRandom r = new SplittableRandom(81);
        for (int j = 0; j < n; j++) x[j] = (float) ((r.nextBoolean() ? 1e4 : -1e4) + 10 * r.nextDouble());
        float[] pRef = new float[n], lpRef = new float[n];
        naiveSoftmax(toDouble(x), 1, n, pRef, lpRef);
        for (ReductionKernels k : BOTH) {
            float[] p = new float[n], lp = new float[n];
            k.softmaxForward(x, 0, p, 0, 1, n);
            k.logSoftmaxForward(x, 0, lp, 0, 1, n);
            double total = 0;
            for (float v : p) {
                assertThat(v).isFinite();
                total += v;
            }
            assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertClose("softmax at ±1e4", pRef, p, 2e-6, 1e-30);
            // log-softmax of the −1e4 entries is about −2e4: finite, and exact to float's spacing there.
            assertClose("logSoftmax at ±1e4", lpRef, lp, 1e-6, 1e-3);
        }
        float[] same = new float[n];
        Arrays.fill(same, 3e38f);
        for (ReductionKernels k : BOTH) {
            float[] p = new float[n];
            k.softmaxForward(same, 0, p, 0, 1, n);
            for (float v : p) assertThat((double) v).isCloseTo(1.0 / n, org.assertj.core.data.Offset.offset(1e-7));
        }
    }

    @Test
    void maxArgmaxAndTopKFollowPyTorchTieAndNaNRules() {
        float[] x = {1f, 5f, 5f, -2f, 5f, Float.NaN, 7f, Float.NaN};
        for (ReductionKernels k : BOTH) {
            int[] idx = new int[2];
            k.argmax(x, 0, idx, 0, 1, 5);
            assertThat(idx[0]).as("first of tied maxima").isEqualTo(1);
            k.argmax(x, 0, idx, 0, 1, 8);
            assertThat(idx[0]).as("first NaN wins").isEqualTo(5);
            float[] y = new float[1];
            k.maxForward(x, 0, y, 0, idx, 0, 1, 8, 1);
            assertThat(y[0]).isNaN();
            assertThat(idx[0]).isEqualTo(5);
            // Over an axis with inner = 2: columns (5, 5, 2, 5), a tie, and (1, 3, NaN, 7).
            float[] cols = {5f, 1f, 5f, 3f, 2f, Float.NaN, 5f, 7f}, m = new float[2];
            k.maxForward(cols, 0, m, 0, idx, 0, 1, 4, 2);
            assertThat(m[0]).isEqualTo(5f);
            assertThat(idx[0]).isEqualTo(0);
            assertThat(m[1]).isNaN();
            assertThat(idx[1]).isEqualTo(2);

            float[] v = new float[4];
            int[] j = new int[4];
            k.topK(x, 0, 4, v, 0, j, 0, 1, 7);
            assertThat(v).containsExactly(Float.NaN, 7f, 5f, 5f);
            assertThat(j).containsExactly(5, 6, 1, 2);
        }
    }

    // ---- backwards against finite differences ------------------------------------------------------

    @Test
    void axisBackwardsMatchFiniteDifferences() {
        int outer = 2, axis = 5, in = 3, n = outer * axis * in, m = outer * in;
        float[] x = new float[n];
        // Distinct values at least 0.05 apart: no ties within 2h, so max is differentiable.
        SplittableRandom r = new SplittableRandom(91);
        for (int i = 0; i < n; i++) x[i] = (float) (0.05 * i - 0.7);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        float[] w = input(m, -1f, 1f, 92);
        float[] dy = inner(w, m);
        for (int op = 0; op < 3; op++) {
            int o = op;
            double[] numeric = numericGradient(q -> {
                double loss = 0;
                for (int b = 0; b < outer; b++) {
                    for (int i = 0; i < in; i++) {
                        double s = 0, best = Double.NEGATIVE_INFINITY;
                        for (int a = 0; a < axis; a++) {
                            double v = q[(b * axis + a) * in + i];
                            s += v;
                            best = Math.max(best, v);
                        }
                        double y = o == 0 ? s : o == 1 ? s / axis : best;
                        loss += dy[b * in + i] * y;
                    }
                }
                return loss;
            }, toDouble(x), FD_STEP);
            for (ReductionKernels k : BOTH) {
                float[] g0 = input(n, -1f, 1f, 93), g = g0.clone();
                switch (op) {
                    case 0 -> k.sumBackward(dy, 0, g, OFF, outer, axis, in);
                    case 1 -> k.meanBackward(dy, 0, g, OFF, outer, axis, in);
                    default -> {
                        float[] y = new float[m];
                        int[] arg = new int[m];
                        k.maxForward(x, 0, y, 0, arg, 0, outer, axis, in);
                        k.maxBackward(dy, 0, arg, 0, g, OFF, outer, axis, in);
                    }
                }
                float[] added = new float[n];
                for (int i = 0; i < n; i++) added[i] = g[OFF + i] - g0[OFF + i];
                assertGradient("axis op " + op + " " + k.getClass().getSimpleName(), numeric, added, 0, FD_RTOL, FD_ATOL);
            }
        }
    }

    @Test
    void softmaxBackwardsMatchFiniteDifferences() {
        int rows = 3, n = 7, size = rows * n;
        float[] x = inner(input(size, -3f, 3f, 101), size), w = inner(input(size, -1f, 1f, 102), size);
        for (int log = 0; log < 2; log++) {
            boolean isLog = log == 1;
            double[] numeric = numericGradient(q -> {
                // In double throughout (naiveSoftmax rounds its results to float, too coarse for differences).
                double loss = 0;
                for (int r = 0; r < rows; r++) {
                    double mx = Double.NEGATIVE_INFINITY, s = 0;
                    for (int j = 0; j < n; j++) mx = Math.max(mx, q[r * n + j]);
                    for (int j = 0; j < n; j++) s += Math.exp(q[r * n + j] - mx);
                    for (int j = 0; j < n; j++) {
                        double v = isLog ? q[r * n + j] - mx - Math.log(s) : Math.exp(q[r * n + j] - mx) / s;
                        loss += w[r * n + j] * v;
                    }
                }
                return loss;
            }, toDouble(x), FD_STEP);
            for (ReductionKernels k : BOTH) {
                float[] y = new float[size], g0 = inner(input(size, -1f, 1f, 103), size), g = g0.clone();
                if (isLog) {
                    k.logSoftmaxForward(x, 0, y, 0, rows, n);
                    k.logSoftmaxBackward(y, 0, w, 0, g, 0, rows, n);
                } else {
                    k.softmaxForward(x, 0, y, 0, rows, n);
                    k.softmaxBackward(y, 0, w, 0, g, 0, rows, n);
                }
                float[] added = new float[size];
                for (int i = 0; i < size; i++) added[i] = g[i] - g0[i];
                assertGradient((isLog ? "logSoftmax " : "softmax ") + k.getClass().getSimpleName(), numeric, added, 0,
                        FD_RTOL, FD_ATOL);
            }
        }
    }

    // ---- determinism -------------------------------------------------------------------------------

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int rows = 2000, n = 33, size = rows * n;
        float[] x = inner(input(size, -5f, 5f, 111), size);
        for (ReductionKernels k : BOTH) {
            float[][] out = new float[2][];
            int[][] idx = new int[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                float[] sm = new float[size], ls = new float[size], dx = new float[size], sum = new float[rows * 3];
                float[] max = new float[rows];
                int[] arg = new int[rows];
                k.softmaxForward(x, 0, sm, 0, rows, n);
                k.logSoftmaxForward(x, 0, ls, 0, rows, n);
                k.softmaxBackward(sm, 0, x, 0, dx, 0, rows, n);
                k.logSoftmaxBackward(ls, 0, x, 0, dx, 0, rows, n);
                k.sumForward(x, 0, sum, 0, rows, 11, 3);
                k.maxForward(x, 0, max, 0, arg, 0, rows, n, 1);
                float[] all = new float[3 * size + rows * 4];
                System.arraycopy(sm, 0, all, 0, size);
                System.arraycopy(ls, 0, all, size, size);
                System.arraycopy(dx, 0, all, 2 * size, size);
                System.arraycopy(sum, 0, all, 3 * size, rows * 3);
                System.arraycopy(max, 0, all, 3 * size + rows * 3, rows);
                out[t - 1] = all;
                idx[t - 1] = arg;
            }
            assertBitIdentical(k.getClass().getSimpleName() + " 1 vs 2 threads", out[0], out[1]);
            assertThat(idx[1]).containsExactly(idx[0]);
        }
    }
}
