package io.github.basis4j.nn.functional;

import static io.github.basis4j.nn.functional.OpsFixture.assertGradient;
import static io.github.basis4j.nn.functional.OpsFixture.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.NormStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DSFB orthogonality penalty against the reference's computation in PyTorch and finite differences. */
class RegularizersTest {
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;

    @Test
    void stackedBasesMatchTheReferenceStagePenalty() {
        // One stage of train_basis_double: 4 shared filters, then two unique bases of 2 filters each.
        Parameter shared = new Parameter(tensor("ortho.shared"));
        Parameter u1 = new Parameter(tensor("ortho.unique1")), u2 = new Parameter(tensor("ortho.unique2"));
        Tensor mask = NormStats.dsfbGramMask(4, 2, 2);
        Variable penalty = Regularizers.orthogonalityPenalty(List.of(shared, u1, u2), mask, 1.0);
        assertThat(penalty.shape()).as("a scalar, like the losses").isEqualTo(Shape.of());
        OpsFixture.assertForward("ortho", "ortho.penalty", penalty.value().reshape(1));
        penalty.backward();
        assertGradient("ortho dshared", "ortho.dshared", shared);
        assertGradient("ortho dunique1", "ortho.dunique1", u1);
        assertGradient("ortho dunique2", "ortho.dunique2", u2);
    }

    @Test
    void scaleMultipliesValueAndGradient() {
        Parameter shared = new Parameter(tensor("ortho.shared"));
        double scale = 10.0 / 40;   // lambdaR = 10 over a cnt_sim of 40, as the reference composes it
        Variable penalty = Regularizers.orthogonalityPenalty(shared, null, scale);
        Parameter same = new Parameter(tensor("ortho.shared"));
        Variable unscaled = Regularizers.orthogonalityPenalty(List.of(same), null, 1.0);
        assertThat((double) penalty.value().get(0)).isCloseTo(scale * unscaled.value().get(0), org.assertj.core.data.Percentage.withPercentage(1e-4));
        penalty.backward();
        unscaled.backward();
        float[] expected = same.grad().toArray();
        for (int i = 0; i < expected.length; i++) expected[i] *= (float) scale;
        OpsFixture.assertTensor("scaled gradient", Tensor.of(expected, shared.shape().dims()), shared.grad(), 1e-6, 1e-7);
    }

    @Test
    void stageTermsSumWithAdd() {
        // The reference's total: the stages' terms, each already scaled by lambdaR / Σ cnt, summed.
        Parameter a = new Parameter(Tensor.uniform(Shape.of(3, 4), -0.6f, 0.6f, 53));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(2, 5), -0.6f, 0.6f, 54));
        Variable total = Arith.add(Regularizers.orthogonalityPenalty(a, null, 0.5), Regularizers.orthogonalityPenalty(b, null, 0.5));
        assertThat(total.shape()).isEqualTo(Shape.of());
        GradCheck.check("sum of two stage terms", List.of(a, b),
                v -> Arith.add(Regularizers.orthogonalityPenalty(v.get(0), null, 0.5), Regularizers.orthogonalityPenalty(v.get(1), null, 0.5)),
                FD_RTOL, FD_ATOL);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Parameter a = new Parameter(Tensor.uniform(Shape.of(3, 2, 2, 2), -0.6f, 0.6f, 51));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(2, 8), -0.6f, 0.6f, 52));
        Tensor mask = NormStats.dsfbGramMask(3, 1, 2);
        GradCheck.check("one basis, no mask", List.of(a), v -> Regularizers.orthogonalityPenalty(v.get(0), null, 0.5), FD_RTOL, FD_ATOL);
        GradCheck.check("stacked bases, DSFB mask", List.of(a, b),
                v -> Regularizers.orthogonalityPenalty(List.of(v.get(0), v.get(1)), mask, 2.0), FD_RTOL, FD_ATOL);
        // A basis listed twice (shared by two stacks) receives the gradient of both row blocks.
        GradCheck.check("basis listed twice", List.of(a),
                v -> Regularizers.orthogonalityPenalty(List.of(v.get(0), v.get(0)), null, 1.0), FD_RTOL, FD_ATOL);
    }

    @Test
    void badArgumentsAreNamed() {
        Variable a = Variable.constant(Tensor.zeros(3, 4));
        assertThatThrownBy(() -> Regularizers.orthogonalityPenalty(List.of(a, Variable.constant(Tensor.zeros(2, 5))), null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orthogonalityPenalty: basis 1 must have filters of 4 values like basis 0, got shape [2, 5]");
        assertThatThrownBy(() -> Regularizers.orthogonalityPenalty(Variable.constant(Tensor.zeros(4)), null, 1))
                .hasMessageContaining("basis 0 must have rank >= 2");
        assertThatThrownBy(() -> Regularizers.orthogonalityPenalty(a, Tensor.zeros(2, 2), 1))
                .hasMessageContaining("mask must be [r, r] = [3, 3], got [2, 2]");
        assertThatThrownBy(() -> Regularizers.orthogonalityPenalty(a, null, Double.NaN)).hasMessageContaining("scale must be finite");
        assertThatThrownBy(() -> Regularizers.orthogonalityPenalty(List.of(), null, 1)).hasMessageContaining("at least one basis");
    }
}
