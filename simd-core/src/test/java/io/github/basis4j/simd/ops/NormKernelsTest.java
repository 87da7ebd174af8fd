package io.github.basis4j.simd.ops;

import static io.github.basis4j.simd.ops.KernelTesting.CHANNELS;
import static io.github.basis4j.simd.ops.KernelTesting.GUARD;
import static io.github.basis4j.simd.ops.KernelTesting.added;
import static io.github.basis4j.simd.ops.KernelTesting.assertGuards;
import static io.github.basis4j.simd.ops.KernelTesting.guarded;
import static io.github.basis4j.simd.ops.KernelTesting.guardedEmpty;
import static io.github.basis4j.simd.ops.KernelTesting.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.spi.NormKernels;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Batch norm, layer norm and the Gram penalty: the backend under test against the scalar oracle
 * (batch norm bit for bit, layer norm to rounding), the oracle against naive double loops, every
 * backward against central differences of a naive double forward (batch norm through its batch
 * statistics), running-statistics updates against hand-computed values, 1 vs 2 threads.
 */
class NormKernelsTest {
    private static final NormKernels ORACLE = BackendPair.oracle().norm();
    private static final NormKernels UNDER_TEST = BackendPair.underTest().norm();
    private static final double EPS = 1e-5;
    /** The forwards are smooth; a small step keeps the O(h²) error of central differences far below float. */
    private static final double FD_STEP = 1e-4;
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;
    /** Layer norm reduces along a row lane-parallel in the vector twin: equal to rounding, not bits. */
    private static final double ROW_RTOL = 1e-5, ROW_ATOL = 1e-6;

    // ---- naive double references -------------------------------------------------------------

    /** Per-channel {mean, biased variance} of x [m, c] in double. */
    private static double[][] naiveStats(double[] x, int m, int c) {
        double[] mu = new double[c], var = new double[c];
        for (int i = 0; i < m; i++) for (int ch = 0; ch < c; ch++) mu[ch] += x[i * c + ch] / m;
        for (int i = 0; i < m; i++) for (int ch = 0; ch < c; ch++) var[ch] += Math.pow(x[i * c + ch] - mu[ch], 2) / m;
        return new double[][] {mu, var};
    }

    /** Batch norm with the given statistics (null: the batch statistics of x); w, b null = 1, 0. */
    private static double[] naiveBatchNorm(double[] x, int m, int c, double[] mu, double[] var, double[] w, double[] b) {
        if (mu == null) {
            double[][] s = naiveStats(x, m, c);
            mu = s[0];
            var = s[1];
        }
        double[] y = new double[m * c];
        for (int i = 0; i < m; i++) for (int ch = 0; ch < c; ch++) {
            y[i * c + ch] = (x[i * c + ch] - mu[ch]) / Math.sqrt(var[ch] + EPS) * (w == null ? 1 : w[ch]) + (b == null ? 0 : b[ch]);
        }
        return y;
    }

    private static double[] naiveLayerNorm(double[] x, int m, int c, double eps, double[] w, double[] b) {
        double[] y = new double[m * c];
        for (int i = 0; i < m; i++) {
            double mu = 0, var = 0;
            for (int ch = 0; ch < c; ch++) mu += x[i * c + ch] / c;
            for (int ch = 0; ch < c; ch++) var += Math.pow(x[i * c + ch] - mu, 2) / c;
            for (int ch = 0; ch < c; ch++) {
                y[i * c + ch] = (x[i * c + ch] - mu) / Math.sqrt(var + eps) * (w == null ? 1 : w[ch]) + (b == null ? 0 : b[ch]);
            }
        }
        return y;
    }

    private static double naiveGramPenalty(double[] bm, int r, int d, double[] mask) {
        double s = 0;
        for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) {
            double g = 0;
            for (int k = 0; k < d; k++) g += bm[i * d + k] * bm[j * d + k];
            s += (mask == null ? 1 : mask[i * r + j]) * Math.pow(g - (i == j ? 1 : 0), 2);
        }
        return s;
    }

    private static double[] part(double[] a, int from, int n) {
        return Arrays.copyOfRange(a, from, from + n);
    }

    private static double[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        double[] d = new double[n];
        int o = 0;
        for (float[] p : parts) for (float v : p) d[o++] = v;
        return d;
    }

    private static void assertCloseToDouble(String what, double[] expected, float[] actual, int off, double rtol, double atol) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[off + i]) <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + ", got " + actual[off + i]);
            }
        }
    }

    // ---- parity --------------------------------------------------------------------------------

    @Test
    void batchNormMatchesTheOracleBitForBitOverAwkwardChannels() {
        for (int c : CHANNELS) {
            for (int m : new int[] {1, 7, 1000}) {
                String at = "c=" + c + " m=" + m;
                float[] x = guarded(m * c, 101 + c), dy = guarded(m * c, 102 + c);
                float[] w = guarded(c, 103 + c), b = guarded(c, 104 + c);
                float[][] mean = {guardedEmpty(c), guardedEmpty(c)}, var = {guardedEmpty(c), guardedEmpty(c)};
                float[][] y = {guardedEmpty(m * c), guardedEmpty(m * c)};
                float[] dx0 = guarded(m * c, 105 + c), dw0 = guarded(c, 106 + c), db0 = guarded(c, 107 + c);
                float[][] dx = {dx0.clone(), dx0.clone()}, dw = {dw0.clone(), dw0.clone()}, db = {db0.clone(), db0.clone()};
                float[][] dxe = {dx0.clone(), dx0.clone()}, dwe = {dw0.clone(), dw0.clone()}, dbe = {db0.clone(), db0.clone()};
                // In place: dy's copy becomes dx; from zeros, the accumulating kernel gives the same values.
                float[][] dyi = {dy.clone(), dy.clone()}, dwi = {dw0.clone(), dw0.clone()}, dbi = {db0.clone(), db0.clone()};
                float[][] dxz = {guardedEmpty(m * c), guardedEmpty(m * c)};
                for (float[] z : dxz) Arrays.fill(z, GUARD, GUARD + m * c, 0f);
                NormKernels[] ks = {ORACLE, UNDER_TEST};
                for (int s = 0; s < 2; s++) {
                    NormKernels k = ks[s];
                    k.batchNormStatistics(x, GUARD, m, c, mean[s], GUARD, var[s], GUARD);
                    k.batchNormForward(x, GUARD, m, c, mean[s], GUARD, var[s], GUARD, EPS, w, GUARD, b, GUARD, y[s], GUARD);
                    k.batchNormBackward(dy, GUARD, x, GUARD, m, c, mean[s], GUARD, var[s], GUARD, EPS, w, GUARD,
                            dx[s], GUARD, dw[s], GUARD, db[s], GUARD);
                    k.batchNormBackwardEval(dy, GUARD, x, GUARD, m, c, mean[s], GUARD, var[s], GUARD, EPS, w, GUARD,
                            dxe[s], GUARD, dwe[s], GUARD, dbe[s], GUARD);
                    k.batchNormBackwardInPlace(dyi[s], GUARD, x, GUARD, m, c, mean[s], GUARD, var[s], GUARD, EPS, w, GUARD,
                            dwi[s], GUARD, dbi[s], GUARD);
                    k.batchNormBackward(dy, GUARD, x, GUARD, m, c, mean[s], GUARD, var[s], GUARD, EPS, w, GUARD,
                            dxz[s], GUARD, null, 0, null, 0);
                    Numerics.assertClose("batchNormBackwardInPlace dx from zeros " + at, dxz[s], dyi[s], 0, 0);
                }
                Numerics.assertBitIdentical("batchNormBackwardInPlace dx " + at, dyi[0], dyi[1]);
                Numerics.assertBitIdentical("batchNormBackwardInPlace dweight " + at, dwi[0], dwi[1]);
                Numerics.assertBitIdentical("batchNormBackwardInPlace dbias " + at, dbi[0], dbi[1]);
                Numerics.assertBitIdentical("batchNormBackwardInPlace dweight as accumulating " + at, dw[1], dwi[1]);
                Numerics.assertBitIdentical("batchNormBackwardInPlace dbias as accumulating " + at, db[1], dbi[1]);
                Numerics.assertBitIdentical("batchNormStatistics mean " + at, mean[0], mean[1]);
                Numerics.assertBitIdentical("batchNormStatistics variance " + at, var[0], var[1]);
                Numerics.assertBitIdentical("batchNormForward " + at, y[0], y[1]);
                Numerics.assertBitIdentical("batchNormBackward dx " + at, dx[0], dx[1]);
                Numerics.assertBitIdentical("batchNormBackward dweight " + at, dw[0], dw[1]);
                Numerics.assertBitIdentical("batchNormBackward dbias " + at, db[0], db[1]);
                Numerics.assertBitIdentical("batchNormBackwardEval dx " + at, dxe[0], dxe[1]);
                Numerics.assertBitIdentical("batchNormBackwardEval dweight " + at, dwe[0], dwe[1]);
                Numerics.assertBitIdentical("batchNormBackwardEval dbias " + at, dbe[0], dbe[1]);
                for (float[] a : new float[][] {mean[1], var[1], y[1], dx[1], dw[1], db[1], dxe[1], dwe[1], dbe[1], dyi[1], dwi[1], dbi[1]}) {
                    assertGuards("batch norm " + at, a);
                }
            }
        }
    }

    @Test
    void layerNormMatchesTheOracleOverAwkwardChannels() {
        for (int c : CHANNELS) {
            for (boolean affine : new boolean[] {true, false}) {
                int m = 37;
                String at = "c=" + c + " affine=" + affine;
                float[] x = guarded(m * c, 111 + c), dy = guarded(m * c, 112 + c);
                float[] w = affine ? guarded(c, 113 + c) : null, b = affine ? guarded(c, 114 + c) : null;
                float[][] y = {guardedEmpty(m * c), guardedEmpty(m * c)};
                float[][] mean = {guardedEmpty(m), guardedEmpty(m)}, rstd = {guardedEmpty(m), guardedEmpty(m)};
                float[] dx0 = guarded(m * c, 115 + c), dw0 = guarded(c, 116 + c), db0 = guarded(c, 117 + c);
                float[][] dx = {dx0.clone(), dx0.clone()}, dw = {dw0.clone(), dw0.clone()}, db = {db0.clone(), db0.clone()};
                NormKernels[] ks = {ORACLE, UNDER_TEST};
                for (int s = 0; s < 2; s++) {
                    ks[s].layerNormForward(x, GUARD, m, c, 1e-6, w, GUARD, b, GUARD, y[s], GUARD, mean[s], GUARD, rstd[s], GUARD);
                    // Both backwards start from the oracle's saved statistics, so only the backward differs.
                    ks[s].layerNormBackward(dy, GUARD, x, GUARD, m, c, w, GUARD, mean[0], GUARD, rstd[0], GUARD,
                            dx[s], GUARD, dw[s], GUARD, db[s], GUARD);
                }
                Numerics.assertClose("layerNormForward y " + at, y[0], y[1], ROW_RTOL, ROW_ATOL);
                Numerics.assertClose("layerNormForward mean " + at, mean[0], mean[1], ROW_RTOL, ROW_ATOL);
                Numerics.assertClose("layerNormForward rstd " + at, rstd[0], rstd[1], ROW_RTOL, ROW_ATOL);
                Numerics.assertClose("layerNormBackward dx " + at, dx[0], dx[1], ROW_RTOL, ROW_ATOL);
                Numerics.assertBitIdentical("layerNormBackward dweight " + at, dw[0], dw[1]);
                Numerics.assertBitIdentical("layerNormBackward dbias " + at, db[0], db[1]);
                for (float[] a : new float[][] {y[1], mean[1], rstd[1], dx[1], dw[1], db[1]}) assertGuards("layer norm " + at, a);
            }
        }
    }

    // ---- oracle vs naive double ----------------------------------------------------------------

    @Test
    void statisticsAndForwardsMatchNaiveDoubleLoops() {
        for (int c : new int[] {1, 5, 33}) {
            int m = 300;
            float[] x = Numerics.randomFloats(m * c, 121 + c), w = Numerics.randomFloats(c, 122), b = Numerics.randomFloats(c, 123);
            double[] xd = Numerics.toDouble(x);
            double[][] st = naiveStats(xd, m, c);
            for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
                float[] mean = new float[c], var = new float[c], y = new float[m * c];
                k.batchNormStatistics(x, 0, m, c, mean, 0, var, 0);
                assertCloseToDouble("batch mean c=" + c, st[0], mean, 0, 1e-6, 1e-7);
                assertCloseToDouble("batch variance c=" + c, st[1], var, 0, 1e-6, 1e-7);
                k.batchNormForward(x, 0, m, c, mean, 0, var, 0, EPS, w, 0, b, 0, y, 0);
                assertCloseToDouble("batchNormForward c=" + c,
                        naiveBatchNorm(xd, m, c, null, null, Numerics.toDouble(w), Numerics.toDouble(b)), y, 0, 1e-5, 1e-5);
                float[] lm = new float[m], lr = new float[m];
                k.layerNormForward(x, 0, m, c, 1e-6, w, 0, null, 0, y, 0, lm, 0, lr, 0);
                assertCloseToDouble("layerNormForward c=" + c, naiveLayerNorm(xd, m, c, 1e-6, Numerics.toDouble(w), null), y, 0,
                        1e-5, c == 1 ? 1e-3 : 1e-5);
            }
        }
    }

    @Test
    void batchStatisticsStayAccurateFarFromZero() {
        // A large mean with a small spread: Σx² − m·μ² would lose every digit of the variance in float.
        int m = 4000, c = 17;
        float[] x = Numerics.randomFloats(m * c, 131);
        for (int i = 0; i < x.length; i++) x[i] = 1000f + 0.01f * x[i];
        double[][] st = naiveStats(Numerics.toDouble(x), m, c);
        for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
            float[] mean = new float[c], var = new float[c];
            k.batchNormStatistics(x, 0, m, c, mean, 0, var, 0);
            assertCloseToDouble("variance around 1000", st[1], var, 0, 1e-6, 0);
        }
    }

    @Test
    void runningStatisticsFollowPyTorchsUpdate() {
        // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25, unbiased 5/3); channel 1 holds
        // −2, 0, 2, 4 (mean 1, biased 5, unbiased 20/3). Momentum 0.1 from running (0.5, −1) and (1, 2):
        // mean 0.9·0.5 + 0.1·2.5 = 0.7 and 0.9·(−1) + 0.1·1 = −0.8; variance 0.9·1 + 0.1·5/3 = 16/15 and
        // 0.9·2 + 0.1·20/3 = 37/15.
        float[] x = {1, -2, 2, 0, 3, 2, 4, 4};
        for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
            float[] mean = new float[2], var = new float[2];
            float[] rm = {0.5f, -1f}, rv = {1f, 2f};
            k.batchNormStatistics(x, 0, 4, 2, mean, 0, var, 0);
            assertThat(mean).containsExactly(2.5f, 1f);
            assertThat(var).containsExactly(1.25f, 5f);
            k.batchNormUpdateRunning(mean, 0, var, 0, 2, 4, 0.1, rm, 0, rv, 0);
            assertThat(rm).containsExactly((float) 0.7, (float) -0.8);
            assertThat(rv).containsExactly((float) (16.0 / 15), (float) (37.0 / 15));
        }
    }

    // ---- backwards vs central differences --------------------------------------------------------

    @Test
    void trainingBatchNormBackwardMatchesFiniteDifferencesThroughTheBatchStatistics() {
        int m = 12, c = 5;
        float[] x = Numerics.randomFloats(m * c, 141), w = Numerics.randomFloats(c, 142), b = Numerics.randomFloats(c, 143);
        double[] wts = Numerics.toDouble(Numerics.randomFloats(m * c, 144));
        // Parameters in one vector: x, weight, bias; the loss recomputes the batch statistics from x.
        double[] numeric = Numerics.numericGradient(p -> KernelTesting.dot(wts,
                naiveBatchNorm(part(p, 0, m * c), m, c, null, null, part(p, m * c, c), part(p, m * c + c, c))), concat(x, w, b), FD_STEP);
        float[] dy = new float[m * c];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) wts[i];
        for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
            float[] mean = new float[c], var = new float[c];
            k.batchNormStatistics(x, 0, m, c, mean, 0, var, 0);
            float[] dx0 = Numerics.randomFloats(m * c, 145), dw0 = Numerics.randomFloats(c, 146), db0 = Numerics.randomFloats(c, 147);
            float[] dx = dx0.clone(), dw = dw0.clone(), db = db0.clone();
            k.batchNormBackward(dy, 0, x, 0, m, c, mean, 0, var, 0, EPS, w, 0, dx, 0, dw, 0, db, 0);
            Numerics.assertGradient("batchNormBackward dx", part(numeric, 0, m * c), added(dx, dx0, 0, m * c), 0, FD_RTOL, FD_ATOL);
            Numerics.assertGradient("batchNormBackward dweight", part(numeric, m * c, c), added(dw, dw0, 0, c), 0, FD_RTOL, FD_ATOL);
            Numerics.assertGradient("batchNormBackward dbias", part(numeric, m * c + c, c), added(db, db0, 0, c), 0, FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void evalBatchNormBackwardMatchesFiniteDifferencesWithConstantStatistics() {
        int m = 10, c = 7;
        float[] x = Numerics.randomFloats(m * c, 151), w = Numerics.randomFloats(c, 152), b = Numerics.randomFloats(c, 153);
        float[] rm = Numerics.randomFloats(c, 154), rv = Numerics.randomFloats(c, 155);
        for (int i = 0; i < c; i++) rv[i] = 0.5f + Math.abs(rv[i]);
        double[] wts = Numerics.toDouble(Numerics.randomFloats(m * c, 156));
        double[] rmd = Numerics.toDouble(rm), rvd = Numerics.toDouble(rv);
        double[] numeric = Numerics.numericGradient(p -> KernelTesting.dot(wts,
                naiveBatchNorm(part(p, 0, m * c), m, c, rmd, rvd, part(p, m * c, c), part(p, m * c + c, c))), concat(x, w, b), FD_STEP);
        float[] dy = new float[m * c];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) wts[i];
        for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
            float[] dx0 = Numerics.randomFloats(m * c, 157), dw0 = Numerics.randomFloats(c, 158), db0 = Numerics.randomFloats(c, 159);
            float[] dx = dx0.clone(), dw = dw0.clone(), db = db0.clone();
            k.batchNormBackwardEval(dy, 0, x, 0, m, c, rm, 0, rv, 0, EPS, w, 0, dx, 0, dw, 0, db, 0);
            Numerics.assertGradient("batchNormBackwardEval dx", part(numeric, 0, m * c), added(dx, dx0, 0, m * c), 0, FD_RTOL, FD_ATOL);
            Numerics.assertGradient("batchNormBackwardEval dweight", part(numeric, m * c, c), added(dw, dw0, 0, c), 0, FD_RTOL, FD_ATOL);
            Numerics.assertGradient("batchNormBackwardEval dbias", part(numeric, m * c + c, c), added(db, db0, 0, c), 0, FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void layerNormBackwardMatchesFiniteDifferencesWithAndWithoutBias() {
        int m = 6, c = 19;
        double eps = 1e-6;
        float[] x = Numerics.randomFloats(m * c, 161), w = Numerics.randomFloats(c, 162), b = Numerics.randomFloats(c, 163);
        double[] wts = Numerics.toDouble(Numerics.randomFloats(m * c, 164));
        float[] dy = new float[m * c];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) wts[i];
        for (boolean withBias : new boolean[] {true, false}) {
            double[] numeric = Numerics.numericGradient(p -> KernelTesting.dot(wts, naiveLayerNorm(part(p, 0, m * c), m, c, eps,
                    part(p, m * c, c), withBias ? part(p, m * c + c, c) : null)), concat(x, w, b), FD_STEP);
            for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
                float[] y = new float[m * c], mean = new float[m], rstd = new float[m];
                k.layerNormForward(x, 0, m, c, eps, w, 0, withBias ? b : null, 0, y, 0, mean, 0, rstd, 0);
                float[] dx0 = Numerics.randomFloats(m * c, 165), dw0 = Numerics.randomFloats(c, 166), db0 = Numerics.randomFloats(c, 167);
                float[] dx = dx0.clone(), dw = dw0.clone(), db = db0.clone();
                k.layerNormBackward(dy, 0, x, 0, m, c, w, 0, mean, 0, rstd, 0, dx, 0, dw, 0, withBias ? db : null, 0);
                String at = " bias=" + withBias;
                Numerics.assertGradient("layerNormBackward dx" + at, part(numeric, 0, m * c), added(dx, dx0, 0, m * c), 0, FD_RTOL, FD_ATOL);
                Numerics.assertGradient("layerNormBackward dweight" + at, part(numeric, m * c, c), added(dw, dw0, 0, c), 0, FD_RTOL, FD_ATOL);
                if (withBias) {
                    Numerics.assertGradient("layerNormBackward dbias", part(numeric, m * c + c, c), added(db, db0, 0, c), 0, FD_RTOL, FD_ATOL);
                } else {
                    assertThat(db).as("a null dbias leaves other buffers alone").containsExactly(db0);
                }
            }
        }
    }

    // ---- Gram penalty ----------------------------------------------------------------------------

    @Test
    void gramPenaltyAndGradientMatchNaiveDoubleAndFiniteDifferences() {
        int r = 7, d = 13;
        float[] bm = Numerics.randomFloats(r * d, 171);
        for (int i = 0; i < bm.length; i++) bm[i] *= 0.5f;
        float[] asym = Numerics.randomFloats(r * r, 172);
        float[] dsfb = NormStats.dsfbGramMask(3, 2, 2).toArray();
        float scale = 0.37f;
        for (float[] mask : new float[][] {null, dsfb, asym}) {
            String at = mask == null ? "all ones" : mask == dsfb ? "DSFB mask" : "asymmetric mask";
            double[] md = mask == null ? null : Numerics.toDouble(mask);
            double expected = naiveGramPenalty(Numerics.toDouble(bm), r, d, md);
            double[] numeric = Numerics.numericGradient(p -> scale * naiveGramPenalty(p, r, d, md), Numerics.toDouble(bm), FD_STEP);
            for (NormKernels k : new NormKernels[] {ORACLE, UNDER_TEST}) {
                float[] g = guardedEmpty(r * r);
                double value = k.gramPenaltyForward(bm, 0, r, d, mask, 0, g, GUARD);
                assertThat(value).as("gram penalty " + at).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5 * (1 + expected)));
                assertGuards("gram g " + at, g);
                float[] g0 = g.clone();
                float[] db0 = guarded(r * d, 173), db = db0.clone(), work = guardedEmpty(r * r);
                k.gramPenaltyBackward(bm, 0, r, d, mask, 0, g, GUARD, scale, work, GUARD, db, GUARD);
                Numerics.assertGradient("gramPenaltyBackward " + at, numeric, added(db, db0, GUARD, r * d), 0, FD_RTOL, FD_ATOL);
                Numerics.assertBitIdentical("g is left as it was " + at, g0, g);
                assertGuards("gram db " + at, db);
                assertGuards("gram work " + at, work);
            }
        }
    }

    @Test
    void gramPenaltyWithoutMaskIsFourTimesGMinusITimesB() {
        int r = 4, d = 9;
        float[] bm = Numerics.randomFloats(r * d, 181);
        float[] g = new float[r * r], work = new float[r * r], db = new float[r * d];
        UNDER_TEST.gramPenaltyForward(bm, 0, r, d, null, 0, g, 0);
        UNDER_TEST.gramPenaltyBackward(bm, 0, r, d, null, 0, g, 0, 1f, work, 0, db, 0);
        double[] expected = new double[r * d];
        for (int i = 0; i < r; i++) for (int k = 0; k < d; k++) for (int j = 0; j < r; j++) {
            expected[i * d + k] += 4 * (g[i * r + j] - (i == j ? 1 : 0)) * bm[j * d + k];
        }
        assertCloseToDouble("4·(G − I)·B", expected, db, 0, 1e-5, 1e-6);
    }

    // ---- determinism -------------------------------------------------------------------------------

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int m = 2000, c = 33, r = 40, d = 150;
        float[] x = Numerics.randomFloats(m * c, 191), dy = Numerics.randomFloats(m * c, 192), w = Numerics.randomFloats(c, 193);
        float[] bm = Numerics.randomFloats(r * d, 194);
        float[][] runs = KernelTesting.withOneAndTwoThreads(() -> {
            float[] mean = new float[c], var = new float[c], y = new float[m * c], dx = new float[m * c];
            float[] dw = new float[c], db = new float[c];
            UNDER_TEST.batchNormStatistics(x, 0, m, c, mean, 0, var, 0);
            UNDER_TEST.batchNormForward(x, 0, m, c, mean, 0, var, 0, EPS, w, 0, null, 0, y, 0);
            UNDER_TEST.batchNormBackward(dy, 0, x, 0, m, c, mean, 0, var, 0, EPS, w, 0, dx, 0, dw, 0, db, 0);
            UNDER_TEST.batchNormBackwardEval(dy, 0, x, 0, m, c, mean, 0, var, 0, EPS, w, 0, dx, 0, dw, 0, db, 0);
            float[] ly = new float[m * c], lm = new float[m], lr = new float[m];
            UNDER_TEST.layerNormForward(x, 0, m, c, 1e-6, w, 0, null, 0, ly, 0, lm, 0, lr, 0);
            UNDER_TEST.layerNormBackward(dy, 0, x, 0, m, c, w, 0, lm, 0, lr, 0, dx, 0, dw, 0, db, 0);
            float[] g = new float[r * r], work = new float[r * r], gdb = new float[r * d];
            float value = (float) UNDER_TEST.gramPenaltyForward(bm, 0, r, d, null, 0, g, 0);
            UNDER_TEST.gramPenaltyBackward(bm, 0, r, d, null, 0, g, 0, 1f, work, 0, gdb, 0);
            float[][] parts = {mean, var, y, dx, dw, db, ly, lm, lr, g, gdb, {value}};
            int n = 0;
            for (float[] p : parts) n += p.length;
            float[] all = new float[n];
            int o = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, all, o, p.length);
                o += p.length;
            }
            return all;
        }, new float[2][]);
        Numerics.assertBitIdentical("norm kernels, 1 vs 2 threads", runs[0], runs[1]);
    }

    @Test
    void layerNormMayWorkInPlaceAndHonoursOffsets() {
        int m = 9, c = 21;
        float[] x = guarded(m * c, 201);
        float[] y = new float[m * c], mean = new float[m], rstd = new float[m];
        UNDER_TEST.layerNormForward(slice(x, GUARD, m * c), 0, m, c, 1e-6, null, 0, null, 0, y, 0, mean, 0, rstd, 0);
        UNDER_TEST.layerNormForward(x, GUARD, m, c, 1e-6, null, 0, null, 0, x, GUARD, mean, 0, rstd, 0);
        Numerics.assertBitIdentical("in-place layer norm", y, slice(x, GUARD, m * c));
        assertGuards("in-place layer norm", x);
    }
}
