package io.github.basis4j.simd.ops;

import static io.github.basis4j.simd.testing.Numerics.AWKWARD_SIZES;
import static io.github.basis4j.simd.testing.Numerics.assertBitIdentical;
import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static io.github.basis4j.simd.testing.Numerics.assertGradient;
import static io.github.basis4j.simd.testing.Numerics.numericGradient;
import static io.github.basis4j.simd.testing.Numerics.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ElementwiseKernels;
import io.github.basis4j.simd.testing.BackendPair;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ElementwiseKernels}: the backend under test against the scalar oracle over awkward sizes at
 * non-zero offsets, with NaN around every input range (a read past the end poisons the result) and
 * guard values around every output range (a write past the end is caught); the scalar oracle against
 * naive double loops; every backward against central differences in double, from non-zero gradient
 * buffers; 1 and 2 threads bit for bit.
 */
class ElementwiseKernelsTest {
    private static final ElementwiseKernels ORACLE = BackendPair.oracle().elementwise();
    private static final ElementwiseKernels UNDER_TEST = BackendPair.underTest().elementwise();
    private static final ElementwiseKernels[] BOTH = {ORACLE, UNDER_TEST};

    /** Inputs and outputs start this far into their arrays. */
    private static final int OFF = 5;
    /** Sizes for twin parity: the awkward ones plus one that spans several parallel chunks. */
    private static final int[] SIZES = append(AWKWARD_SIZES, 40_003);
    /** Transcendental twins differ by the vector approximations' few ulp (see FloatMathAccuracyTest). */
    private static final double TRANSCENDENTAL_RTOL = 2e-6, TRANSCENDENTAL_ATOL = 1e-7;
    /** Finite differences in double with h = 1e-3 against float kernels: float rounding dominates. */
    private static final double FD_STEP = 1e-3, FD_RTOL = 1e-4, FD_ATOL = 2e-5;

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static int[] append(int[] a, int v) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }

    // ---- harness -----------------------------------------------------------------------------------

    /** A kernel call on inputs and one output that all start at {@link #OFF}. */
    @FunctionalInterface
    interface Call {
        void run(ElementwiseKernels k, float[][] in, float[] out, int n);
    }

    /** n uniform values in [lo, hi) at {@link #OFF}, NaN before and after. */
    private static float[] input(int n, float lo, float hi, long seed) {
        return KernelTesting.nanFramed(n, OFF, lo, hi, seed);
    }

    /** An output array: guards around, random non-zero values inside (accumulating kernels must add to them). */
    private static float[] output(int n, long seed) {
        return KernelTesting.framedOutput(n, OFF, seed);
    }

    private static void assertGuards(String what, float[] out, int n) {
        KernelTesting.assertFrame(what, out, OFF, n);
    }

    /**
     * Runs {@code call} on both backends over every size; inputs uniform in {@code ranges[i] = {lo, hi}}.
     * rtol = atol = 0 demands identical bits (the twins do the same float operations in the same order).
     */
    private static void parity(String name, float[][] ranges, double rtol, double atol, Call call) {
        for (int n : SIZES) {
            float[][] in = new float[ranges.length][];
            for (int i = 0; i < ranges.length; i++) in[i] = input(n, ranges[i][0], ranges[i][1], 31L * n + i);
            float[] expected = output(n, n), actual = output(n, n);
            call.run(ORACLE, in, expected, n);
            call.run(UNDER_TEST, in, actual, n);
            String what = name + " n=" + n;
            assertGuards(what + " (oracle)", expected, n);
            assertGuards(what, actual, n);
            if (rtol == 0 && atol == 0) {
                assertBitIdentical(what, Arrays.copyOfRange(expected, OFF, OFF + n), Arrays.copyOfRange(actual, OFF, OFF + n));
            } else {
                assertClose(what, expected, OFF, actual, OFF, n, rtol, atol);
            }
        }
    }

    private static final float[] SYM = {-3f, 3f};
    private static final float[] POSITIVE = {0.5f, 2f};
    private static final float[] WIDE = {-6f, 6f};

    // ---- twin parity -------------------------------------------------------------------------------

    @Test
    void binaryAndScalarOpsMatchTheOracleBitForBit() {
        parity("add", new float[][] {SYM, SYM}, 0, 0, (k, in, y, n) -> k.add(in[0], OFF, in[1], OFF, y, OFF, n));
        parity("sub", new float[][] {SYM, SYM}, 0, 0, (k, in, y, n) -> k.sub(in[0], OFF, in[1], OFF, y, OFF, n));
        parity("mul", new float[][] {SYM, SYM}, 0, 0, (k, in, y, n) -> k.mul(in[0], OFF, in[1], OFF, y, OFF, n));
        parity("div", new float[][] {SYM, POSITIVE}, 0, 0, (k, in, y, n) -> k.div(in[0], OFF, in[1], OFF, y, OFF, n));
        parity("scale", new float[][] {SYM}, 0, 0, (k, in, y, n) -> k.scale(in[0], OFF, -1.75f, y, OFF, n));
        parity("addScalar", new float[][] {SYM}, 0, 0, (k, in, y, n) -> k.addScalar(in[0], OFF, 0.3f, y, OFF, n));
        parity("axpy", new float[][] {SYM}, 0, 0, (k, in, y, n) -> k.axpy(0.7f, in[0], OFF, y, OFF, n));
        parity("mulBackward da", new float[][] {SYM, SYM, SYM}, 0, 0,
                (k, in, d, n) -> k.mulBackward(in[0], OFF, in[1], OFF, in[2], OFF, d, OFF, null, 0, n));
        parity("mulBackward db", new float[][] {SYM, SYM, SYM}, 0, 0,
                (k, in, d, n) -> k.mulBackward(in[0], OFF, in[1], OFF, in[2], OFF, null, 0, d, OFF, n));
        parity("divBackward da", new float[][] {SYM, POSITIVE, SYM}, 0, 0,
                (k, in, d, n) -> k.divBackward(in[0], OFF, in[1], OFF, in[2], OFF, d, OFF, null, 0, n));
        parity("divBackward db", new float[][] {SYM, POSITIVE, SYM}, 0, 0,
                (k, in, d, n) -> k.divBackward(in[0], OFF, in[1], OFF, in[2], OFF, null, 0, d, OFF, n));
    }

    @Test
    void piecewisePolynomialActivationsMatchTheOracleBitForBit() {
        parity("relu", new float[][] {SYM}, 0, 0, (k, in, y, n) -> k.reluForward(in[0], OFF, y, OFF, n));
        parity("reluBackward", new float[][] {SYM, SYM}, 0, 0,
                (k, in, d, n) -> k.reluBackward(in[0], OFF, in[1], OFF, d, OFF, n));
        parity("reluMask", new float[][] {SYM, SYM}, 0, 0,
                (k, in, d, n) -> k.reluMask(in[0], OFF, in[1], OFF, d, OFF, n));
        parity("starRelu", new float[][] {SYM}, 0, 0, (k, in, y, n) -> k.starReluForward(in[0], OFF, 0.8f, -0.1f, y, OFF, n));
        parity("starReluBackward dx", new float[][] {SYM, SYM}, 0, 0,
                (k, in, d, n) -> k.starReluBackward(in[0], OFF, 0.8f, in[1], OFF, d, OFF, null, 0, null, 0, n));
        parity("squaredRelu", new float[][] {SYM}, 0, 0, (k, in, y, n) -> k.squaredReluForward(in[0], OFF, y, OFF, n));
        parity("squaredReluBackward", new float[][] {SYM, SYM}, 0, 0,
                (k, in, d, n) -> k.squaredReluBackward(in[0], OFF, in[1], OFF, d, OFF, n));
        parity("sigmoidBackward", new float[][] {{0f, 1f}, SYM}, 0, 0,
                (k, in, d, n) -> k.sigmoidBackward(in[0], OFF, in[1], OFF, d, OFF, n));
        parity("tanhBackward", new float[][] {{-1f, 1f}, SYM}, 0, 0,
                (k, in, d, n) -> k.tanhBackward(in[0], OFF, in[1], OFF, d, OFF, n));
        parity("expBackward", new float[][] {POSITIVE, SYM}, 0, 0,
                (k, in, d, n) -> k.expBackward(in[0], OFF, in[1], OFF, d, OFF, n));
    }

    @Test
    void transcendentalActivationsMatchTheOracleClosely() {
        double r = TRANSCENDENTAL_RTOL, a = TRANSCENDENTAL_ATOL;
        parity("gelu", new float[][] {WIDE}, r, a, (k, in, y, n) -> k.geluForward(in[0], OFF, y, OFF, n));
        parity("geluBackward", new float[][] {WIDE, SYM}, r, a, (k, in, d, n) -> k.geluBackward(in[0], OFF, in[1], OFF, d, OFF, n));
        parity("sigmoid", new float[][] {{-20f, 20f}}, r, a, (k, in, y, n) -> k.sigmoidForward(in[0], OFF, y, OFF, n));
        parity("tanh", new float[][] {WIDE}, r, a, (k, in, y, n) -> k.tanhForward(in[0], OFF, y, OFF, n));
        parity("exp", new float[][] {{-20f, 20f}}, r, a, (k, in, y, n) -> k.expForward(in[0], OFF, y, OFF, n));
        parity("erf", new float[][] {{-4.5f, 4.5f}}, r, a, (k, in, y, n) -> k.erf(in[0], OFF, y, OFF, n));
    }

    @Test
    void inPlaceForwardMatchesOutOfPlace() {
        int n = 1000;
        for (ElementwiseKernels k : BOTH) {
            float[] x = input(n, -3f, 3f, 7), y = new float[x.length];
            k.geluForward(x, OFF, y, OFF, n);
            k.geluForward(x, OFF, x, OFF, n);
            assertBitIdentical("gelu in place", Arrays.copyOfRange(y, OFF, OFF + n), Arrays.copyOfRange(x, OFF, OFF + n));
        }
    }

    // ---- channel broadcasting ----------------------------------------------------------------------

    /** A [rows, c] kernel call: x and dy at OFF, b at OFF, one [rows·c] or [c] output at OFF. */
    @FunctionalInterface
    interface ChannelCall {
        void run(ElementwiseKernels k, float[] x, float[] b, float[] dy, float[] out, int rows, int c);
    }

    private static void channelParity(String name, boolean outIsPerChannel, ChannelCall call) {
        int[][] shapes = new int[AWKWARD_SIZES.length * 3 + 1][];
        int s = 0;
        for (int c : AWKWARD_SIZES) for (int rows : new int[] {1, 3, 9}) shapes[s++] = new int[] {rows, c};
        shapes[s] = new int[] {700, 33};   // 23 100 elements: more than one parallel chunk of rows
        for (int[] shape : shapes) {
            int rows = shape[0], c = shape[1], n = rows * c, outN = outIsPerChannel ? c : n;
            float[] x = input(n, -2f, 2f, n), b = input(c, 0.5f, 2f, c + 1L), dy = input(n, -1f, 1f, n + 2L);
            float[] expected = output(outN, 3), actual = output(outN, 3);
            call.run(ORACLE, x, b, dy, expected, rows, c);
            call.run(UNDER_TEST, x, b, dy, actual, rows, c);
            String what = name + " [" + rows + ", " + c + "]";
            assertGuards(what, actual, outN);
            // Same float operations in the same order (column sums run row after row in both twins).
            assertBitIdentical(what, Arrays.copyOfRange(expected, OFF, OFF + outN), Arrays.copyOfRange(actual, OFF, OFF + outN));
        }
    }

    @Test
    void channelBroadcastsMatchTheOracleBitForBit() {
        channelParity("addChannel", false, (k, x, b, dy, y, rows, c) -> k.addChannel(x, OFF, b, OFF, y, OFF, rows, c));
        channelParity("subChannel", false, (k, x, b, dy, y, rows, c) -> k.subChannel(x, OFF, b, OFF, y, OFF, rows, c));
        channelParity("mulChannel", false, (k, x, b, dy, y, rows, c) -> k.mulChannel(x, OFF, b, OFF, y, OFF, rows, c));
        channelParity("divChannel", false, (k, x, b, dy, y, rows, c) -> k.divChannel(x, OFF, b, OFF, y, OFF, rows, c));
        channelParity("addChannelBackward dx", false,
                (k, x, b, dy, d, rows, c) -> k.addChannelBackward(dy, OFF, d, OFF, null, 0, rows, c));
        channelParity("addChannelBackward db", true,
                (k, x, b, dy, d, rows, c) -> k.addChannelBackward(dy, OFF, null, 0, d, OFF, rows, c));
        channelParity("subChannelBackward dx", false,
                (k, x, b, dy, d, rows, c) -> k.subChannelBackward(dy, OFF, d, OFF, null, 0, rows, c));
        channelParity("subChannelBackward db", true,
                (k, x, b, dy, d, rows, c) -> k.subChannelBackward(dy, OFF, null, 0, d, OFF, rows, c));
        channelParity("mulChannelBackward dx", false,
                (k, x, b, dy, d, rows, c) -> k.mulChannelBackward(x, OFF, b, OFF, dy, OFF, d, OFF, null, 0, rows, c));
        channelParity("mulChannelBackward db", true,
                (k, x, b, dy, d, rows, c) -> k.mulChannelBackward(x, OFF, b, OFF, dy, OFF, null, 0, d, OFF, rows, c));
        channelParity("divChannelBackward dx", false,
                (k, x, b, dy, d, rows, c) -> k.divChannelBackward(x, OFF, b, OFF, dy, OFF, d, OFF, null, 0, rows, c));
        channelParity("divChannelBackward db", true,
                (k, x, b, dy, d, rows, c) -> k.divChannelBackward(x, OFF, b, OFF, dy, OFF, null, 0, d, OFF, rows, c));
    }

    // ---- scalar oracle against naive double loops --------------------------------------------------

    @Test
    void oracleArithmeticIsTheCorrectlyRoundedDoubleResult() {
        int n = 1000;
        float[] a = input(n, -3f, 3f, 1), b = input(n, 0.5f, 2f, 2), y = new float[a.length];
        double[][] expected = new double[4][n];
        for (int i = 0; i < n; i++) {
            double u = a[OFF + i], v = b[OFF + i];
            expected[0][i] = u + v;
            expected[1][i] = u - v;
            expected[2][i] = u * v;
            expected[3][i] = u / v;
        }
        for (int op = 0; op < 4; op++) {
            switch (op) {
                case 0 -> ORACLE.add(a, OFF, b, OFF, y, OFF, n);
                case 1 -> ORACLE.sub(a, OFF, b, OFF, y, OFF, n);
                case 2 -> ORACLE.mul(a, OFF, b, OFF, y, OFF, n);
                default -> ORACLE.div(a, OFF, b, OFF, y, OFF, n);
            }
            // Double holds the exact sum or product of two floats, and double rounding is innocuous for
            // +, −, ×, ÷ of floats, so the one correctly rounded float is the only acceptable answer.
            for (int i = 0; i < n; i++) assertThat(y[OFF + i]).as("op %d at %d", op, i).isEqualTo((float) expected[op][i]);
        }
    }

    @Test
    void oracleActivationsMatchNaiveDoubleLoops() {
        int n = 1000;
        float[] x = input(n, -3f, 3f, 3), y = new float[x.length];
        float s = 0.8f, bias = -0.1f;
        checkNaive("relu", x, n, v -> Math.max(v, 0), (xx, yy) -> ORACLE.reluForward(xx, OFF, yy, OFF, n));
        checkNaive("starRelu", x, n, v -> s * Math.max(v, 0) * Math.max(v, 0) + bias,
                (xx, yy) -> ORACLE.starReluForward(xx, OFF, s, bias, yy, OFF, n), 1e-7); // float s·r² + b may cancel
        checkNaive("squaredRelu", x, n, v -> Math.max(v, 0) * Math.max(v, 0),
                (xx, yy) -> ORACLE.squaredReluForward(xx, OFF, yy, OFF, n));
        checkNaive("gelu", x, n, FloatMathAccuracyTest::geluRef, (xx, yy) -> ORACLE.geluForward(xx, OFF, yy, OFF, n));
        checkNaive("sigmoid", x, n, v -> 1 / (1 + Math.exp(-v)), (xx, yy) -> ORACLE.sigmoidForward(xx, OFF, yy, OFF, n));
        checkNaive("tanh", x, n, Math::tanh, (xx, yy) -> ORACLE.tanhForward(xx, OFF, yy, OFF, n));
        checkNaive("exp", x, n, Math::exp, (xx, yy) -> ORACLE.expForward(xx, OFF, yy, OFF, n));
        checkNaive("erf", x, n, FloatMathAccuracyTest::erfRef, (xx, yy) -> ORACLE.erf(xx, OFF, yy, OFF, n));
    }

    private static void checkNaive(String name, float[] x, int n, DoubleUnaryOperator f,
                                   java.util.function.BiConsumer<float[], float[]> kernel) {
        checkNaive(name, x, n, f, kernel, 1e-37);
    }

    private static void checkNaive(String name, float[] x, int n, DoubleUnaryOperator f,
                                   java.util.function.BiConsumer<float[], float[]> kernel, double atol) {
        float[] y = new float[x.length];
        kernel.accept(x, y);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = (float) f.applyAsDouble(x[OFF + i]);
        // The oracle rounds a double evaluation once: within about an ulp of the naive double result.
        assertClose(name + " vs naive double", expected, 0, y, OFF, n, 2.5e-7, atol);
    }

    @Test
    void reluKeepsNaNAsPyTorch() {
        for (ElementwiseKernels k : BOTH) {
            float[] x = {Float.NaN, -1f, 2f}, y = new float[3];
            k.reluForward(x, 0, y, 0, 3);
            assertThat(y).containsExactly(Float.NaN, 0f, 2f);
        }
    }

    @Test
    void reluMaskOverwritesAndWorksInPlace() {
        for (ElementwiseKernels k : BOTH) {
            for (int n : SIZES) {
                float[] x = input(n, -3f, 3f, 7L * n), dy = input(n, -3f, 3f, 7L * n + 1);
                x[OFF] = Float.NaN;   // a NaN input passes no gradient, as relu's backward
                float[] inPlace = output(n, 2), separate = output(n, 3);
                System.arraycopy(dy, OFF, inPlace, OFF, n);
                k.reluMask(x, OFF, inPlace, OFF, inPlace, OFF, n);
                k.reluMask(x, OFF, dy, OFF, separate, OFF, n);
                String what = "reluMask " + k.getClass().getSimpleName() + " n=" + n;
                assertGuards(what, inPlace, n);
                assertGuards(what, separate, n);
                for (int i = OFF; i < OFF + n; i++) {
                    float expected = x[i] > 0f ? dy[i] : 0f;
                    assertThat(inPlace[i]).as("%s in place, element %d", what, i - OFF).isEqualTo(expected);
                    assertThat(separate[i]).as("%s, element %d", what, i - OFF).isEqualTo(expected);
                }
            }
        }
    }

    // ---- backwards against finite differences, accumulating into non-zero buffers ------------------

    private static final int FD_N = 37;

    /** Random weights w of the loss Σ w_i·y_i; they are also dy. */
    private static float[] weights(int n, long seed) {
        float[] w = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) w[i] = (float) (2 * r.nextDouble() - 1);
        return w;
    }

    /** Values in ±[0.1, 2.5]: away from the kinks of ReLU, StarReLU and SquaredReLU at 0. */
    private static float[] awayFromZero(int n, long seed) {
        float[] x = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) x[i] = (float) ((0.1 + 2.4 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
        return x;
    }

    private static double weighted(float[] w, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += w[i] * y[i];
        return s;
    }

    /** Checks {@code dx − dx0} from the kernel against the numeric gradient of Σ w·f(x). */
    private static void checkUnaryBackward(String name, DoubleUnaryOperator f, UnaryBackward backward) {
        float[] x = awayFromZero(FD_N, 11), w = weights(FD_N, 12);
        double[] numeric = numericGradient(xs -> {
            double s = 0;
            for (int i = 0; i < xs.length; i++) s += w[i] * f.applyAsDouble(xs[i]);
            return s;
        }, toDouble(x), FD_STEP);
        for (ElementwiseKernels k : BOTH) {
            float[] dx0 = weights(FD_N, 13), dx = dx0.clone();
            backward.run(k, x, w, dx);
            float[] added = new float[FD_N];
            for (int i = 0; i < FD_N; i++) added[i] = dx[i] - dx0[i];
            assertGradient(name + " " + k.getClass().getSimpleName(), numeric, added, 0, FD_RTOL, FD_ATOL);
        }
    }

    @FunctionalInterface
    interface UnaryBackward {
        void run(ElementwiseKernels k, float[] x, float[] dy, float[] dx);
    }

    /** The forward output of {@code x} on the scalar backend, for backwards that take y. */
    private static float[] forward(float[] x, java.util.function.BiConsumer<float[], float[]> f) {
        float[] y = new float[x.length];
        f.accept(x, y);
        return y;
    }

    @Test
    void activationBackwardsMatchFiniteDifferences() {
        int n = FD_N;
        checkUnaryBackward("relu", v -> Math.max(v, 0), (k, x, dy, dx) -> k.reluBackward(x, 0, dy, 0, dx, 0, n));
        checkUnaryBackward("gelu", FloatMathAccuracyTest::geluRef, (k, x, dy, dx) -> k.geluBackward(x, 0, dy, 0, dx, 0, n));
        checkUnaryBackward("squaredRelu", v -> Math.max(v, 0) * Math.max(v, 0),
                (k, x, dy, dx) -> k.squaredReluBackward(x, 0, dy, 0, dx, 0, n));
        checkUnaryBackward("sigmoid", v -> 1 / (1 + Math.exp(-v)), (k, x, dy, dx) -> k.sigmoidBackward(
                forward(x, (xx, yy) -> ORACLE.sigmoidForward(xx, 0, yy, 0, n)), 0, dy, 0, dx, 0, n));
        checkUnaryBackward("tanh", Math::tanh, (k, x, dy, dx) -> k.tanhBackward(
                forward(x, (xx, yy) -> ORACLE.tanhForward(xx, 0, yy, 0, n)), 0, dy, 0, dx, 0, n));
        checkUnaryBackward("exp", Math::exp, (k, x, dy, dx) -> k.expBackward(
                forward(x, (xx, yy) -> ORACLE.expForward(xx, 0, yy, 0, n)), 0, dy, 0, dx, 0, n));
    }

    @Test
    void starReluBackwardMatchesFiniteDifferencesForInputScaleAndBias() {
        int n = FD_N;
        float[] x = awayFromZero(n, 21), w = weights(n, 22);
        float s = 0.8f, b = -0.1f;
        // Parameters packed as [x_0 … x_{n−1}, s, b].
        double[] p = new double[n + 2];
        for (int i = 0; i < n; i++) p[i] = x[i];
        p[n] = s;
        p[n + 1] = b;
        double[] numeric = numericGradient(q -> {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double r = Math.max(q[i], 0);
                sum += w[i] * (q[n] * r * r + q[n + 1]);
            }
            return sum;
        }, p, FD_STEP);
        for (ElementwiseKernels k : BOTH) {
            float[] dx0 = weights(n, 23), dx = dx0.clone();
            float[] dScale = {0.25f}, dBias = {-0.5f};
            k.starReluBackward(x, 0, s, w, 0, dx, 0, dScale, 0, dBias, 0, n);
            float[] added = new float[n + 2];
            for (int i = 0; i < n; i++) added[i] = dx[i] - dx0[i];
            added[n] = dScale[0] - 0.25f;
            added[n + 1] = dBias[0] + 0.5f;
            assertGradient("starRelu " + k.getClass().getSimpleName(), numeric, added, 0, FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void starReluParameterGradientsMatchTheOracleOnLargeInputs() {
        int n = 50_000;
        float[] x = input(n, -2f, 2f, 31), dy = input(n, -1f, 1f, 32);
        float[][] ds = new float[2][], db = new float[2][];
        for (int t = 0; t < 2; t++) {
            ds[t] = new float[] {1f};
            db[t] = new float[] {2f};
            BOTH[t].starReluBackward(x, OFF, 0.8f, dy, OFF, null, 0, ds[t], 0, db[t], 0, n);
        }
        // Different summation orders (lanes, then chunks), so rounding-level agreement over 50 000 terms.
        assertThat((double) ds[1][0]).isCloseTo(ds[0][0], org.assertj.core.data.Offset.offset(1e-3));
        assertThat((double) db[1][0]).isCloseTo(db[0][0], org.assertj.core.data.Offset.offset(1e-3));
        double refS = 1, refB = 2;
        for (int i = 0; i < n; i++) {
            double r = Math.max(x[OFF + i], 0);
            refS += dy[OFF + i] * r * r;
            refB += dy[OFF + i];
        }
        assertThat((double) ds[0][0]).isCloseTo(refS, org.assertj.core.data.Offset.offset(1e-3));
        assertThat((double) db[0][0]).isCloseTo(refB, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void sameShapeBinaryBackwardsMatchFiniteDifferences() {
        int n = FD_N;
        float[] a = awayFromZero(n, 41), b = awayFromZero(n, 42), w = weights(n, 43);
        double[] p = new double[2 * n];
        for (int i = 0; i < n; i++) {
            p[i] = a[i];
            p[n + i] = b[i];
        }
        double[] numMul = numericGradient(q -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += w[i] * q[i] * q[n + i];
            return s;
        }, p, FD_STEP);
        double[] numDiv = numericGradient(q -> {
            double s = 0;
            for (int i = 0; i < n; i++) s += w[i] * q[i] / q[n + i];
            return s;
        }, p, FD_STEP);
        for (ElementwiseKernels k : BOTH) {
            for (int op = 0; op < 2; op++) {
                float[] g0 = weights(2 * n, 44), g = g0.clone();
                if (op == 0) k.mulBackward(a, 0, b, 0, w, 0, g, 0, g, n, n);
                else k.divBackward(a, 0, b, 0, w, 0, g, 0, g, n, n);
                float[] added = new float[2 * n];
                for (int i = 0; i < 2 * n; i++) added[i] = g[i] - g0[i];
                assertGradient((op == 0 ? "mul" : "div") + " " + k.getClass().getSimpleName(),
                        op == 0 ? numMul : numDiv, added, 0, FD_RTOL, FD_ATOL);
            }
        }
    }

    @Test
    void channelBackwardsMatchFiniteDifferences() {
        int rows = 5, c = 7, n = rows * c;
        float[] x = awayFromZero(n, 51), b = awayFromZero(c, 52), w = weights(n, 53);
        double[] p = new double[n + c];
        for (int i = 0; i < n; i++) p[i] = x[i];
        for (int j = 0; j < c; j++) p[n + j] = b[j];
        for (int op = 0; op < 4; op++) {
            int o = op;
            double[] numeric = numericGradient(q -> {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    double u = q[i], v = q[n + i % c];
                    s += w[i] * switch (o) {
                        case 0 -> u + v;
                        case 1 -> u - v;
                        case 2 -> u * v;
                        default -> u / v;
                    };
                }
                return s;
            }, p, FD_STEP);
            for (ElementwiseKernels k : BOTH) {
                float[] g0 = weights(n + c, 54), g = g0.clone();
                switch (op) {
                    case 0 -> k.addChannelBackward(w, 0, g, 0, g, n, rows, c);
                    case 1 -> k.subChannelBackward(w, 0, g, 0, g, n, rows, c);
                    case 2 -> k.mulChannelBackward(x, 0, b, 0, w, 0, g, 0, g, n, rows, c);
                    default -> k.divChannelBackward(x, 0, b, 0, w, 0, g, 0, g, n, rows, c);
                }
                float[] added = new float[n + c];
                for (int i = 0; i < n + c; i++) added[i] = g[i] - g0[i];
                assertGradient("channel op " + op + " " + k.getClass().getSimpleName(), numeric, added, 0, FD_RTOL, FD_ATOL);
            }
        }
    }

    // ---- determinism -------------------------------------------------------------------------------

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int rows = 900, c = 71, n = rows * c;
        float[] x = input(n, -2f, 2f, 61), b = input(c, 0.5f, 2f, 62), dy = input(n, -1f, 1f, 63);
        for (ElementwiseKernels k : BOTH) {
            float[][] results = new float[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                float[] dx = new float[n + OFF], db = new float[c + OFF], ds = {0f, 0f}, y = new float[n + OFF];
                k.mulChannelBackward(x, OFF, b, OFF, dy, OFF, dx, OFF, db, OFF, rows, c);
                k.divChannelBackward(x, OFF, b, OFF, dy, OFF, dx, OFF, db, OFF, rows, c);
                k.addChannelBackward(dy, OFF, dx, OFF, db, OFF, rows, c);
                k.starReluBackward(x, OFF, 0.9f, dy, OFF, dx, OFF, ds, 0, ds, 1, n);
                k.geluForward(x, OFF, y, OFF, n);
                k.mulChannel(y, OFF, b, OFF, y, OFF, rows, c);
                float[] all = new float[dx.length + db.length + ds.length + y.length];
                System.arraycopy(dx, 0, all, 0, dx.length);
                System.arraycopy(db, 0, all, dx.length, db.length);
                System.arraycopy(ds, 0, all, dx.length + db.length, ds.length);
                System.arraycopy(y, 0, all, dx.length + db.length + ds.length, y.length);
                results[t - 1] = all;
            }
            assertBitIdentical(k.getClass().getSimpleName() + " 1 vs 2 threads", results[0], results[1]);
        }
    }
}
