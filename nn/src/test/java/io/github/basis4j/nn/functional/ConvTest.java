package io.github.basis4j.nn.functional;

import static io.github.basis4j.nn.functional.OpsFixture.assertForward;
import static io.github.basis4j.nn.functional.OpsFixture.assertGradient;
import static io.github.basis4j.nn.functional.OpsFixture.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Conv#conv2d} against PyTorch's conv2d and against finite differences. */
class ConvTest {
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;

    private static final String[] GOLDEN = {"dense", "strided", "dilated", "grouped", "depthwise7", "pointwise_s2"};

    private static Conv2dParams params(String prefix) {
        int[] p = OpsFixture.ints(prefix + "params");
        return new Conv2dParams(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    }

    @Test
    void forwardAndGradientsMatchPyTorch() {
        for (String name : GOLDEN) {
            String p = "conv." + name + ".";
            Parameter x = new Parameter(tensor(p + "x")), w = new Parameter(tensor(p + "weight"));
            Parameter b = OpsFixture.parameterOrNull(p + "bias");
            Variable y = Conv.conv2d(x, w, b, params(p));
            assertForward(name, p + "y", y.value());
            y.backward(tensor(p + "r"));
            assertGradient(name + " dx", p + "dx", x);
            assertGradient(name + " dweight", p + "dweight", w);
            if (b != null) assertGradient(name + " dbias", p + "dbias", b);
        }
    }

    @Test
    void frozenWeightStillGivesBiasAndInputGradients() {
        String p = "conv.dense.";
        Parameter x = new Parameter(tensor(p + "x")), b = new Parameter(tensor(p + "bias"));
        Variable y = Conv.conv2d(x, Variable.constant(tensor(p + "weight")), b, params(p));
        y.backward(tensor(p + "r"));
        assertGradient("dense dx", p + "dx", x);
        assertGradient("dense dbias", p + "dbias", b);
    }

    @Test
    void aWeightUsedTwiceReceivesBothGradients() {
        // A DSFB basis shared by two blocks: backward adds both uses into one buffer.
        String p = "conv.depthwise7.";
        Parameter x = new Parameter(tensor(p + "x")), w = new Parameter(tensor(p + "weight"));
        Conv2dParams cp = params(p);
        Variable y = Arith.add(Conv.conv2d(x, w, null, cp), Conv.conv2d(x, w, null, cp));
        y.backward(tensor(p + "r"));
        float[] expected = tensor(p + "dweight").toArray();
        for (int i = 0; i < expected.length; i++) expected[i] *= 2;
        OpsFixture.assertTensor("shared weight", Tensor.of(expected, 4, 1, 7, 7), w.grad(), OpsFixture.GRAD_RTOL, OpsFixture.GRAD_ATOL);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        record Case(String name, int[] x, int[] w, boolean bias, Conv2dParams p) {
        }
        List<Case> cases = new ArrayList<>(List.of(
                new Case("dense 3x3 pad 1", new int[] {2, 4, 3, 3}, new int[] {2, 3, 3, 3}, true, Conv2dParams.of(1, 1)),
                new Case("strided", new int[] {1, 5, 5, 2}, new int[] {3, 2, 3, 3}, false, Conv2dParams.of(2, 1)),
                new Case("dilated", new int[] {1, 5, 4, 2}, new int[] {2, 2, 2, 2}, true, Conv2dParams.of(1, 1, 2, 1)),
                new Case("grouped", new int[] {1, 3, 3, 4}, new int[] {4, 2, 3, 3}, true, Conv2dParams.of(1, 1, 1, 2)),
                new Case("depthwise", new int[] {2, 4, 4, 3}, new int[] {3, 1, 3, 3}, true, Conv2dParams.of(1, 1, 1, 3))));
        long seed = 1;
        for (Case c : cases) {
            Parameter x = new Parameter(Tensor.uniform(Shape.of(c.x), -1, 1, seed++));
            Parameter w = new Parameter(Tensor.uniform(Shape.of(c.w), -1, 1, seed++));
            Parameter b = new Parameter(Tensor.uniform(Shape.of(c.w[0]), -1, 1, seed++));
            if (c.bias) {
                GradCheck.check(c.name, List.of(x, w, b), v -> Conv.conv2d(v.get(0), v.get(1), v.get(2), c.p), FD_RTOL, FD_ATOL);
            } else {
                GradCheck.check(c.name, List.of(x, w), v -> Conv.conv2d(v.get(0), v.get(1), null, c.p), FD_RTOL, FD_ATOL);
            }
        }
    }

    @Test
    void badShapesAreNamedByTheFacade() {
        Variable x = Variable.constant(Tensor.zeros(1, 4, 4, 3));
        assertThatThrownBy(() -> Conv.conv2d(x, Variable.constant(Tensor.zeros(2, 2, 3, 3)), null, Conv2dParams.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: weight must be [oc, ic/groups, kh, kw] = [2, 3, 3, 3]");
        assertThatThrownBy(() -> Conv.conv2d(x, Variable.constant(Tensor.zeros(2, 3, 3, 3)), Variable.constant(Tensor.zeros(3)),
                Conv2dParams.DEFAULT)).hasMessageContaining("conv2d: bias must be [oc] = [2], got [3]");
        assertThatThrownBy(() -> Conv.conv2d(null, x, null, Conv2dParams.DEFAULT)).hasMessageContaining("conv2d: x and weight");
        assertThat(Conv.conv2d(x, Variable.constant(Tensor.zeros(2, 3, 3, 3)), null, Conv2dParams.DEFAULT).shape())
                .isEqualTo(Shape.of(1, 2, 2, 2));
    }
}
