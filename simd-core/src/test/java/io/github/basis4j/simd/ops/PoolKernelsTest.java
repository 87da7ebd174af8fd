package io.github.basis4j.simd.ops;

import static io.github.basis4j.simd.ops.KernelTesting.CHANNELS;
import static io.github.basis4j.simd.ops.KernelTesting.GUARD;
import static io.github.basis4j.simd.ops.KernelTesting.added;
import static io.github.basis4j.simd.ops.KernelTesting.assertGuards;
import static io.github.basis4j.simd.ops.KernelTesting.distinct;
import static io.github.basis4j.simd.ops.KernelTesting.dot;
import static io.github.basis4j.simd.ops.KernelTesting.guarded;
import static io.github.basis4j.simd.ops.KernelTesting.guardedEmpty;
import static io.github.basis4j.simd.ops.KernelTesting.slice;
import static io.github.basis4j.simd.ops.KernelTesting.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.spi.PoolGeometry;
import io.github.basis4j.simd.spi.PoolKernels;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Pooling and padding kernels: the backend under test against the scalar oracle (bit for bit, guards
 * untouched), the oracle against naive double loops, every backward against central differences of a
 * naive double forward, accumulation into non-zero buffers, and 1 vs 2 threads.
 */
class PoolKernelsTest {
    private static final PoolKernels ORACLE = BackendPair.oracle().pool();
    private static final PoolKernels UNDER_TEST = BackendPair.underTest().pool();
    /** Pooled outputs are linear in their inputs, so central differences are exact up to rounding. */
    private static final double FD_STEP = 1e-3;
    private static final double FD_RTOL = 1e-3, FD_ATOL = 1e-4;

    /** {h, w, kernelH, kernelW, strideH, strideW, padH, padW}: padded, strided, overlapping, degenerate. */
    private static final int[][] WINDOWS = {
            {7, 9, 3, 3, 2, 2, 1, 1}, {5, 5, 2, 2, 2, 2, 0, 0}, {6, 4, 3, 2, 1, 2, 1, 1}, {1, 1, 1, 1, 1, 1, 0, 0},
            {5, 7, 5, 3, 3, 1, 2, 1}};

    private static PoolGeometry geometry(int n, int c, int[] win) {
        return new PoolGeometry(n, win[0], win[1], c, win[2], win[3], win[4], win[5], win[6], win[7],
                Pooling.outputSize(win[0], win[2], win[4], win[6]), Pooling.outputSize(win[1], win[3], win[5], win[7]));
    }

    // ---- naive double references -------------------------------------------------------------

    private static double[] naiveMaxPool(double[] x, PoolGeometry g, int[] idx) {
        double[] y = new double[g.outputSize()];
        for (int b = 0; b < g.n(); b++) for (int oy = 0; oy < g.outH(); oy++) for (int ox = 0; ox < g.outW(); ox++) {
            for (int ch = 0; ch < g.c(); ch++) {
                double best = Double.NEGATIVE_INFINITY;
                int arg = -1;
                for (int i = 0; i < g.kernelH(); i++) for (int j = 0; j < g.kernelW(); j++) {
                    int ih = oy * g.strideH() - g.padH() + i, iw = ox * g.strideW() - g.padW() + j;
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                    double v = x[((b * g.h() + ih) * g.w() + iw) * g.c() + ch];
                    if (arg < 0 || v > best) {
                        best = v;
                        arg = ih * g.w() + iw;
                    }
                }
                int o = ((b * g.outH() + oy) * g.outW() + ox) * g.c() + ch;
                y[o] = best;
                if (idx != null) idx[o] = arg;
            }
        }
        return y;
    }

    private static double[] naiveAvgPool(double[] x, PoolGeometry g, boolean includePad) {
        double[] y = new double[g.outputSize()];
        for (int b = 0; b < g.n(); b++) for (int oy = 0; oy < g.outH(); oy++) for (int ox = 0; ox < g.outW(); ox++) {
            for (int ch = 0; ch < g.c(); ch++) {
                double s = 0;
                int real = 0, padded = 0;
                for (int i = 0; i < g.kernelH(); i++) for (int j = 0; j < g.kernelW(); j++) {
                    int ih = oy * g.strideH() - g.padH() + i, iw = ox * g.strideW() - g.padW() + j;
                    if (ih < g.h() + g.padH() && iw < g.w() + g.padW()) padded++;
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                    s += x[((b * g.h() + ih) * g.w() + iw) * g.c() + ch];
                    real++;
                }
                y[((b * g.outH() + oy) * g.outW() + ox) * g.c() + ch] = s / (includePad ? padded : real);
            }
        }
        return y;
    }

    private static double[] naiveAdaptive(double[] x, int n, int h, int w, int c, int oh, int ow) {
        double[] y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++) for (int oy = 0; oy < oh; oy++) for (int ox = 0; ox < ow; ox++) {
            int h0 = (int) Math.floor((double) oy * h / oh), h1 = (int) Math.ceil((double) (oy + 1) * h / oh);
            int w0 = (int) Math.floor((double) ox * w / ow), w1 = (int) Math.ceil((double) (ox + 1) * w / ow);
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int ih = h0; ih < h1; ih++) for (int iw = w0; iw < w1; iw++) s += x[((b * h + ih) * w + iw) * c + ch];
                y[((b * oh + oy) * ow + ox) * c + ch] = s / ((h1 - h0) * (w1 - w0));
            }
        }
        return y;
    }

    private static double[] naivePad(double[] x, int n, int h, int w, int c, int t, int bo, int l, int r) {
        int oh = t + h + bo, ow = l + w + r;
        double[] y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) for (int ch = 0; ch < c; ch++) {
            y[((b * oh + i + t) * ow + j + l) * c + ch] = x[((b * h + i) * w + j) * c + ch];
        }
        return y;
    }

    private static double[] naiveSubsamplePad(double[] x, int n, int h, int w, int c, int sh, int sw, int before, int after) {
        int oh = (h + sh - 1) / sh, ow = (w + sw - 1) / sw, oc = before + c + after;
        double[] y = new double[n * oh * ow * oc];
        for (int b = 0; b < n; b++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int ch = 0; ch < c; ch++) {
            y[((b * oh + i) * ow + j) * oc + before + ch] = x[((b * h + i * sh) * w + j * sw) * c + ch];
        }
        return y;
    }

    // ---- parity: backend under test vs scalar oracle, bit for bit, with guards ------------------

    @Test
    void maxAndAvgPoolingMatchTheOracleBitForBitOverAwkwardChannels() {
        for (int c : CHANNELS) {
            for (int[] win : WINDOWS) {
                PoolGeometry g = geometry(2, c, win);
                String at = "c=" + c + " window=" + Arrays.toString(win);
                float[] x = guarded(g.inputSize(), 11 + c);
                float[] yo = guardedEmpty(g.outputSize()), yu = guardedEmpty(g.outputSize());
                int[] ao = new int[g.outputSize() + 2 * GUARD], au = new int[g.outputSize() + 2 * GUARD];
                ORACLE.maxPool2dForward(x, GUARD, g, yo, GUARD, ao, GUARD);
                UNDER_TEST.maxPool2dForward(x, GUARD, g, yu, GUARD, au, GUARD);
                Numerics.assertBitIdentical("maxPool2d y " + at, yo, yu);
                assertThat(au).as("maxPool2d argmax " + at).isEqualTo(ao);
                assertGuards("maxPool2d " + at, yu);

                float[] dy = guarded(g.outputSize(), 12 + c);
                float[] dxo = guarded(g.inputSize(), 13 + c), dxu = dxo.clone();
                ORACLE.maxPool2dBackward(dy, GUARD, ao, GUARD, g, dxo, GUARD);
                UNDER_TEST.maxPool2dBackward(dy, GUARD, au, GUARD, g, dxu, GUARD);
                Numerics.assertBitIdentical("maxPool2dBackward " + at, dxo, dxu);
                assertGuards("maxPool2dBackward " + at, dxu);

                for (boolean include : new boolean[] {true, false}) {
                    String at2 = at + " countIncludePad=" + include;
                    yo = guardedEmpty(g.outputSize());
                    yu = guardedEmpty(g.outputSize());
                    ORACLE.avgPool2dForward(x, GUARD, g, include, yo, GUARD);
                    UNDER_TEST.avgPool2dForward(x, GUARD, g, include, yu, GUARD);
                    Numerics.assertBitIdentical("avgPool2d " + at2, yo, yu);
                    assertGuards("avgPool2d " + at2, yu);
                    dxo = guarded(g.inputSize(), 14 + c);
                    dxu = dxo.clone();
                    ORACLE.avgPool2dBackward(dy, GUARD, g, include, dxo, GUARD);
                    UNDER_TEST.avgPool2dBackward(dy, GUARD, g, include, dxu, GUARD);
                    Numerics.assertBitIdentical("avgPool2dBackward " + at2, dxo, dxu);
                    assertGuards("avgPool2dBackward " + at2, dxu);
                }
            }
        }
    }

    @Test
    void adaptiveGlobalAndPaddingKernelsMatchTheOracleBitForBit() {
        int[][] sizes = {{7, 5, 3, 2}, {4, 4, 4, 4}, {5, 9, 2, 4}, {3, 3, 5, 4}, {1, 1, 1, 1}};
        for (int c : CHANNELS) {
            for (int[] s : sizes) {
                int n = 2, h = s[0], w = s[1], oh = s[2], ow = s[3], in = n * h * w * c, out = n * oh * ow * c;
                String at = "c=" + c + " " + Arrays.toString(s);
                float[] x = guarded(in, 21 + c), dy = guarded(out, 22 + c);
                float[] yo = guardedEmpty(out), yu = guardedEmpty(out);
                ORACLE.adaptiveAvgPool2dForward(x, GUARD, n, h, w, c, oh, ow, yo, GUARD);
                UNDER_TEST.adaptiveAvgPool2dForward(x, GUARD, n, h, w, c, oh, ow, yu, GUARD);
                Numerics.assertBitIdentical("adaptiveAvgPool2d " + at, yo, yu);
                assertGuards("adaptiveAvgPool2d " + at, yu);
                float[] dxo = guarded(in, 23 + c), dxu = dxo.clone();
                ORACLE.adaptiveAvgPool2dBackward(dy, GUARD, n, h, w, c, oh, ow, dxo, GUARD);
                UNDER_TEST.adaptiveAvgPool2dBackward(dy, GUARD, n, h, w, c, oh, ow, dxu, GUARD);
                Numerics.assertBitIdentical("adaptiveAvgPool2dBackward " + at, dxo, dxu);

                yo = guardedEmpty(n * c);
                yu = guardedEmpty(n * c);
                ORACLE.globalMeanForward(x, GUARD, n, h, w, c, yo, GUARD);
                UNDER_TEST.globalMeanForward(x, GUARD, n, h, w, c, yu, GUARD);
                Numerics.assertBitIdentical("globalMean " + at, yo, yu);
                assertGuards("globalMean " + at, yu);
                float[] gdy = guarded(n * c, 24 + c);
                dxo = guarded(in, 25 + c);
                dxu = dxo.clone();
                ORACLE.globalMeanBackward(gdy, GUARD, n, h, w, c, dxo, GUARD);
                UNDER_TEST.globalMeanBackward(gdy, GUARD, n, h, w, c, dxu, GUARD);
                Numerics.assertBitIdentical("globalMeanBackward " + at, dxo, dxu);

                int t = 1, b = 2, l = 0, r = 3, padded = n * (h + t + b) * (w + l + r) * c;
                yo = guardedEmpty(padded);
                yu = guardedEmpty(padded);
                ORACLE.pad2dForward(x, GUARD, n, h, w, c, t, b, l, r, yo, GUARD);
                UNDER_TEST.pad2dForward(x, GUARD, n, h, w, c, t, b, l, r, yu, GUARD);
                Numerics.assertBitIdentical("pad2d " + at, yo, yu);
                assertGuards("pad2d " + at, yu);
                float[] pdy = guarded(padded, 26 + c);
                dxo = guarded(in, 27 + c);
                dxu = dxo.clone();
                ORACLE.pad2dBackward(pdy, GUARD, n, h, w, c, t, b, l, r, dxo, GUARD);
                UNDER_TEST.pad2dBackward(pdy, GUARD, n, h, w, c, t, b, l, r, dxu, GUARD);
                Numerics.assertBitIdentical("pad2dBackward " + at, dxo, dxu);
                assertGuards("pad2dBackward " + at, dxu);

                int sh = 2, sw = 3, before = 2, after = 1;
                int sub = n * ((h + 1) / 2) * ((w + 2) / 3) * (before + c + after);
                yo = guardedEmpty(sub);
                yu = guardedEmpty(sub);
                ORACLE.subsamplePadChannelsForward(x, GUARD, n, h, w, c, sh, sw, before, after, yo, GUARD);
                UNDER_TEST.subsamplePadChannelsForward(x, GUARD, n, h, w, c, sh, sw, before, after, yu, GUARD);
                Numerics.assertBitIdentical("subsamplePadChannels " + at, yo, yu);
                assertGuards("subsamplePadChannels " + at, yu);
                float[] sdy = guarded(sub, 28 + c);
                dxo = guarded(in, 29 + c);
                dxu = dxo.clone();
                ORACLE.subsamplePadChannelsBackward(sdy, GUARD, n, h, w, c, sh, sw, before, after, dxo, GUARD);
                UNDER_TEST.subsamplePadChannelsBackward(sdy, GUARD, n, h, w, c, sh, sw, before, after, dxu, GUARD);
                Numerics.assertBitIdentical("subsamplePadChannelsBackward " + at, dxo, dxu);
                assertGuards("subsamplePadChannelsBackward " + at, dxu);
            }
        }
    }

    // ---- oracle vs naive double loops ---------------------------------------------------------

    @Test
    void forwardsMatchNaiveDoubleLoops() {
        for (int c : new int[] {1, 3, 17}) {
            for (int[] win : WINDOWS) {
                PoolGeometry g = geometry(2, c, win);
                String at = "c=" + c + " window=" + Arrays.toString(win);
                float[] x = distinct(g.inputSize(), 0.01f, 31 + c);
                double[] xd = Numerics.toDouble(x);
                for (PoolKernels k : new PoolKernels[] {ORACLE, UNDER_TEST}) {
                    float[] y = new float[g.outputSize()];
                    int[] idx = new int[g.outputSize()], naiveIdx = new int[g.outputSize()];
                    k.maxPool2dForward(x, 0, g, y, 0, idx, 0);
                    assertClose("maxPool2d " + at, naiveMaxPool(xd, g, naiveIdx), y, 0);
                    assertThat(idx).as("maxPool2d argmax " + at).isEqualTo(naiveIdx);
                    for (boolean include : new boolean[] {true, false}) {
                        k.avgPool2dForward(x, 0, g, include, y, 0);
                        assertClose("avgPool2d include=" + include + " " + at, naiveAvgPool(xd, g, include), y, 1e-6);
                    }
                }
            }
            int n = 2, h = 7, w = 5, oh = 3, ow = 2;
            float[] x = Numerics.randomFloats(n * h * w * c, 41 + c);
            double[] xd = Numerics.toDouble(x);
            float[] y = new float[n * oh * ow * c];
            ORACLE.adaptiveAvgPool2dForward(x, 0, n, h, w, c, oh, ow, y, 0);
            assertClose("adaptiveAvgPool2d c=" + c, naiveAdaptive(xd, n, h, w, c, oh, ow), y, 1e-6);
            float[] gm = new float[n * c];
            ORACLE.globalMeanForward(x, 0, n, h, w, c, gm, 0);
            assertClose("globalMean c=" + c, naiveAdaptive(xd, n, h, w, c, 1, 1), gm, 1e-6);
            float[] p = new float[n * (h + 3) * (w + 4) * c];
            Arrays.fill(p, 9f);
            ORACLE.pad2dForward(x, 0, n, h, w, c, 2, 1, 3, 1, p, 0);
            assertClose("pad2d c=" + c, naivePad(xd, n, h, w, c, 2, 1, 3, 1), p, 0);
            float[] s = new float[n * 4 * 3 * (c + 5)];
            Arrays.fill(s, 9f);
            ORACLE.subsamplePadChannelsForward(x, 0, n, h, w, c, 2, 2, 2, 3, s, 0);
            assertClose("subsamplePadChannels c=" + c, naiveSubsamplePad(xd, n, h, w, c, 2, 2, 2, 3), s, 0);
        }
    }

    @Test
    void maxPoolingTiesGoToTheFirstElementAndNanPropagates() {
        // Every channel count, so the vector body and the tail both see ties: window values per channel are
        // {1, 3, 3, 2} (tie at 1 and 2), and every third channel holds a NaN at position 2.
        for (int c : CHANNELS) {
            PoolGeometry g = new PoolGeometry(1, 2, 2, c, 2, 2, 1, 1, 0, 0, 1, 1);
            float[] x = new float[4 * c];
            for (int ch = 0; ch < c; ch++) {
                x[ch] = 1f;
                x[c + ch] = 3f;
                x[2 * c + ch] = ch % 3 == 0 ? Float.NaN : 3f;
                x[3 * c + ch] = 2f;
            }
            for (PoolKernels k : new PoolKernels[] {ORACLE, UNDER_TEST}) {
                float[] y = new float[c];
                int[] idx = new int[c];
                k.maxPool2dForward(x, 0, g, y, 0, idx, 0);
                for (int ch = 0; ch < c; ch++) {
                    boolean nan = ch % 3 == 0;
                    assertThat(idx[ch]).as("argmax c=" + c + " channel " + ch).isEqualTo(nan ? 2 : 1);
                    assertThat(Float.isNaN(y[ch])).as("NaN propagates c=" + c + " channel " + ch).isEqualTo(nan);
                }
            }
        }
    }

    private static void assertClose(String what, double[] expected, float[] actual, double tol) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    // ---- backwards vs central differences, accumulating into non-zero buffers ---------------------

    /** Checks that {@code backward(dy = weights)} adds ∂(Σ weights·forward(x))/∂x into a non-zero dx. */
    private static void checkGradient(String what, int inSize, double[] weights, ToDoubleFunction<double[]> loss,
                                      float[] x, GradientKernel backward) {
        double[] numeric = Numerics.numericGradient(loss, Numerics.toDouble(x), FD_STEP);
        float[] dy = new float[weights.length];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) weights[i];
        for (PoolKernels k : new PoolKernels[] {ORACLE, UNDER_TEST}) {
            float[] start = Numerics.randomFloats(inSize, 77);
            float[] dx = start.clone();
            backward.run(k, dy, dx);
            Numerics.assertGradient(what, numeric, added(dx, start, 0, inSize), 0, FD_RTOL, FD_ATOL);
        }
    }

    @FunctionalInterface
    private interface GradientKernel {
        void run(PoolKernels k, float[] dy, float[] dx);
    }

    @Test
    void poolingBackwardsMatchFiniteDifferences() {
        for (int[] win : WINDOWS) {
            for (int c : new int[] {1, 3, 17}) {
                PoolGeometry g = geometry(2, c, win);
                String at = "c=" + c + " window=" + Arrays.toString(win);
                // Distinct values 0.01 apart: a step of 1e-3 never changes a window's winner.
                float[] x = distinct(g.inputSize(), 0.01f, 51 + c);
                double[] wts = toDouble(Numerics.randomFloats(g.outputSize(), 52 + c), 0, g.outputSize());
                int[] idx = new int[g.outputSize()];
                ORACLE.maxPool2dForward(x, 0, g, new float[g.outputSize()], 0, idx, 0);
                checkGradient("maxPool2dBackward " + at, g.inputSize(), wts, xd -> dot(wts, naiveMaxPool(xd, g, null)), x,
                        (k, dy, dx) -> k.maxPool2dBackward(dy, 0, idx, 0, g, dx, 0));
                for (boolean include : new boolean[] {true, false}) {
                    checkGradient("avgPool2dBackward include=" + include + " " + at, g.inputSize(), wts,
                            xd -> dot(wts, naiveAvgPool(xd, g, include)), x,
                            (k, dy, dx) -> k.avgPool2dBackward(dy, 0, g, include, dx, 0));
                }
            }
        }
    }

    @Test
    void adaptiveGlobalAndPaddingBackwardsMatchFiniteDifferences() {
        int n = 2, h = 5, w = 7, c = 3, in = n * h * w * c;
        float[] x = Numerics.randomFloats(in, 61);
        int[][] outs = {{2, 3}, {5, 7}, {3, 4}, {7, 9}};
        for (int[] o : outs) {
            double[] wts = toDouble(Numerics.randomFloats(n * o[0] * o[1] * c, 62), 0, n * o[0] * o[1] * c);
            checkGradient("adaptiveAvgPool2dBackward " + Arrays.toString(o), in, wts,
                    xd -> dot(wts, naiveAdaptive(xd, n, h, w, c, o[0], o[1])), x,
                    (k, dy, dx) -> k.adaptiveAvgPool2dBackward(dy, 0, n, h, w, c, o[0], o[1], dx, 0));
        }
        double[] gw = toDouble(Numerics.randomFloats(n * c, 63), 0, n * c);
        checkGradient("globalMeanBackward", in, gw, xd -> dot(gw, naiveAdaptive(xd, n, h, w, c, 1, 1)), x,
                (k, dy, dx) -> k.globalMeanBackward(dy, 0, n, h, w, c, dx, 0));
        double[] pw = toDouble(Numerics.randomFloats(n * (h + 3) * (w + 3) * c, 64), 0, n * (h + 3) * (w + 3) * c);
        checkGradient("pad2dBackward", in, pw, xd -> dot(pw, naivePad(xd, n, h, w, c, 1, 2, 3, 0)), x,
                (k, dy, dx) -> k.pad2dBackward(dy, 0, n, h, w, c, 1, 2, 3, 0, dx, 0));
        int sub = n * 3 * 3 * (c + 4);
        double[] sw = toDouble(Numerics.randomFloats(sub, 65), 0, sub);
        checkGradient("subsamplePadChannelsBackward", in, sw, xd -> dot(sw, naiveSubsamplePad(xd, n, h, w, c, 2, 3, 1, 3)), x,
                (k, dy, dx) -> k.subsamplePadChannelsBackward(dy, 0, n, h, w, c, 2, 3, 1, 3, dx, 0));
    }

    // ---- determinism --------------------------------------------------------------------------

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        // Big enough for several chunks in every kernel: 64 forward rows of ~4.7k reads, 4 samples.
        PoolGeometry g = new PoolGeometry(4, 16, 16, 33, 3, 3, 1, 1, 1, 1, 16, 16);
        float[] x = Numerics.randomFloats(g.inputSize(), 71), dy = Numerics.randomFloats(g.outputSize(), 72);
        float[] start = Numerics.randomFloats(g.inputSize(), 73);
        float[][] runs = KernelTesting.withOneAndTwoThreads(() -> {
            float[] y = new float[g.outputSize()], dx = start.clone();
            int[] idx = new int[g.outputSize()];
            UNDER_TEST.maxPool2dForward(x, 0, g, y, 0, idx, 0);
            UNDER_TEST.maxPool2dBackward(dy, 0, idx, 0, g, dx, 0);
            float[] a = new float[g.outputSize()];
            UNDER_TEST.avgPool2dForward(x, 0, g, false, a, 0);
            UNDER_TEST.avgPool2dBackward(dy, 0, g, true, dx, 0);
            float[] ad = new float[4 * 5 * 3 * 33];
            UNDER_TEST.adaptiveAvgPool2dForward(x, 0, 4, 16, 16, 33, 5, 3, ad, 0);
            UNDER_TEST.adaptiveAvgPool2dBackward(ad, 0, 4, 16, 16, 33, 5, 3, dx, 0);
            float[] gm = new float[4 * 33];
            UNDER_TEST.globalMeanForward(x, 0, 4, 16, 16, 33, gm, 0);
            UNDER_TEST.globalMeanBackward(gm, 0, 4, 16, 16, 33, dx, 0);
            float[] p = new float[4 * 19 * 18 * 33];
            UNDER_TEST.pad2dForward(x, 0, 4, 16, 16, 33, 1, 2, 0, 2, p, 0);
            UNDER_TEST.pad2dBackward(p, 0, 4, 16, 16, 33, 1, 2, 0, 2, dx, 0);
            float[] s = new float[4 * 8 * 8 * 41];
            UNDER_TEST.subsamplePadChannelsForward(x, 0, 4, 16, 16, 33, 2, 2, 4, 4, s, 0);
            UNDER_TEST.subsamplePadChannelsBackward(s, 0, 4, 16, 16, 33, 2, 2, 4, 4, dx, 0);
            float[] all = new float[y.length + a.length + ad.length + gm.length + p.length + s.length + dx.length];
            int o = 0;
            for (float[] part : new float[][] {y, a, ad, gm, p, s, dx}) {
                System.arraycopy(part, 0, all, o, part.length);
                o += part.length;
            }
            return all;
        }, new float[2][]);
        Numerics.assertBitIdentical("pooling kernels, 1 vs 2 threads", runs[0], runs[1]);
    }

    @Test
    void guardsSurviveAndOffsetsAreHonouredInSlicedBuffers() {
        // The forward at an offset equals the forward of the same values at offset 0.
        PoolGeometry g = geometry(1, 5, WINDOWS[0]);
        float[] x = guarded(g.inputSize(), 81);
        float[] at0 = new float[g.outputSize()], atOff = guardedEmpty(g.outputSize());
        UNDER_TEST.avgPool2dForward(slice(x, GUARD, g.inputSize()), 0, g, true, at0, 0);
        UNDER_TEST.avgPool2dForward(x, GUARD, g, true, atOff, GUARD);
        Numerics.assertBitIdentical("avgPool2d at an offset", at0, slice(atOff, GUARD, g.outputSize()));
        assertGuards("avgPool2d at an offset", atOff);
    }
}
