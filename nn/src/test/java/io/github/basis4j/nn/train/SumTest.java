package io.github.basis4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

class SumTest {
    @Test
    void sumsTermsAndPassesTheGradientToEachTermThatWantsIt() {
        Parameter a = new Parameter(Tensor.full(Shape.of(1), 1.5f));
        Variable constant = Variable.constant(Tensor.full(Shape.of(1), 0.25f));
        Parameter c = new Parameter(Tensor.full(Shape.of(1), -2f));
        // Start c's gradient away from zero: the objective's backward must add, not overwrite.
        c.gradBuffer().set(0, 0.5f);
        Variable total = Sum.of(a, constant, c);
        assertThat(total.value().get(0)).isEqualTo(-0.25f);
        total.backward(Tensor.full(total.shape(), 3f));
        assertThat(a.grad().get(0)).isEqualTo(3f);
        assertThat(c.grad().get(0)).isEqualTo(3.5f);
        assertThat(constant.grad()).isNull();
    }
}
