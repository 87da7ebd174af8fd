package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import org.junit.jupiter.api.Test;

/** The conv2d facade on the current backend against the double-precision oracle, and its argument checks. */
class ConvolutionsTest {

    private static double tolerance(ConvCase cc) {
        // Float sums of kh·kw·c/groups products of values in [-1, 1): rounding grows with the number of terms.
        return 1e-5 * (cc.kh() * cc.kw() * (cc.c() / cc.groups()) + 1);
    }

    @Test
    void forwardMatchesTheDoubleOracleOverTheSweep() {
        long seed = 1;
        for (ConvCase cc : ConvCase.sweep()) {
            assertThat(cc.valid()).as("%s", cc).isTrue();
            float[] x = Numerics.randomFloats(cc.xSize(), seed++);
            float[] wt = Numerics.randomFloats(cc.wSize(), seed++);
            float[] bias = Numerics.randomFloats(cc.oc(), seed++);
            double[] expected = cc.forward(Numerics.toDouble(x), Numerics.toDouble(wt), Numerics.toDouble(bias));
            Tensor y = Convolutions.conv2d(Tensor.of(x, cc.n(), cc.h(), cc.w(), cc.c()),
                    Tensor.of(wt, cc.oc(), cc.c() / cc.groups(), cc.kh(), cc.kw()), Tensor.of(bias, cc.oc()), cc.params());
            assertThat(y.shape()).isEqualTo(Shape.of(cc.n(), cc.oh(), cc.ow(), cc.oc()));
            Numerics.assertClose("conv2d " + cc, toFloat(expected), y.toArray(), 1e-4, tolerance(cc));
        }
    }

    @Test
    void forwardWithoutBiasAndWithPackedWeightsAgree() {
        ConvCase cc = ConvCase.of(3, 7, 7, 17, 33, 3, 2, 1, 1, 1);
        float[] x = Numerics.randomFloats(cc.xSize(), 11);
        float[] wt = Numerics.randomFloats(cc.wSize(), 12);
        Tensor xt = Tensor.of(x, cc.n(), cc.h(), cc.w(), cc.c());
        Tensor w4 = Tensor.of(wt, cc.oc(), cc.c(), cc.kh(), cc.kw());
        double[] expected = cc.forward(Numerics.toDouble(x), Numerics.toDouble(wt), null);
        Tensor y = Convolutions.conv2d(xt, w4, null, cc.params());
        Numerics.assertClose("conv2d without bias", toFloat(expected), y.toArray(), 1e-4, tolerance(cc));
        Tensor yp = Convolutions.conv2d(xt, PackedConv2dWeight.pack(w4), null, cc.params());
        Numerics.assertBitIdentical("packed weights", y.toArray(), yp.toArray());
        assertThat(Convolutions.outputShape(xt.shape(), w4.shape(), cc.params())).isEqualTo(y.shape());
    }

    @Test
    void weightRepackingOfALargeLayerIsExactAndThreadIndependent() {
        // 100 output channels: six full 16-channel blocks and a 4-channel tail, enough weights (100 · 70 · 9) for
        // the repacking to split over threads; a single image of 25 pixels also splits over output channels.
        ConvCase cc = ConvCase.of(1, 9, 9, 70, 100, 3, 2, 1, 1, 1);
        float[] x = Numerics.randomFloats(cc.xSize(), 31), wt = Numerics.randomFloats(cc.wSize(), 32);
        float[] bias = Numerics.randomFloats(cc.oc(), 33), dy = Numerics.randomFloats(cc.ySize(), 34);
        Tensor xt = Tensor.of(x, cc.n(), cc.h(), cc.w(), cc.c()), w4 = Tensor.of(wt, cc.oc(), cc.c(), cc.kh(), cc.kw());
        Tensor dyt = Tensor.of(dy, cc.n(), cc.oh(), cc.ow(), cc.oc());
        double[] expected = cc.forward(Numerics.toDouble(x), Numerics.toDouble(wt), Numerics.toDouble(bias));
        int saved = io.github.basis4j.simd.Parallel.threads();
        try {
            float[][] y = new float[2][], dw = new float[2][];
            for (int t = 1; t <= 2; t++) {
                io.github.basis4j.simd.Parallel.setThreads(t);
                y[t - 1] = Convolutions.conv2d(xt, w4, Tensor.of(bias, cc.oc()), cc.params()).toArray();
                // The weight gradient comes back through the inverse repacking, added into a non-zero buffer.
                Tensor g = Tensor.of(Numerics.randomFloats(cc.wSize(), 35), cc.oc(), cc.c(), cc.kh(), cc.kw());
                Convolutions.conv2dBackwardWeight(xt, dyt, cc.params(), g, null);
                dw[t - 1] = g.toArray();
            }
            Numerics.assertClose("conv2d " + cc, toFloat(expected), y[0], 1e-4, tolerance(cc));
            Numerics.assertBitIdentical("conv2d with 1 vs 2 threads", y[0], y[1]);
            Numerics.assertBitIdentical("weight gradient with 1 vs 2 threads", dw[0], dw[1]);
            // Oracle for the weight gradient: dW[o, ci, i, j] = Σ_pixels x[tap] · dy[o], read in OIHW order.
            float[] start = Numerics.randomFloats(cc.wSize(), 35);
            double[] dwExpected = new double[cc.wSize()];
            for (int o = 0; o < cc.oc(); o++) {
                for (int ci = 0; ci < cc.c(); ci++) {
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            double sum = start[((o * cc.c() + ci) * 3 + i) * 3 + j];
                            for (int p = 0; p < cc.oh(); p++) {
                                for (int q = 0; q < cc.ow(); q++) {
                                    int ih = 2 * p - 1 + i, iw = 2 * q - 1 + j;
                                    if (ih < 0 || ih >= cc.h() || iw < 0 || iw >= cc.w()) continue;
                                    sum += (double) x[(ih * cc.w() + iw) * cc.c() + ci] * dy[(p * cc.ow() + q) * cc.oc() + o];
                                }
                            }
                            dwExpected[((o * cc.c() + ci) * 3 + i) * 3 + j] = sum;
                        }
                    }
                }
            }
            Numerics.assertClose("weight gradient " + cc, toFloat(dwExpected), dw[0], 1e-4, 1e-4);
        } finally {
            io.github.basis4j.simd.Parallel.setThreads(saved);
        }
    }

    @Test
    void forwardOverwritesOutputAtAnOffset() {
        ConvCase cc = ConvCase.of(1, 5, 5, 3, 16, 3, 1, 1, 1, 1);
        float[] x = Numerics.randomFloats(cc.xSize(), 21), wt = Numerics.randomFloats(cc.wSize(), 22);
        int off = 5;
        float[] yData = new float[cc.ySize() + 2 * off];
        java.util.Arrays.fill(yData, Float.NaN);
        Tensor y = Tensor.wrap(yData, off, Shape.of(cc.n(), cc.oh(), cc.ow(), cc.oc()));
        Convolutions.conv2d(Tensor.of(x, 1, 5, 5, 3), Tensor.of(wt, 16, 3, 3, 3), null, cc.params(), y);
        double[] expected = cc.forward(Numerics.toDouble(x), Numerics.toDouble(wt), null);
        Numerics.assertClose("conv2d at offset", toFloat(expected), 0, yData, off, cc.ySize(), 1e-4, tolerance(cc));
        for (int i = 0; i < off; i++) {
            assertThat(yData[i]).as("guard before").isNaN();
            assertThat(yData[off + cc.ySize() + i]).as("guard after").isNaN();
        }
    }

    @Test
    void rejectsAWeightOfTheWrongShape() {
        Tensor x = Tensor.zeros(1, 5, 5, 8);
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensor.zeros(16, 3, 3, 3), null, Conv2dParams.of(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: weight must be [oc, ic/groups, kh, kw] = [16, 8, 3, 3]")
                .hasMessageContaining("got [16, 3, 3, 3]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensor.zeros(16, 4, 3, 3), null, Conv2dParams.of(1, 1)))
                .hasMessageContaining("= [16, 8, 3, 3]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, Tensor.zeros(16, 8, 3), null, Conv2dParams.of(1, 1)))
                .hasMessageContaining("conv2d: weight must be a rank-4 [oc, ic/groups, kh, kw] tensor, got shape [16, 8, 3]");
    }

    @Test
    void rejectsChannelsNotDivisibleByGroups() {
        assertThatThrownBy(() -> Convolutions.conv2d(Tensor.zeros(1, 5, 5, 6), Tensor.zeros(8, 1, 3, 3), null,
                Conv2dParams.of(1, 1, 1, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conv2d: input channels c = 6 must be divisible by groups = 4");
        assertThatThrownBy(() -> Convolutions.conv2d(Tensor.zeros(1, 5, 5, 6), Tensor.zeros(7, 3, 3, 3), null,
                Conv2dParams.of(1, 1, 1, 2)))
                .hasMessage("conv2d: output channels oc = 7 must be divisible by groups = 2");
    }

    @Test
    void rejectsAnEmptyOutput() {
        assertThatThrownBy(() -> Convolutions.conv2d(Tensor.zeros(1, 2, 9, 3), Tensor.zeros(4, 3, 3, 3), null, Conv2dParams.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("conv2d: output size must be positive, got oh × ow = 0 × 7 for input 2 × 9, kernel 3 × 3");
    }

    @Test
    void rejectsWrongRanksAndShapesOfTheOtherArguments() {
        Tensor w = Tensor.zeros(4, 3, 3, 3);
        assertThatThrownBy(() -> Convolutions.conv2d(Tensor.zeros(5, 5, 3), w, null, Conv2dParams.DEFAULT))
                .hasMessage("conv2d: x must be a rank-4 [n, h, w, c] tensor (NHWC), got shape [5, 5, 3]");
        Tensor x = Tensor.zeros(2, 5, 5, 3);
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, Tensor.zeros(3), Conv2dParams.DEFAULT))
                .hasMessage("conv2d: bias must be [oc] = [4], got [3]");
        assertThatThrownBy(() -> Convolutions.conv2d(x, w, null, Conv2dParams.DEFAULT, Tensor.zeros(2, 3, 3, 5)))
                .hasMessage("conv2d: y must be [n, oh, ow, oc] = [2, 3, 3, 4], got [2, 3, 3, 5]");
        assertThatThrownBy(() -> Convolutions.conv2dBackwardInput(Tensor.zeros(2, 5, 5, 4), w, Conv2dParams.DEFAULT, x))
                .hasMessage("conv2dBackwardInput: dy must be [n, oh, ow, oc] = [2, 3, 3, 4], got [2, 5, 5, 4]");
        assertThatThrownBy(() -> Convolutions.conv2dBackwardWeight(x, Tensor.zeros(2, 3, 3, 4), Conv2dParams.DEFAULT,
                Tensor.zeros(4, 3, 3, 3), Tensor.zeros(5)))
                .hasMessage("conv2dBackwardWeight: bias must be [oc] = [4], got [5]");
        assertThatThrownBy(() -> new Conv2dParams(1, 0, 0, 0, 1, 1, 1)).hasMessage("conv2d: strideW must be >= 1, got 0");
        assertThatThrownBy(() -> Conv2dParams.of(1, -1)).hasMessage("conv2d: padH must be >= 0, got -1");
        assertThatThrownBy(() -> Conv2dParams.DEFAULT.withDilation(0)).hasMessage("conv2d: dilationH must be >= 1, got 0");
        assertThatThrownBy(() -> Conv2dParams.DEFAULT.withGroups(0)).hasMessage("conv2d: groups must be >= 1, got 0");
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
