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
