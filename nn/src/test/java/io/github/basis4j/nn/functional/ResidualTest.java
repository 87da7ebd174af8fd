package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResidualTest {
    @Test
    void addSumsElementwiseAndSendsTheGradientToBothOperands() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3), b = Tensor.of(new float[] {.5f, -1, 0, 2, 8, -6}, 1, 1, 2, 3);
        assertThat(Residual.add(Variable.constant(a), Variable.constant(b)).value().toArray()).containsExactly(1.5f, 1, 3, 6, 13, 0);
        Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 3, 2, 2), -1, 1, 61));
        Parameter y = new Parameter(Tensor.uniform(Shape.of(2, 3, 2, 2), -1, 1, 62));
        GradCheck.check("add", List.of(x, y), v -> Residual.add(v.get(0), v.get(1)), 2e-3, 2e-4);
        GradCheck.check("x + x", List.of(x), v -> Residual.add(v.get(0), v.get(0)), 2e-3, 2e-4);
    }

    @Test
    void shapesMustMatchExactly() {
        assertThatThrownBy(() -> Residual.add(Variable.constant(Tensor.zeros(1, 2, 2, 3)), Variable.constant(Tensor.zeros(1, 2, 2, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add: b must have the shape of a [1, 2, 2, 3] (no broadcasting), got [1, 2, 2, 1]");
    }
}
