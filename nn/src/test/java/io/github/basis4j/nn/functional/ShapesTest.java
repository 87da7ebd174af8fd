package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapesTest {
    @Test
    void concatChannelsInterleavesRowsLikeTorchCatOnDim1() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 1, 2);   // [N=1, H=2, W=1, C=2]
        Tensor b = Tensor.of(new float[] {9, 8}, 1, 2, 1, 1);          // C=1
        Tensor y = Shapes.concatChannels(Variable.constant(a), Variable.constant(b)).value();
        assertThat(y.shape()).isEqualTo(Shape.of(1, 2, 1, 3));
        assertThat(y.toArray()).containsExactly(1, 2, 9, 3, 4, 8);
    }

    @Test
    void gradientsFlowThroughConcatReshapeAndFlatten() {
        Parameter a = new Parameter(Tensor.uniform(Shape.of(2, 3, 2, 4), -1, 1, 1));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(2, 3, 2, 1), -1, 1, 2));
        GradCheck.check("concat+flatten", List.of(a, b),
                v -> Shapes.flatten(Shapes.concatChannels(v.get(0), v.get(1))), 2e-3, 2e-4);
        GradCheck.check("reshape", List.of(a), v -> Shapes.reshape(v.get(0), 6, 8), 2e-3, 2e-4);
    }

    @Test
    void mismatchedLeadingDimensionsAreNamed() {
        Variable a = Variable.constant(Tensor.zeros(1, 2, 2, 3));
        Variable b = Variable.constant(Tensor.zeros(1, 2, 3, 3));
        assertThatThrownBy(() -> Shapes.concatChannels(a, b)).hasMessageContaining("input 1 must be [1, 2, 2] + [C], got [1, 2, 3, 3]");
        assertThatThrownBy(() -> Shapes.reshape(a, 5)).hasMessageContaining("reshape");
    }
}
