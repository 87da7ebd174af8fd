package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

/** Inference's in-place ops: bit-identical to their allocating twins, refused while the graph is recorded. */
class InPlaceOpsTest {
    private static Variable uniform(long seed, int... dims) {
        return Variable.constant(Tensor.uniform(Shape.of(dims), -2, 2, seed));
    }

    @Test
    void addIntoWritesTheSumOverTarget() {
        for (int n : new int[] {1, 7, 17, 1000}) {
            Variable a = uniform(1, n, 3), b = uniform(2, n, 3);
            float[] expected = Arith.add(a, b).value().toArray();
            float[] aBefore = a.value().toArray();
            try (var _ = NoGrad.enter()) {
                assertThat(Arith.addInto(a, b)).isSameAs(b);
            }
            assertThat(b.value().toArray()).containsExactly(expected);
            assertThat(a.value().toArray()).as("a is read only").containsExactly(aBefore);
        }
    }

    @Test
    void starReluInPlaceMatchesStarRelu() {
        StarReLU act = new StarReLU(0.8, -0.3, true, true);
        for (int n : new int[] {1, 15, 33, 127}) {
            Variable x = uniform(3, n);
            float[] expected = act.forward(x).value().toArray();
            try (var _ = NoGrad.enter()) {
                assertThat(act.forwardInPlace(x)).isSameAs(x);
            }
            assertThat(x.value().toArray()).containsExactly(expected);
        }
    }

    @Test
    void dynamicFilterMixerInPlaceMatchesTheMixer() {
        Variable x = uniform(7, 2, 6, 10, 12), r = Variable.constant(Tensor.uniform(Shape.of(2, 3, 12), 0, 1, 8));
        Variable k = uniform(9, 6, 6, 3, 2);
        float[] expected = Spectral.dynamicFilterMixer(x, r, k, Norm.ORTHO).value().toArray();
        try (var _ = NoGrad.enter()) {
            assertThat(Spectral.dynamicFilterMixerInPlace(x, r, k, Norm.ORTHO)).isSameAs(x);
        }
        assertThat(x.value().toArray()).containsExactly(expected);
        assertThatThrownBy(() -> Spectral.dynamicFilterMixerInPlace(x, r, k, Norm.ORTHO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dynamicFilterMixerInPlace: overwrites its input");
    }

    @Test
    void linearIntoOverwritesScratchAsLinearWould() {
        for (int m : new int[] {1, 3, 17, 33}) {
            Variable x = uniform(10, m, 2, 7), w = uniform(11, 15, 7), b = uniform(12, 15);
            float[] expected = Dense.linear(x, w, b).value().toArray();
            float[] scratch = new float[3 + m * 2 * 15];
            java.util.Arrays.fill(scratch, Float.NaN);
            Tensor out = Tensor.wrap(scratch, 3, Shape.of(m, 2, 15));
            try (var _ = NoGrad.enter()) {
                assertThat(Dense.linearInto(x, w, b, out).value()).isSameAs(out);
                assertThat(Dense.linearInto(x, w, null, out).value().toArray()).containsExactly(Dense.linear(x, w, null).value().toArray());
                Dense.linearInto(x, w, b, out);
                assertThatThrownBy(() -> Dense.linearInto(x, w, b, Tensor.zeros(m, 2, 14))).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("linearInto: out must be [" + m + ", 2, 15]");
            }
            assertThat(out.toArray()).containsExactly(expected);
            assertThatThrownBy(() -> Dense.linearInto(x, w, b, out)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("linearInto");
        }
    }

    @Test
    void refusesWhileRecordingAndRejectsAliases() {
        Variable a = uniform(4, 5), b = uniform(5, 5);
        StarReLU act = new StarReLU();
        assertThatThrownBy(() -> Arith.addInto(a, b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("addInto: overwrites its input, so it runs only inside a NoGrad scope");
        assertThatThrownBy(() -> act.forwardInPlace(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("starReluInPlace");
        try (var _ = NoGrad.enter()) {
            Tensor whole = Tensor.uniform(Shape.of(10), -1, 1, 6);
            Variable head = Variable.constant(whole.slice(0, 5)), tail = Variable.constant(whole.slice(5, 10));
            assertThatThrownBy(() -> Arith.addInto(head, tail)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("addInto: target must not share its array with a");
            assertThatThrownBy(() -> Arith.addInto(a, uniform(6, 6))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("add");
        }
    }
}
