package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ConvKernels;
import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The backend's conv kernels against their scalar twins at non-zero offsets with guards around every output,
 * backward accumulation into non-zero buffers, and 1 vs 2 threads bit for bit.
 */
class ConvKernelsParityTest {
    private static final float GUARD = 7777f;
    private static final int OFF = 3;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** The three passes of one case, computed by one backend on guarded arrays. */
    private record Result(float[] y, float[] dx, float[] dw, float[] db) {
    }

    private static float[] guarded(float[] body) {
        float[] a = new float[body.length + 2 * OFF];
        java.util.Arrays.fill(a, GUARD);
        System.arraycopy(body, 0, a, OFF, body.length);
        return a;
    }

    private static Result run(ConvKernels k, ConvCase cc, long seed) {
        Conv2dGeometry g = cc.geometry();
        float[] x = guarded(Numerics.randomFloats(cc.xSize(), seed));
        float[] w = guarded(cc.hwio(Numerics.randomFloats(cc.wSize(), seed + 1)));
        float[] bias = guarded(Numerics.randomFloats(cc.oc(), seed + 2));
        float[] dy = guarded(Numerics.randomFloats(cc.ySize(), seed + 3));
        float[] y = guarded(new float[cc.ySize()]);
        java.util.Arrays.fill(y, OFF, OFF + cc.ySize(), Float.NaN); // forward must overwrite, never read, y
        // Gradient buffers start non-zero: the kernels must add into them.
        float[] dx = guarded(Numerics.randomFloats(cc.xSize(), seed + 4));
        float[] dw = guarded(Numerics.randomFloats(cc.wSize(), seed + 5));
        float[] db = guarded(Numerics.randomFloats(cc.oc(), seed + 6));
        if (g.isDepthwise()) {
            k.depthwiseConv2dForward(g, x, OFF, w, OFF, bias, OFF, y, OFF);
            k.depthwiseConv2dBackwardInput(g, dy, OFF, w, OFF, dx, OFF);
            k.depthwiseConv2dBackwardWeight(g, x, OFF, dy, OFF, dw, OFF, db, OFF);
        } else {
            k.conv2dForward(g, x, OFF, w, OFF, bias, OFF, y, OFF);
            k.conv2dBackwardInput(g, dy, OFF, w, OFF, dx, OFF);
            k.conv2dBackwardWeight(g, x, OFF, dy, OFF, dw, OFF, db, OFF);
        }
        for (float[] a : new float[][] {y, dx, dw, db}) {
            for (int i = 0; i < OFF; i++) {
                assertThat(a[i]).as("guard before an output of %s", cc).isEqualTo(GUARD);
                assertThat(a[a.length - 1 - i]).as("guard after an output of %s", cc).isEqualTo(GUARD);
            }
        }
        return new Result(y, dx, dw, db);
    }

    private static List<ConvCase> cases() {
        List<ConvCase> cases = new ArrayList<>(ConvCase.sweep());
        // Channel counts around the vector length, tile heights and bands, for both tile shapes and the tails.
        for (int ch : new int[] {1, 7, 15, 16, 17, 31, 33}) {
            cases.add(ConvCase.of(1, 9, 11, ch, 2 * ch + 1, 3, 1, 1, 1, 1));
            cases.add(ConvCase.of(2, 11, 9, ch, ch, 3, 1, 1, 1, ch));
        }
        cases.add(ConvCase.of(1, 20, 20, 12, 40, 3, 1, 1, 1, 1));   // > one band of pixels, single image
        // 14 pixels and 20 input channels: an 8 x 2 tile, then the 6 x 2 tile and single-channel tails.
        cases.add(ConvCase.of(1, 7, 2, 20, 40, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(1, 21, 23, 32, 32, 7, 2, 3, 1, 32));  // depthwise, stride 2 (gather backward)
        cases.add(ConvCase.of(1, 9, 9, 8, 8, 3, 1, 4, 1, 8));       // padding beyond the kernel's reach
        cases.add(ConvCase.of(1, 9, 9, 8, 12, 3, 1, 4, 1, 1));
        // Depthwise channel blocks: several row bands, 8-pixel tiles with tails, a partial last block, the
        // 7-wide register kernel (stride 1, dilation 1) and the generic tile (dilation 2, kernel 5, 3×7).
        cases.add(ConvCase.of(2, 37, 19, 17, 17, 7, 1, 3, 1, 17));
        cases.add(ConvCase.of(1, 20, 27, 33, 33, 7, 1, 2, 1, 33));
        cases.add(ConvCase.of(1, 19, 21, 20, 20, 7, 1, 6, 2, 20));
        cases.add(ConvCase.of(2, 18, 18, 16, 16, 5, 1, 2, 1, 16));
        cases.add(new ConvCase(1, 18, 20, 9, 9, 3, 7, 1, 1, 1, 3, 1, 1, 9));
        // Sliding weight gradient (stride 1, three columns): a 5-row kernel of dilation 2 over the unpadded
        // input with 8-channel tiles, a channel tail and a masked vector; groups with padding beyond the
        // kernel's reach; one image whose rows span several chunks; two output columns (nothing between
        // the peeled ends) and one (too narrow to slide).
        cases.add(new ConvCase(1, 13, 10, 17, 33, 5, 3, 1, 1, 0, 0, 2, 1, 1));
        cases.add(ConvCase.of(3, 7, 5, 24, 20, 3, 1, 2, 1, 2));
        cases.add(ConvCase.of(1, 30, 30, 9, 19, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(2, 5, 2, 17, 16, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(2, 5, 1, 9, 17, 3, 1, 1, 1, 1));
        // Narrow layers (a DSFB unique basis: 1, 2 or 4 filters from 16, 32 or 64 channels): lanes across
        // input channels, with a masked channel tail (33, 17 per group), several bands of one image, stride 2,
        // groups, a dilated 5×5 and pixel counts that leave tails after the 4-pixel tiles.
        cases.add(ConvCase.of(2, 9, 11, 16, 1, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(1, 8, 8, 32, 2, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(3, 5, 7, 64, 4, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(1, 20, 20, 33, 3, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(2, 9, 9, 40, 2, 3, 2, 1, 1, 1));
        cases.add(ConvCase.of(1, 7, 9, 34, 2, 3, 1, 1, 1, 2));
        cases.add(ConvCase.of(1, 13, 13, 24, 1, 5, 1, 4, 2, 1));
        // Sliding forward tiles (three columns, stride 1 along the width): widths that fit no, one or several
        // eight-pixel runs with tails, runs broken by the 48-pixel bands, 3 input channels (the CIFAR stem),
        // output channels of one full vector, a full vector and a masked tail (17, 33), two groups of 16,
        // stride 2 down the height only, a 5-row kernel, and no padding.
        for (int w : new int[] {7, 8, 9, 15, 16, 17, 31, 33}) cases.add(ConvCase.of(1, 5, w, 16, 16, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(2, 32, 32, 3, 16, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(1, 10, 27, 16, 17, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(1, 9, 19, 20, 33, 3, 1, 1, 1, 1));
        cases.add(ConvCase.of(2, 6, 20, 32, 32, 3, 1, 1, 1, 2));
        cases.add(new ConvCase(1, 13, 18, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1, 1));
        cases.add(new ConvCase(1, 11, 17, 8, 16, 5, 3, 1, 1, 2, 1, 1, 1, 1));
        cases.add(ConvCase.of(1, 12, 12, 16, 16, 3, 1, 0, 1, 1));
        // One small image with many output channels: chunks of (pixels, channels), with a partial last vector;
        // a stem (7×7, stride 4, three channels) whose kernel columns fold into its channels.
        cases.add(ConvCase.of(1, 9, 9, 20, 150, 3, 2, 1, 1, 1));
        cases.add(ConvCase.of(1, 30, 27, 3, 40, 7, 4, 2, 1, 1));
        return cases;
    }

    @Test
    void everyKernelMatchesItsScalarTwin() {
        ConvKernels oracle = BackendPair.oracle().conv(), underTest = BackendPair.underTest().conv();
        long seed = 100;
        for (ConvCase cc : cases()) {
            assertThat(cc.valid()).as("%s", cc).isTrue();
            Result e = run(oracle, cc, seed), a = run(underTest, cc, seed);
            seed += 10;
            int taps = cc.kh() * cc.kw() * (cc.c() / cc.groups());
            double atolIn = 1e-5 * (cc.oc() / cc.groups() * cc.kh() * cc.kw() + 1);
            double atolW = 1e-5 * (cc.n() * cc.oh() * cc.ow() + 1);
            Numerics.assertClose("forward " + cc, e.y, a.y, 1e-4, 1e-5 * (taps + 1));
            Numerics.assertClose("backward input " + cc, e.dx, a.dx, 1e-4, atolIn);
            Numerics.assertClose("backward weight " + cc, e.dw, a.dw, 1e-4, atolW);
            Numerics.assertClose("backward bias " + cc, e.db, a.db, 1e-4, atolW);
        }
    }

    @Test
    void scalarKernelsMatchTheDoubleOracle() {
        ConvKernels scalar = BackendPair.oracle().conv();
        long seed = 500;
        for (ConvCase cc : ConvCase.sweep()) {
            float[] xf = Numerics.randomFloats(cc.xSize(), seed), wf = Numerics.randomFloats(cc.wSize(), seed + 1);
            float[] bf = Numerics.randomFloats(cc.oc(), seed + 2);
            seed += 10;
            double[] expected = cc.forward(Numerics.toDouble(xf), Numerics.toDouble(wf), Numerics.toDouble(bf));
            float[] y = new float[cc.ySize()];
            Conv2dGeometry g = cc.geometry();
            if (g.isDepthwise()) scalar.depthwiseConv2dForward(g, xf, 0, cc.hwio(wf), 0, bf, 0, y, 0);
            else scalar.conv2dForward(g, xf, 0, cc.hwio(wf), 0, bf, 0, y, 0);
            Numerics.assertClose("scalar forward " + cc, ConvolutionsTest.toFloat(expected), y, 1e-4,
                    1e-5 * (cc.kh() * cc.kw() * (cc.c() / cc.groups()) + 1));
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        List<ConvCase> cases = List.of(
                ConvCase.of(1, 20, 20, 12, 40, 3, 1, 1, 1, 1),      // single image: pixel chunks, partials per chunk
                ConvCase.of(5, 9, 9, 16, 16, 3, 1, 1, 1, 1),        // image chunks
                ConvCase.of(1, 30, 30, 16, 16, 3, 1, 1, 1, 1),      // sliding weight gradient: row chunks
                ConvCase.of(1, 32, 32, 16, 16, 3, 1, 1, 1, 1),      // sliding forward tiles, pixel chunks of one image
                ConvCase.of(3, 16, 17, 3, 16, 3, 1, 1, 1, 1),       // sliding forward tiles and tails, image chunks
                ConvCase.of(1, 8, 8, 64, 64, 3, 1, 1, 1, 1),        // one small image: 8-pixel chunks by work
                ConvCase.of(1, 15, 13, 32, 40, 3, 1, 1, 1, 1),      // chunks that end mid-row and mid-band
                ConvCase.of(1, 30, 30, 32, 2, 3, 1, 1, 1, 1),       // narrow tiles, pixel chunks of one image
                ConvCase.of(5, 9, 9, 16, 1, 3, 1, 1, 1, 1),         // narrow tiles, image chunks
                ConvCase.of(3, 9, 9, 16, 24, 3, 2, 1, 1, 2),        // stride 2: col2im backward
                ConvCase.of(2, 20, 20, 16, 32, 1, 1, 0, 1, 1),      // pointwise: GEMM
                ConvCase.of(1, 30, 30, 40, 40, 7, 1, 3, 1, 40),     // depthwise, many row chunks
                ConvCase.of(3, 37, 19, 17, 17, 7, 1, 3, 1, 17),     // depthwise, band partials over images
                ConvCase.of(2, 15, 15, 20, 20, 3, 2, 1, 1, 20),     // depthwise, gather backward
                ConvCase.of(2, 3, 3, 2048, 16, 3, 2, 1, 1, 1),      // im2col + GEMM
                ConvCase.of(1, 9, 9, 20, 150, 3, 2, 1, 1, 1),       // one image split over pixels and channels
                ConvCase.of(1, 30, 27, 3, 40, 7, 4, 2, 1, 1));      // stem: folded kernel columns
        ConvKernels k = BackendPair.underTest().conv();
        long seed = 900;
        for (ConvCase cc : cases) {
            Parallel.setThreads(1);
            Result one = run(k, cc, seed);
            Parallel.setThreads(2);
            Result two = run(k, cc, seed);
            seed += 10;
            Numerics.assertBitIdentical("forward " + cc, one.y, two.y);
            Numerics.assertBitIdentical("backward input " + cc, one.dx, two.dx);
            Numerics.assertBitIdentical("backward weight " + cc, one.dw, two.dw);
            Numerics.assertBitIdentical("backward bias " + cc, one.db, two.db);
        }
    }
}
