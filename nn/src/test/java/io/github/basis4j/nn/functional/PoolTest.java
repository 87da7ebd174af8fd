package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Pool} against PyTorch's pooling functions and against finite differences. */
class PoolTest {
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;

    @Test
    void maxPoolMatchesPyTorch() {
        OpsFixture.assertPoolOpMatches("max3s2p1", x -> Pool.maxPool2d(x, 3, 2, 1));
    }

    @Test
    void avgPoolMatchesPyTorchWithAndWithoutPaddingInTheCount() {
        OpsFixture.assertPoolOpMatches("avg3s2p1_incl", x -> Pool.avgPool2d(x, 3, 2, 1, true));
        OpsFixture.assertPoolOpMatches("avg3s1p1_excl", x -> Pool.avgPool2d(x, 3, 1, 1, false));
    }

    @Test
    void adaptiveAvgPoolAndGlobalMeanMatchPyTorch() {
        OpsFixture.assertPoolOpMatches("adaptive3x2", x -> Pool.adaptiveAvgPool2d(x, 3, 2));
        OpsFixture.assertPoolOpMatches("globalmean", Pool::globalMean);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        // Distinct values keep every max-pool window's winner fixed under the finite-difference step.
        Parameter x = new Parameter(OpsFixture.distinct(Shape.of(2, 5, 4, 3), 31));
        GradCheck.check("maxPool2d 3x3 s2 p1", List.of(x), v -> Pool.maxPool2d(v.get(0), 3, 2, 1), FD_RTOL, FD_ATOL);
        GradCheck.check("maxPool2d 2x3 s(1,2) p(1,0)", List.of(x), v -> Pool.maxPool2d(v.get(0), 2, 3, 1, 2, 1, 0), FD_RTOL, FD_ATOL);
        GradCheck.check("avgPool2d include pad", List.of(x), v -> Pool.avgPool2d(v.get(0), 3, 2, 1, true), FD_RTOL, FD_ATOL);
        GradCheck.check("avgPool2d exclude pad", List.of(x), v -> Pool.avgPool2d(v.get(0), 3, 3, 1, 1, 1, 1, false), FD_RTOL, FD_ATOL);
        GradCheck.check("adaptiveAvgPool2d", List.of(x), v -> Pool.adaptiveAvgPool2d(v.get(0), 3, 3), FD_RTOL, FD_ATOL);
        GradCheck.check("globalMean", List.of(x), v -> Pool.globalMean(v.get(0)), FD_RTOL, FD_ATOL);
    }

    @Test
    void badArgumentsAreNamedByTheFacade() {
        Variable x = Variable.constant(Tensor.zeros(1, 4, 4, 2));
        assertThatThrownBy(() -> Pool.maxPool2d(x, 3, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPool2d: strideH must be >= 1, got 0");
        assertThatThrownBy(() -> Pool.maxPool2d(x, 2, 1, 2)).hasMessageContaining("maxPool2d: padding must be at most half the window");
        assertThatThrownBy(() -> Pool.maxPool2d(Variable.constant(Tensor.zeros(4, 4)), 2, 1, 0))
                .hasMessageContaining("maxPool2d: x must be an NHWC feature map");
        assertThatThrownBy(() -> Pool.avgPool2d(x, 5, 1, 0, true)).hasMessageContaining("avgPool2d: the 5×5 window does not fit");
        assertThatThrownBy(() -> Pool.adaptiveAvgPool2d(x, 0, 1)).hasMessageContaining("adaptiveAvgPool2d: outH must be >= 1");
        assertThatThrownBy(() -> Pool.globalMean(null)).hasMessageContaining("globalMean: x must not be null");
    }
}
