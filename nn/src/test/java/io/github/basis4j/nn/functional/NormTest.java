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
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Norm} against PyTorch's batch_norm and layer_norm and against finite differences. */
class NormTest {
    /** The fixture's batch-norm momentum and eps (PyTorch's defaults) and MetaFormer's layer-norm eps. */
    private static final double BN_MOMENTUM = 0.1, BN_EPS = 1e-5, LN_EPS = 1e-6;
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;

    @Test
    void batchNormTrainingMatchesPyTorchIncludingTheRunningUpdate() {
        String p = "bn.train.";
        Parameter x = new Parameter(tensor(p + "x")), w = new Parameter(tensor(p + "weight")), b = new Parameter(tensor(p + "bias"));
        Tensor rm = tensor(p + "running_mean"), rv = tensor(p + "running_var");
        Variable y = Norm.batchNorm2d(x, w, b, rm, rv, true, BN_MOMENTUM, BN_EPS);
        assertForward("bn train", p + "y", y.value());
        OpsFixture.assertTensor("running_mean after the step", tensor(p + "running_mean_after"), rm, OpsFixture.FORWARD_RTOL, OpsFixture.FORWARD_ATOL);
        OpsFixture.assertTensor("running_var after the step", tensor(p + "running_var_after"), rv, OpsFixture.FORWARD_RTOL, OpsFixture.FORWARD_ATOL);
        y.backward(tensor(p + "r"));
        assertGradient("bn train dx", p + "dx", x);
        assertGradient("bn train dweight", p + "dweight", w);
        assertGradient("bn train dbias", p + "dbias", b);
    }

    @Test
    void batchNormTrainingWithoutAffineOrRunningStatisticsMatchesPyTorch() {
        String p = "bn.train_plain.";
        Parameter x = new Parameter(tensor(p + "x"));
        Variable y = Norm.batchNorm2d(x, null, null, null, null, true, BN_MOMENTUM, BN_EPS);
        assertForward("bn plain", p + "y", y.value());
        y.backward(tensor(p + "r"));
        assertGradient("bn plain dx", p + "dx", x);
    }

    @Test
    void batchNormEvalMatchesPyTorchAndLeavesRunningStatisticsAlone() {
        String p = "bn.eval.";
        Parameter x = new Parameter(tensor(p + "x")), w = new Parameter(tensor(p + "weight")), b = new Parameter(tensor(p + "bias"));
        Tensor rm = tensor(p + "running_mean"), rv = tensor(p + "running_var");
        Variable y = Norm.batchNorm2d(x, w, b, rm, rv, false, BN_MOMENTUM, BN_EPS);
        assertForward("bn eval", p + "y", y.value());
        // Changing the buffers after the forward must not reach the recorded backward.
        rm.fill(100f);
        rv.fill(100f);
        y.backward(tensor(p + "r"));
        assertGradient("bn eval dx", p + "dx", x);
        assertGradient("bn eval dweight", p + "dweight", w);
        assertGradient("bn eval dbias", p + "dbias", b);
        rm = tensor(p + "running_mean");
        Norm.batchNorm2d(x, w, b, rm, tensor(p + "running_var"), false, BN_MOMENTUM, BN_EPS);
        assertThat(rm.toArray()).containsExactly(tensor(p + "running_mean").toArray());
    }

    @Test
    void layerNormOverChannelsMatchesPyTorch() {
        for (String name : new String[] {"bias", "nobias"}) {
            String p = "ln." + name + ".";
            Parameter x = new Parameter(tensor(p + "x")), w = new Parameter(tensor(p + "weight"));
            Parameter b = OpsFixture.parameterOrNull(p + "bias");
            assertThat(b == null).as(name + " case has a bias exactly when named so").isEqualTo(name.equals("nobias"));
            Variable y = Norm.layerNormChannels(x, w, b, LN_EPS);
            assertForward("ln " + name, p + "y", y.value());
            y.backward(tensor(p + "r"));
            assertGradient("ln " + name + " dx", p + "dx", x);
            assertGradient("ln " + name + " dweight", p + "dweight", w);
            if (b != null) assertGradient("ln " + name + " dbias", p + "dbias", b);
        }
    }

    @Test
    void batchNormGradientsMatchFiniteDifferencesInBothModes() {
        Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 3, 2, 3), -2, 2, 11));
        Parameter w = new Parameter(Tensor.uniform(Shape.of(3), 0.5f, 1.5f, 12));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(3), -1, 1, 13));
        Tensor rm = Tensor.uniform(Shape.of(3), -0.5f, 0.5f, 14), rv = Tensor.uniform(Shape.of(3), 0.5f, 1.5f, 15);
        GradCheck.check("batch norm, training", List.of(x, w, b),
                v -> Norm.batchNorm2d(v.get(0), v.get(1), v.get(2), rm, rv, true, BN_MOMENTUM, BN_EPS), FD_RTOL, FD_ATOL);
        GradCheck.check("batch norm, training, affine=False", List.of(x),
                v -> Norm.batchNorm2d(v.get(0), null, null, null, null, true, BN_MOMENTUM, BN_EPS), FD_RTOL, FD_ATOL);
        GradCheck.check("batch norm, eval", List.of(x, w, b),
                v -> Norm.batchNorm2d(v.get(0), v.get(1), v.get(2), rm, rv, false, BN_MOMENTUM, BN_EPS), FD_RTOL, FD_ATOL);
        // x used twice: the add hands its gradient to the norm's output and adds a copy into x, so the norm's
        // backward adds into x's gradient instead of writing its own over the output gradient.
        GradCheck.check("batch norm, training, input also used directly", List.of(x, w, b),
                v -> Arith.add(Norm.batchNorm2d(v.get(0), v.get(1), v.get(2), rm, rv, true, BN_MOMENTUM, BN_EPS), v.get(0)),
                FD_RTOL, FD_ATOL);
        Parameter rows = new Parameter(Tensor.uniform(Shape.of(5, 4), -2, 2, 16));
        GradCheck.check("batch norm 1d, training", List.of(rows),
                v -> Norm.batchNorm2d(v.get(0), null, null, null, null, true, BN_MOMENTUM, BN_EPS), FD_RTOL, FD_ATOL);
    }

    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 2, 3, 5), -2, 2, 21));
        Parameter w = new Parameter(Tensor.uniform(Shape.of(5), 0.5f, 1.5f, 22));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(5), -1, 1, 23));
        GradCheck.check("layer norm", List.of(x, w, b), v -> Norm.layerNormChannels(v.get(0), v.get(1), v.get(2), LN_EPS), FD_RTOL, FD_ATOL);
        GradCheck.check("layer norm without bias", List.of(x, w), v -> Norm.layerNormChannels(v.get(0), v.get(1), null, LN_EPS), FD_RTOL, FD_ATOL);
    }

    @Test
    void badArgumentsAreNamed() {
        Variable one = Variable.constant(Tensor.zeros(1, 1, 1, 3));
        assertThatThrownBy(() -> Norm.batchNorm2d(one, null, null, null, null, true, BN_MOMENTUM, BN_EPS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchNorm2d: training needs more than one value per channel");
        Variable x = Variable.constant(Tensor.zeros(2, 2, 2, 3));
        assertThatThrownBy(() -> Norm.batchNorm2d(x, null, null, null, null, false, BN_MOMENTUM, BN_EPS))
                .hasMessageContaining("batchNorm2d: evaluation needs runningMean and runningVar");
        assertThatThrownBy(() -> Norm.batchNorm2d(x, null, null, Tensor.zeros(3), null, true, BN_MOMENTUM, BN_EPS))
                .hasMessageContaining("runningMean and runningVar must be given together");
        assertThatThrownBy(() -> Norm.batchNorm2d(x, Variable.constant(Tensor.zeros(4)), null, null, null, true, BN_MOMENTUM, BN_EPS))
                .hasMessageContaining("weight must be [c] = [3], got [4]");
        assertThatThrownBy(() -> Norm.layerNormChannels(Variable.constant(Tensor.zeros(3)), null, null, LN_EPS))
                .hasMessageContaining("layerNormChannels: x must have rank >= 2");
        assertThatThrownBy(() -> Norm.layerNormChannels(x, null, Variable.constant(Tensor.zeros(2)), LN_EPS))
                .hasMessageContaining("bias must be [c] = [3], got [2]");
    }
}
