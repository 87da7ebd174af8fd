package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenseTest {
    @Test
    void linearForwardMatchesNaiveLoops() {
        Tensor x = Tensor.uniform(Shape.of(2, 3, 5), -1, 1, 1), w = Tensor.uniform(Shape.of(4, 5), -1, 1, 2), b = Tensor.uniform(Shape.of(4), -1, 1, 3);
        Tensor y = Dense.linear(Variable.constant(x), Variable.constant(w), Variable.constant(b)).value();
        float[] expected = new float[6 * 4];
        for (int r = 0; r < 6; r++)
            for (int o = 0; o < 4; o++) {
                double s = b.get(o);
                for (int i = 0; i < 5; i++) s += (double) x.get(r * 5 + i) * w.get(o * 5 + i);
                expected[r * 4 + o] = (float) s;
            }
        Numerics.assertClose("linear", expected, y.toArray(), 1e-5, 1e-6);
    }

    @Test
    void linearGradients() {
        Parameter x = new Parameter(Tensor.uniform(Shape.of(3, 2, 5), -1, 1, 4));
        Parameter w = new Parameter(Tensor.uniform(Shape.of(4, 5), -1, 1, 5));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(4), -1, 1, 6));
        GradCheck.check("linear", List.of(x, w, b), v -> Dense.linear(v.get(0), v.get(1), v.get(2)), 2e-3, 2e-4);
        GradCheck.check("linear without bias", List.of(x, w), v -> Dense.linear(v.get(0), v.get(1), null), 2e-3, 2e-4);
    }

    @Test
    void matmulGradients() {
        Parameter a = new Parameter(Tensor.uniform(Shape.of(3, 7), -1, 1, 7));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(7, 2), -1, 1, 8));
        GradCheck.check("matmul", List.of(a, b), v -> Dense.matmul(v.get(0), v.get(1)), 2e-3, 2e-4);
    }

    @Test
    void badShapesAreNamed() {
        Variable x = Variable.constant(Tensor.zeros(2, 6));
        assertThatThrownBy(() -> Dense.linear(x, Variable.constant(Tensor.zeros(4, 5)), null))
                .hasMessageContaining("linear: input must be [..., 5] to match weight [4, 5], got [2, 6]");
        assertThatThrownBy(() -> Dense.linear(Variable.constant(Tensor.zeros(2, 5)), Variable.constant(Tensor.zeros(4, 5)),
                Variable.constant(Tensor.zeros(3)))).hasMessageContaining("bias must be [4], got [3]");
        assertThatThrownBy(() -> Dense.matmul(x, x)).hasMessageContaining("matmul: need [m, k]·[k, n], got [2, 6]·[2, 6]");
    }
}
