package io.github.basis4j.simd;

import static io.github.basis4j.simd.testing.Numerics.assertBitIdentical;
import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static io.github.basis4j.simd.testing.Numerics.assertGradient;
import static io.github.basis4j.simd.testing.Numerics.numericGradient;
import static io.github.basis4j.simd.testing.Numerics.randomFloats;
import static io.github.basis4j.simd.testing.Numerics.toDouble;

import io.github.basis4j.simd.spi.Backend;
import io.github.basis4j.simd.spi.SpectralKernels;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SpectralKernels}: the scalar oracle against naive double-precision complex loops, the backend under test
 * against the oracle over awkward channel counts (offsets, guard values), gradients against central finite
 * differences in double, accumulation into non-zero buffers, in-place forwards, skipped buffers, and 1 vs 2 threads.
 *
 * <p>Layouts as in {@link SpectralKernels}: spectra {@code [n, bins, 2, c]} (planar per bin), global filter
 * {@code [bins, 2, c]}, dynamic bank {@code [bins, f, 2]}, routeing {@code [n, f, c]}.
 */
class SpectralKernelsTest {
    /** A value no kernel writes: any change outside an output window is a stray store. */
    private static final float GUARD = -7777.25f;
    /** Guard values after each output window (more than the widest vector, so a masked-off overrun shows). */
    private static final int GUARD_TAIL = 19;
    /** Float sums of a few hundred terms of magnitude ≤ 1 against double: a few ulps of the sum's size. */
    private static final double SUM_RTOL = 1e-5, SUM_ATOL = 1e-5;
    /** Central-difference step; the losses are bilinear, so truncation error is zero and rounding dominates. */
    private static final double FD_STEP = 1e-3;
    /** Finite differences in double against float backward kernels. */
    private static final double FD_RTOL = 1e-4, FD_ATOL = 1e-5;

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One problem's inputs, each a flat array at offset 0. */
    private record Problem(int n, int bins, int f, int c, float[] x, float[] kg, float[] r, float[] kd, float[] gy) {
        static Problem random(int n, int bins, int f, int c, long seed) {
            return new Problem(n, bins, f, c,
                    randomFloats(n * bins * 2 * c, seed), randomFloats(bins * 2 * c, seed + 1),
                    randomFloats(n * f * c, seed + 2), randomFloats(bins * f * 2, seed + 3),
                    randomFloats(n * bins * 2 * c, seed + 4));
        }

        int spectrum() {
            return n * bins * 2 * c;
        }
    }

    // ---- naive double-precision references -------------------------------------------------------------------

    private static double[] naiveGlobal(int n, int bins, int c, double[] x, double[] k) {
        double[] y = new double[n * bins * 2 * c];
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < bins; j++) {
                int b = (s * bins + j) * 2 * c, kb = j * 2 * c;
                for (int ch = 0; ch < c; ch++) {
                    double xr = x[b + ch], xi = x[b + c + ch], kr = k[kb + ch], ki = k[kb + c + ch];
                    y[b + ch] = xr * kr - xi * ki;
                    y[b + c + ch] = xr * ki + xi * kr;
                }
            }
        }
        return y;
    }

    private static double[] naiveDynamic(int n, int bins, int f, int c, double[] x, double[] r, double[] k) {
        double[] y = new double[n * bins * 2 * c];
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < bins; j++) {
                int b = (s * bins + j) * 2 * c;
                for (int ch = 0; ch < c; ch++) {
                    double wr = 0, wi = 0;
                    for (int q = 0; q < f; q++) {
                        wr += r[(s * f + q) * c + ch] * k[(j * f + q) * 2];
                        wi += r[(s * f + q) * c + ch] * k[(j * f + q) * 2 + 1];
                    }
                    double xr = x[b + ch], xi = x[b + c + ch];
                    y[b + ch] = xr * wr - xi * wi;
                    y[b + c + ch] = xr * wi + xi * wr;
                }
            }
        }
        return y;
    }

    private static double dot(float[] w, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += w[i] * y[i];
        return s;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    // ---- guarded buffers ---------------------------------------------------------------------------------------

    /** {@code values} copied to {@code off}, with guard values before and {@link #GUARD_TAIL} after. */
    private static float[] guarded(float[] values, int off) {
        float[] a = new float[off + values.length + GUARD_TAIL];
        Arrays.fill(a, GUARD);
        System.arraycopy(values, 0, a, off, values.length);
        return a;
    }

    private static float[] guardedEmpty(int len, int off) {
        return guarded(new float[len], off);
    }

    private static void assertGuards(String what, float[] a, int off, int len) {
        for (int i = 0; i < a.length; i++) {
            if ((i < off || i >= off + len) && Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(GUARD)) {
                throw new AssertionError(what + ": guard at index " + i + " (window [" + off + ", " + (off + len)
                        + ")) was overwritten with " + a[i]);
            }
        }
    }

    private static float[] window(float[] a, int off, int len) {
        return Arrays.copyOfRange(a, off, off + len);
    }

    // ---- the oracle against naive loops ------------------------------------------------------------------------

    @Test
    void scalarForwardsMatchNaiveComplexLoops() {
        SpectralKernels k = BackendPair.oracle().spectral();
        for (int c : new int[] {1, 3, 17, 64}) {
            Problem p = Problem.random(2, 5, 3, c, 100 + c);
            float[] y = new float[p.spectrum()];
            k.globalFilterForward(p.x, 0, p.kg, 0, y, 0, p.n, p.bins, c);
            assertClose("global forward c=" + c, toFloat(naiveGlobal(p.n, p.bins, c, toDouble(p.x), toDouble(p.kg))), y, SUM_RTOL, SUM_ATOL);
            k.dynamicFilterForward(p.x, 0, p.r, 0, p.kd, 0, y, 0, p.n, p.bins, p.f, c);
            assertClose("dynamic forward c=" + c,
                    toFloat(naiveDynamic(p.n, p.bins, p.f, c, toDouble(p.x), toDouble(p.r), toDouble(p.kd))), y, SUM_RTOL, SUM_ATOL);
        }
    }

    // ---- gradients against finite differences ------------------------------------------------------------------

    @Test
    void globalFilterGradientsMatchFiniteDifferences() {
        for (Backend backend : List.of(BackendPair.oracle(), BackendPair.underTest())) {
            Problem p = Problem.random(2, 3, 1, 5, 7);
            double[] xd = toDouble(p.x), kd = toDouble(p.kg);
            // Loss Σ gy·y: its gradient with respect to y is gy, which is what the backward receives.
            double[] gxNum = numericGradient(v -> dot(p.gy, naiveGlobal(p.n, p.bins, p.c, v, kd)), xd.clone(), FD_STEP);
            double[] gkNum = numericGradient(v -> dot(p.gy, naiveGlobal(p.n, p.bins, p.c, xd, v)), kd.clone(), FD_STEP);
            float[] gx = new float[p.spectrum()], gk = new float[p.kg.length];
            backend.spectral().globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, gx, 0, gk, 0, p.n, p.bins, p.c);
            assertGradient(backend.name() + " global gx", gxNum, gx, 0, FD_RTOL, FD_ATOL);
            assertGradient(backend.name() + " global gk", gkNum, gk, 0, FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void dynamicFilterGradientsMatchFiniteDifferences() {
        for (Backend backend : List.of(BackendPair.oracle(), BackendPair.underTest())) {
            Problem p = Problem.random(2, 3, 3, 5, 11);
            double[] xd = toDouble(p.x), rd = toDouble(p.r), kd = toDouble(p.kd);
            double[] gxNum = numericGradient(v -> dot(p.gy, naiveDynamic(p.n, p.bins, p.f, p.c, v, rd, kd)), xd.clone(), FD_STEP);
            double[] grNum = numericGradient(v -> dot(p.gy, naiveDynamic(p.n, p.bins, p.f, p.c, xd, v, kd)), rd.clone(), FD_STEP);
            double[] gkNum = numericGradient(v -> dot(p.gy, naiveDynamic(p.n, p.bins, p.f, p.c, xd, rd, v)), kd.clone(), FD_STEP);
            float[] gx = new float[p.spectrum()], gr = new float[p.r.length], gk = new float[p.kd.length];
            backend.spectral().dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, gx, 0, gr, 0, gk, 0,
                    p.n, p.bins, p.f, p.c);
            assertGradient(backend.name() + " dynamic gx", gxNum, gx, 0, FD_RTOL, FD_ATOL);
            assertGradient(backend.name() + " dynamic gr", grNum, gr, 0, FD_RTOL, FD_ATOL);
            assertGradient(backend.name() + " dynamic gk", gkNum, gk, 0, FD_RTOL, FD_ATOL);
        }
    }

    // ---- twin parity -------------------------------------------------------------------------------------------

    @Test
    void forwardsMatchTheOracleBitForBitOverAwkwardChannelCounts() {
        SpectralKernels oracle = BackendPair.oracle().spectral(), tested = BackendPair.underTest().spectral();
        for (int c : Numerics.AWKWARD_SIZES) {
            Problem p = Problem.random(2, 3, 3, c, 1000 + c);
            int len = p.spectrum();
            // Inputs and outputs at different non-zero offsets, so no kernel can silently assume offset 0.
            float[] x = guarded(p.x, 3), kg = guarded(p.kg, 5), r = guarded(p.r, 2), kd = guarded(p.kd, 7);
            float[] expected = guardedEmpty(len, 1), actual = guardedEmpty(len, 9);

            oracle.globalFilterForward(x, 3, kg, 5, expected, 1, p.n, p.bins, c);
            tested.globalFilterForward(x, 3, kg, 5, actual, 9, p.n, p.bins, c);
            assertGuards("global forward c=" + c, actual, 9, len);
            assertBitIdentical("global forward c=" + c, window(expected, 1, len), window(actual, 9, len));

            oracle.dynamicFilterForward(x, 3, r, 2, kd, 7, expected, 1, p.n, p.bins, p.f, c);
            tested.dynamicFilterForward(x, 3, r, 2, kd, 7, actual, 9, p.n, p.bins, p.f, c);
            assertGuards("dynamic forward c=" + c, actual, 9, len);
            assertBitIdentical("dynamic forward c=" + c, window(expected, 1, len), window(actual, 9, len));
        }
    }

    @Test
    void backwardsMatchTheOracleOverAwkwardChannelCounts() {
        SpectralKernels oracle = BackendPair.oracle().spectral(), tested = BackendPair.underTest().spectral();
        for (int c : Numerics.AWKWARD_SIZES) {
            Problem p = Problem.random(2, 3, 3, c, 2000 + c);
            int len = p.spectrum();
            float[] x = guarded(p.x, 3), kg = guarded(p.kg, 5), r = guarded(p.r, 2), kd = guarded(p.kd, 7), gy = guarded(p.gy, 4);
            // Gradient buffers start non-zero: the kernels must add into them.
            float[] gx0 = randomFloats(len, 3000 + c), gkg0 = randomFloats(p.kg.length, 3001 + c);
            float[] gr0 = randomFloats(p.r.length, 3002 + c), gkd0 = randomFloats(p.kd.length, 3003 + c);

            float[] gxE = guarded(gx0, 1), gkE = guarded(gkg0, 2), gxA = guarded(gx0, 6), gkA = guarded(gkg0, 8);
            oracle.globalFilterBackward(x, 3, kg, 5, gy, 4, gxE, 1, gkE, 2, p.n, p.bins, c);
            tested.globalFilterBackward(x, 3, kg, 5, gy, 4, gxA, 6, gkA, 8, p.n, p.bins, c);
            assertGuards("global gx c=" + c, gxA, 6, len);
            assertGuards("global gk c=" + c, gkA, 8, p.kg.length);
            assertBitIdentical("global gx c=" + c, window(gxE, 1, len), window(gxA, 6, len));
            assertBitIdentical("global gk c=" + c, window(gkE, 2, p.kg.length), window(gkA, 8, p.kg.length));

            gxE = guarded(gx0, 1);
            gxA = guarded(gx0, 6);
            float[] grE = guarded(gr0, 3), gkdE = guarded(gkd0, 2), grA = guarded(gr0, 5), gkdA = guarded(gkd0, 11);
            oracle.dynamicFilterBackward(x, 3, r, 2, kd, 7, gy, 4, gxE, 1, grE, 3, gkdE, 2, p.n, p.bins, p.f, c);
            tested.dynamicFilterBackward(x, 3, r, 2, kd, 7, gy, 4, gxA, 6, grA, 5, gkdA, 11, p.n, p.bins, p.f, c);
            assertGuards("dynamic gx c=" + c, gxA, 6, len);
            assertGuards("dynamic gr c=" + c, grA, 5, p.r.length);
            assertGuards("dynamic gk c=" + c, gkdA, 11, p.kd.length);
            assertBitIdentical("dynamic gx c=" + c, window(gxE, 1, len), window(gxA, 6, len));
            assertBitIdentical("dynamic gr c=" + c, window(grE, 3, p.r.length), window(grA, 5, p.r.length));
            // gk sums over channels, which the vector twin reorders across lanes: equal up to rounding only.
            assertClose("dynamic gk c=" + c, gkdE, 2, gkdA, 11, p.kd.length, SUM_RTOL, SUM_ATOL * Math.sqrt(c));
        }
    }

    // ---- accumulation, in place, skipped buffers ---------------------------------------------------------------

    @Test
    void backwardsAddIntoNonZeroBuffers() {
        SpectralKernels k = BackendPair.underTest().spectral();
        Problem p = Problem.random(2, 4, 3, 21, 55);
        float[] gx0 = randomFloats(p.spectrum(), 56), gr0 = randomFloats(p.r.length, 57);
        float[] gkg0 = randomFloats(p.kg.length, 58), gkd0 = randomFloats(p.kd.length, 59);

        float[] gx = new float[p.spectrum()], gk = new float[p.kg.length];
        k.globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, gx, 0, gk, 0, p.n, p.bins, p.c);
        float[] gxAcc = gx0.clone(), gkAcc = gkg0.clone();
        k.globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, gxAcc, 0, gkAcc, 0, p.n, p.bins, p.c);
        assertClose("global gx accumulates", plus(gx0, gx), gxAcc, SUM_RTOL, SUM_ATOL);
        assertClose("global gk accumulates", plus(gkg0, gk), gkAcc, SUM_RTOL, SUM_ATOL);

        gx = new float[p.spectrum()];
        float[] gr = new float[p.r.length];
        gk = new float[p.kd.length];
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, gx, 0, gr, 0, gk, 0, p.n, p.bins, p.f, p.c);
        gxAcc = gx0.clone();
        float[] grAcc = gr0.clone();
        gkAcc = gkd0.clone();
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, gxAcc, 0, grAcc, 0, gkAcc, 0, p.n, p.bins, p.f, p.c);
        assertClose("dynamic gx accumulates", plus(gx0, gx), gxAcc, SUM_RTOL, SUM_ATOL);
        assertClose("dynamic gr accumulates", plus(gr0, gr), grAcc, SUM_RTOL, SUM_ATOL);
        assertClose("dynamic gk accumulates", plus(gkd0, gk), gkAcc, SUM_RTOL, SUM_ATOL);
    }

    private static float[] plus(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) s[i] = a[i] + b[i];
        return s;
    }

    @Test
    void forwardsRunInPlace() {
        SpectralKernels k = BackendPair.underTest().spectral();
        Problem p = Problem.random(2, 4, 3, 37, 77);
        float[] expected = new float[p.spectrum()];
        k.globalFilterForward(p.x, 0, p.kg, 0, expected, 0, p.n, p.bins, p.c);
        float[] inPlace = guarded(p.x, 4);
        k.globalFilterForward(inPlace, 4, p.kg, 0, inPlace, 4, p.n, p.bins, p.c);
        assertBitIdentical("global in place", expected, window(inPlace, 4, p.spectrum()));

        k.dynamicFilterForward(p.x, 0, p.r, 0, p.kd, 0, expected, 0, p.n, p.bins, p.f, p.c);
        inPlace = guarded(p.x, 4);
        k.dynamicFilterForward(inPlace, 4, p.r, 0, p.kd, 0, inPlace, 4, p.n, p.bins, p.f, p.c);
        assertBitIdentical("dynamic in place", expected, window(inPlace, 4, p.spectrum()));
    }

    @Test
    void nullGradientBuffersAreSkippedWithoutChangingTheOthers() {
        SpectralKernels k = BackendPair.underTest().spectral();
        Problem p = Problem.random(2, 4, 3, 19, 88);
        float[] gx = new float[p.spectrum()], gr = new float[p.r.length], gk = new float[p.kd.length];
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, gx, 0, gr, 0, gk, 0, p.n, p.bins, p.f, p.c);
        float[] only = new float[p.r.length];
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, null, 0, only, 0, null, 0, p.n, p.bins, p.f, p.c);
        assertBitIdentical("dynamic gr alone", gr, only);
        only = new float[p.kd.length];
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, null, 0, null, 0, only, 0, p.n, p.bins, p.f, p.c);
        assertBitIdentical("dynamic gk alone", gk, only);
        only = new float[p.spectrum()];
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, only, 0, null, 0, null, 0, p.n, p.bins, p.f, p.c);
        assertBitIdentical("dynamic gx alone", gx, only);

        float[] ggx = new float[p.spectrum()], ggk = new float[p.kg.length];
        k.globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, ggx, 0, ggk, 0, p.n, p.bins, p.c);
        only = new float[p.kg.length];
        k.globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, null, 0, only, 0, p.n, p.bins, p.c);
        assertBitIdentical("global gk alone", ggk, only);
        only = new float[p.spectrum()];
        k.globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, only, 0, null, 0, p.n, p.bins, p.c);
        assertBitIdentical("global gx alone", ggx, only);
    }

    @Test
    void gradientsSummedOverManyChunksMatchNaiveSums() {
        // Enough bins that gk/gr sums span several chunks (see SpectralKernels.binsPerChunk): their partials must all count.
        Problem p = Problem.random(2, 150, 3, 67, 123);
        int n = p.n, bins = p.bins, f = p.f, c = p.c;
        double[] gr = new double[n * f * c], gkd = new double[bins * f * 2], gkg = new double[bins * 2 * c];
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < bins; j++) {
                int b = (s * bins + j) * 2 * c;
                for (int ch = 0; ch < c; ch++) {
                    double gyr = p.gy[b + ch], gyi = p.gy[b + c + ch], xr = p.x[b + ch], xi = p.x[b + c + ch];
                    double gwr = gyr * xr + gyi * xi, gwi = gyi * xr - gyr * xi;
                    gkg[j * 2 * c + ch] += gwr;
                    gkg[j * 2 * c + c + ch] += gwi;
                    for (int q = 0; q < f; q++) {
                        double r = p.r[(s * f + q) * c + ch];
                        gr[(s * f + q) * c + ch] += gwr * p.kd[(j * f + q) * 2] + gwi * p.kd[(j * f + q) * 2 + 1];
                        gkd[(j * f + q) * 2] += r * gwr;
                        gkd[(j * f + q) * 2 + 1] += r * gwi;
                    }
                }
            }
        }
        for (Backend backend : List.of(BackendPair.oracle(), BackendPair.underTest())) {
            float[] agr = new float[gr.length], agk = new float[gkd.length], agkg = new float[gkg.length];
            backend.spectral().dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, null, 0, agr, 0, agk, 0, n, bins, f, c);
            backend.spectral().globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, null, 0, agkg, 0, n, bins, c);
            // Sums of up to 150·3 terms of size ≤ 2: float rounding of a few 1e-5 at most.
            assertClose(backend.name() + " dynamic gr over chunks", toFloat(gr), agr, 1e-4, 1e-4);
            assertClose(backend.name() + " dynamic gk over chunks", toFloat(gkd), agk, 1e-4, 1e-4);
            assertClose(backend.name() + " global gk over chunks", toFloat(gkg), agkg, 1e-4, 1e-4);
        }
    }

    // ---- determinism -------------------------------------------------------------------------------------------

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        for (Backend backend : List.of(BackendPair.oracle(), BackendPair.underTest())) {
            // Large enough that every kernel cuts its loop into several chunks (see SpectralKernels.binsPerChunk).
            Problem p = Problem.random(2, 150, 3, 67, 99);
            float[][] one = runAll(backend.spectral(), p, 1), two = runAll(backend.spectral(), p, 2);
            String[] names = {"global y", "global gx", "global gk", "dynamic y", "dynamic gx", "dynamic gr", "dynamic gk"};
            for (int i = 0; i < names.length; i++) assertBitIdentical(backend.name() + " " + names[i], one[i], two[i]);
        }
    }

    private static float[][] runAll(SpectralKernels k, Problem p, int threads) {
        Parallel.setThreads(threads);
        float[] gy = new float[p.spectrum()], ggx = new float[p.spectrum()], ggk = new float[p.kg.length];
        float[] dy = new float[p.spectrum()], dgx = new float[p.spectrum()], dgr = new float[p.r.length], dgk = new float[p.kd.length];
        k.globalFilterForward(p.x, 0, p.kg, 0, gy, 0, p.n, p.bins, p.c);
        k.globalFilterBackward(p.x, 0, p.kg, 0, p.gy, 0, ggx, 0, ggk, 0, p.n, p.bins, p.c);
        k.dynamicFilterForward(p.x, 0, p.r, 0, p.kd, 0, dy, 0, p.n, p.bins, p.f, p.c);
        k.dynamicFilterBackward(p.x, 0, p.r, 0, p.kd, 0, p.gy, 0, dgx, 0, dgr, 0, dgk, 0, p.n, p.bins, p.f, p.c);
        return new float[][] {gy, ggx, ggk, dy, dgx, dgr, dgk};
    }
}
