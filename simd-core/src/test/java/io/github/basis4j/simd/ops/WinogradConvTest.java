package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.WinogradKernels;
import io.github.basis4j.simd.spi.WinogradKernels.Winograd3x3Geometry;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2×2, 3×3) convolution: the vector kernel against its scalar twin at non-zero offsets with guards
 * (every epilogue), the scalar twin against a direct convolution in double, the facade against
 * {@link Convolutions#conv2d} at the fused network's bar (1e-5 of the output's largest magnitude), 1 vs 2
 * threads bit for bit, and the facade's messages for bad input.
 */
class WinogradConvTest {
    private static final float GUARD = 7777f;
    private static final int OFF = 5;
    /** The fused network's bar: Winograd against the direct convolution within this fraction of max |y|. */
    private static final double RELATIVE_TO_MAX = 1e-5;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One case: batch, size, channels, padding. */
    private record Case(int n, int h, int w, int c, int oc, int pad) {
        Winograd3x3Geometry geometry() {
            return new Winograd3x3Geometry(n, h, w, c, oc, pad);
        }

        int xSize() {
            return n * h * w * c;
        }

        int ySize() {
            return n * (h + 2 * pad - 2) * (w + 2 * pad - 2) * oc;
        }
    }

    /** Awkward sizes: each h, w and channel count of the brief appears, with batches 1 and 3 and paddings 0–3. */
    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        int[] sizes = {1, 2, 3, 7, 16, 17, 33};
        int[] channels = {1, 3, 15, 16, 17, 33, 64};
        int i = 0;
        for (int h : sizes) {
            for (int w : sizes) {
                int c = channels[i % channels.length], oc = channels[(3 * i + 2) % channels.length];
                int pad = 1 + i % 2;
                int n = i % 3 == 0 ? 3 : 1;
                if (h * w * c * oc * n > 150_000) oc = Math.min(oc, 16);
                cases.add(new Case(n, h, w, c, oc, pad));
                i++;
            }
        }
        // Each channel count against each at a mid size, no padding (partial tiles from the odd output).
        for (int c : channels) {
            for (int oc : channels) if ((c + oc) % 3 == 0 || c == oc) cases.add(new Case(1, 7, 9, c, oc, 0));
        }
        cases.add(new Case(2, 16, 16, 64, 64, 1));   // 8 × 2 tiles, several chunks
        cases.add(new Case(1, 5, 4, 16, 40, 3));    // padding beyond the kernel's reach: whole zero tiles
        cases.add(new Case(1, 1, 1, 17, 33, 2));    // a 3 × 3 output from a single pixel
        return cases;
    }

    private static float[] guarded(float[] body) {
        float[] a = new float[body.length + 2 * OFF];
        Arrays.fill(a, GUARD);
        System.arraycopy(body, 0, a, OFF, body.length);
        return a;
    }

    private static float[] transformed(Case cc, long seed) {
        return WinogradConv3x3Weight.pack(Tensor.of(Numerics.randomFloats(cc.oc() * cc.c() * 9, seed), cc.oc(), cc.c(), 3, 3)).data();
    }

    /** y of one kernel on guarded arrays (y starts NaN: the kernel must overwrite it), guards checked. */
    private static float[] run(WinogradKernels k, Case cc, long seed, boolean residual, boolean relu) {
        float[] x = guarded(Numerics.randomFloats(cc.xSize(), seed));
        float[] u = guarded(transformed(cc, seed + 1));
        float[] bias = guarded(Numerics.randomFloats(cc.oc(), seed + 2));
        float[] res = residual ? guarded(Numerics.randomFloats(cc.ySize(), seed + 3)) : null;
        float[] y = guarded(new float[cc.ySize()]);
        Arrays.fill(y, OFF, OFF + cc.ySize(), Float.NaN);
        k.conv3x3Forward(cc.geometry(), x, OFF, u, OFF, bias, OFF, res, OFF, relu, y, OFF);
        for (int i = 0; i < OFF; i++) {
            assertThat(y[i]).as("guard before y of %s", cc).isEqualTo(GUARD);
            assertThat(y[y.length - 1 - i]).as("guard after y of %s", cc).isEqualTo(GUARD);
        }
        return y;
    }

    @Test
    void vectorKernelMatchesItsScalarTwin() {
        WinogradKernels oracle = BackendPair.oracle().winograd(), underTest = BackendPair.underTest().winograd();
        long seed = 1;
        int epilogue = 0;
        for (Case cc : cases()) {
            boolean residual = epilogue % 2 == 1, relu = epilogue / 2 % 2 == 1;
            epilogue++;
            float[] e = run(oracle, cc, seed, residual, relu), a = run(underTest, cc, seed, residual, relu);
            seed += 10;
            // Only the products' rounding differs (fused multiply-adds): about c·16 roundings of transformed
            // values of magnitude up to 4 (inputs in [−1, 1)) times weights up to about 2.25.
            Numerics.assertClose("winograd " + cc + " residual " + residual + " relu " + relu, e, a, 1e-4, 1e-5 * (cc.c() + 1));
        }
    }

    @Test
    void scalarKernelMatchesADirectConvolutionInDouble() {
        WinogradKernels scalar = BackendPair.oracle().winograd();
        long seed = 300;
        for (Case cc : cases()) {
            float[] x = Numerics.randomFloats(cc.xSize(), seed), w = Numerics.randomFloats(cc.oc() * cc.c() * 9, seed + 1);
            float[] bias = Numerics.randomFloats(cc.oc(), seed + 2), res = Numerics.randomFloats(cc.ySize(), seed + 3);
            seed += 10;
            float[] u = WinogradConv3x3Weight.pack(Tensor.of(w, cc.oc(), cc.c(), 3, 3)).data();
            float[] y = new float[cc.ySize()];
            scalar.conv3x3Forward(cc.geometry(), x, 0, u, 0, bias, 0, res, 0, true, y, 0);
            float[] expected = directDouble(cc, x, w, bias, res);
            Numerics.assertClose("scalar winograd " + cc, expected, y, 1e-4, 2e-6 * (9 * cc.c() + 1));
        }
    }

    /** relu(direct convolution + bias + residual), summed in double, rounded once. */
    private static float[] directDouble(Case cc, float[] x, float[] w, float[] bias, float[] res) {
        int oh = cc.h() + 2 * cc.pad() - 2, ow = cc.w() + 2 * cc.pad() - 2;
        float[] y = new float[cc.ySize()];
        for (int b = 0; b < cc.n(); b++) {
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    for (int o = 0; o < cc.oc(); o++) {
                        double s = bias[o];
                        for (int i = 0; i < 3; i++) {
                            for (int j = 0; j < 3; j++) {
                                int iy = p - cc.pad() + i, ix = q - cc.pad() + j;
                                if (iy < 0 || iy >= cc.h() || ix < 0 || ix >= cc.w()) continue;
                                for (int ci = 0; ci < cc.c(); ci++) {
                                    s += (double) x[((b * cc.h() + iy) * cc.w() + ix) * cc.c() + ci] * w[((o * cc.c() + ci) * 3 + i) * 3 + j];
                                }
                            }
                        }
                        int at = ((b * oh + p) * ow + q) * cc.oc() + o;
                        y[at] = (float) Math.max(0, s + res[at]);
                    }
                }
            }
        }
        return y;
    }

    @Test
    void facadeMatchesTheDirectConvolutionWithinTheFusedNetworksBar() {
        long seed = 600;
        for (Case cc : List.of(new Case(2, 32, 32, 16, 16, 1), new Case(3, 16, 16, 32, 32, 1), new Case(2, 8, 8, 64, 64, 1),
                new Case(1, 17, 33, 33, 17, 1), new Case(1, 9, 7, 15, 64, 0), new Case(1, 6, 5, 16, 16, 2))) {
            Tensor x = Tensor.of(Numerics.randomFloats(cc.xSize(), seed), cc.n(), cc.h(), cc.w(), cc.c());
            Tensor w = Tensor.of(Numerics.randomFloats(cc.oc() * cc.c() * 9, seed + 1), cc.oc(), cc.c(), 3, 3);
            Tensor bias = Tensor.of(Numerics.randomFloats(cc.oc(), seed + 2), cc.oc());
            seed += 10;
            Conv2dParams p = Conv2dParams.of(1, cc.pad());
            Tensor direct = Convolutions.conv2d(x, w, bias, p);
            Tensor wino = Convolutions.conv2dWinograd3x3(x, WinogradConv3x3Weight.pack(w), bias, cc.pad());
            float max = 0;
            for (float v : direct.toArray()) max = Math.max(max, Math.abs(v));
            Numerics.assertClose("winograd vs direct " + cc, direct.toArray(), wino.toArray(), 0, RELATIVE_TO_MAX * max);
            // Fused epilogue: relu(conv + residual) against the separate passes.
            Tensor res = Tensor.of(Numerics.randomFloats(direct.size(), seed + 3), direct.shape().dims());
            Tensor fused = Tensor.zeros(direct.shape());
            Convolutions.conv2dWinograd3x3(x, WinogradConv3x3Weight.pack(w), bias, cc.pad(), res, true, fused);
            Tensor separate = Elementwise.add(wino, res);
            Elementwise.relu(separate, separate);
            Numerics.assertBitIdentical("fused epilogue " + cc, separate.toArray(), fused.toArray());
            Tensor noBias = Convolutions.conv2dWinograd3x3(x, WinogradConv3x3Weight.pack(w), null, cc.pad());
            Tensor directNoBias = Convolutions.conv2d(x, w, null, p);
            Numerics.assertClose("no bias " + cc, directNoBias.toArray(), noBias.toArray(), 0, RELATIVE_TO_MAX * max);
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        WinogradKernels k = BackendPair.underTest().winograd();
        long seed = 900;
        for (Case cc : List.of(new Case(3, 32, 32, 16, 16, 1), new Case(1, 33, 17, 17, 33, 1), new Case(4, 8, 8, 64, 64, 1),
                new Case(1, 16, 16, 64, 64, 0))) {
            Parallel.setThreads(1);
            float[] one = run(k, cc, seed, true, true);
            Parallel.setThreads(2);
            float[] two = run(k, cc, seed, true, true);
            assertThat(Parallel.chunkCount(cc.geometry().tiles(), cc.geometry().chunkTiles())).as("chunks of %s", cc).isGreaterThan(1);
            Numerics.assertBitIdentical("threads " + cc, one, two);
            seed += 10;
        }
    }

    @Test
    void weightTransformIsGgGtInDouble() {
        float[] w = Numerics.randomFloats(2 * 3 * 9, 42);
        WinogradConv3x3Weight u = WinogradConv3x3Weight.pack(Tensor.of(w, 2, 3, 3, 3));
        double[][] g = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 3; i++) {
                for (int r = 0; r < 4; r++) {
                    for (int q = 0; q < 4; q++) {
                        double s = 0;
                        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) s += g[r][a] * w[((o * 3 + i) * 3 + a) * 3 + b] * g[q][b];
                        assertThat(u.data()[((4 * r + q) * 3 + i) * 16 + o]).as("U[%d][%d][%d][%d]", o, i, r, q).isEqualTo((float) s);
                    }
                }
            }
        }
        assertThat(u.torchShape()).containsExactly(2, 3, 3, 3);
        for (int e = 0; e < 16 * 3; e++) {
            for (int o = 2; o < 16; o++) assertThat(u.data()[e * 16 + o]).as("padding of row %d", e).isZero();
        }
    }

    @Test
    void badInputIsRefusedWithTheArgumentNamed() {
        WinogradConv3x3Weight w = WinogradConv3x3Weight.pack(Tensor.zeros(8, 4, 3, 3));
        Tensor x = Tensor.zeros(1, 5, 5, 4);
        assertThatThrownBy(() -> WinogradConv3x3Weight.pack(Tensor.zeros(8, 4, 5, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[oc, ic, 3, 3]").hasMessageContaining("[8, 4, 5, 5]");
        assertThatThrownBy(() -> WinogradConv3x3Weight.pack(new double[10], 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("36").hasMessageContaining("got 10");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(Tensor.zeros(1, 5, 5, 3), w, null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ic = 4").hasMessageContaining("[1, 5, 5, 3]");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(x, w, null, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding must be >= 0, got -1");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(Tensor.zeros(1, 2, 5, 4), w, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("oh × ow = 0 × 3");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(x, w, Tensor.zeros(4), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias must be [oc] = [8]");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(x, w, null, 1, Tensor.zeros(1, 5, 5, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y must be [n, oh, ow, oc] = [1, 5, 5, 8], got [1, 5, 5, 4]");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(x, w, null, 1, Tensor.zeros(1, 3, 3, 8), true, Tensor.zeros(1, 5, 5, 8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("residual must be y's shape");
        Tensor y = Tensor.zeros(1, 5, 5, 8);
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(x, w, null, 1, y, false, y))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y must not overlap residual");
        float[] shared = new float[200 + 100];
        Tensor xs = Tensor.wrap(shared, io.github.basis4j.simd.Shape.of(1, 5, 5, 4));
        Tensor ys = Tensor.wrap(shared, 50, io.github.basis4j.simd.Shape.of(1, 5, 5, 8));
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(xs, w, null, 1, ys))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y must not overlap x");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(null, w, null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("conv2dWinograd3x3: x must not be null");
        assertThatThrownBy(() -> Convolutions.conv2dWinograd3x3(x, null, null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("conv2dWinograd3x3: weight must not be null");
    }
}
