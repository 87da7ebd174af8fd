package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two ops AFNO2D added: {@link Activation#softshrink} (values exactly PyTorch's, gradient against central
 * differences in double, accumulation, bad λ) and {@link Spectral#blockComplexLinear}'s wiring into autograd (the
 * arithmetic is checked in double in the fft module's {@code BlockComplexLinearTest}).
 */
class AfnoOpsTest {
    private static final float LAMBDA = 0.01f;

    /** PyTorch's softshrink: {@code x > λ ? x - λ : x < -λ ? x + λ : 0}, in float as its kernel computes it. */
    private static float softshrink(float x, float lambda) {
        return x > lambda ? x - lambda : x < -lambda ? x + lambda : 0f;
    }

    @Test
    void softshrinkGivesPyTorchsFloatsIncludingAtTheThresholds() {
        float[] v = {-1.5f, -0.0100001f, -LAMBDA, -0.0099999f, -0f, 0f, 0.005f, LAMBDA, 0.0100001f, 0.25f, 3e7f, -3e7f};
        float[] x = new float[v.length + 200];
        System.arraycopy(v, 0, x, 0, v.length);
        float[] rnd = Numerics.randomFloats(200, 5);
        for (int i = 0; i < 200; i++) x[v.length + i] = rnd[i] * 0.03f;
        for (float lambda : new float[] {LAMBDA, 0f, 0.5f}) {
            float[] y = Activation.softshrink(Variable.constant(Tensor.of(x, x.length)), lambda).value().toArray();
            for (int i = 0; i < x.length; i++) {
                // Zero's sign is not compared: PyTorch's is +0 and ours may be -0, equal as values.
                assertThat(y[i]).as("softshrink(%s, %s)", x[i], lambda).isEqualTo(softshrink(x[i], lambda) + 0f);
                if (y[i] != 0f) assertThat(Float.floatToRawIntBits(y[i])).isEqualTo(Float.floatToRawIntBits(softshrink(x[i], lambda)));
            }
        }
    }

    /** dL/dx of L = Σ r·softshrink(x) by central differences of the double formula, inputs kept off ±λ. */
    @Test
    void softshrinkGradientMatchesFiniteDifferencesInDoubleAndAccumulates() {
        int n = 301;
        float[] x = Numerics.randomFloats(n, 7);
        for (int i = 0; i < n; i++) {
            x[i] *= 0.05f;
            if (Math.abs(Math.abs(x[i]) - LAMBDA) < 1e-3) x[i] += 3e-3f;
        }
        float[] r = Numerics.randomFloats(n, 8);
        double h = 1e-4;
        double[] numeric = Numerics.numericGradient(v -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double y = v[i] > LAMBDA ? v[i] - LAMBDA : v[i] < -LAMBDA ? v[i] + LAMBDA : 0;
                s += r[i] * y;
            }
            return s;
        }, Numerics.toDouble(x), h);
        Parameter p = new Parameter(Tensor.of(x.clone(), n));
        float prior = 0.5f;
        p.gradBuffer().copyFrom(filled(n, prior));
        Activation.softshrink(p, LAMBDA).backward(Tensor.of(r, n));
        double[] expected = Arrays.stream(numeric).map(g -> g + prior).toArray();
        Numerics.assertGradient("softshrink dx (onto 0.5)", expected, p.grad().toArray(), 0, 1e-9, 1e-6);
        // Exactly at ±λ the gradient is 0, as PyTorch's (|x| > λ is false there).
        Parameter edge = new Parameter(Tensor.of(new float[] {LAMBDA, -LAMBDA, 0f}, 3));
        Activation.softshrink(edge, LAMBDA).backward(Tensor.of(new float[] {1f, 1f, 1f}, 3));
        assertThat(edge.grad().toArray()).containsOnly(0f);
    }

    @Test
    void softshrinkRejectsANegativeOrNaNThreshold() {
        Variable x = Variable.constant(Tensor.zeros(3));
        assertThatThrownBy(() -> Activation.softshrink(x, -0.1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softshrink: lambda must be >= 0, got -0.1");
        assertThatThrownBy(() -> Activation.softshrink(x, Float.NaN)).hasMessageContaining("got NaN");
    }

    /** Float finite differences through the recorded op (see {@link GradCheck}); the op is linear in each input. */
    @Test
    void blockComplexLinearGradientsReachSpecWeightAndBias() {
        int[][] cases = {{1, 3, 2, 2, 3, 2}, {2, 2, 3, 1, 4, 5}};
        long seed = 40;
        for (int[] c : cases) {
            int n = c[0], h = c[1], wc = c[2], nb = c[3], in = c[4], out = c[5];
            Parameter spec = new Parameter(Tensor.uniform(Shape.of(n, h, wc, 2, nb * in), -1, 1, seed++));
            Parameter w = new Parameter(Tensor.uniform(Shape.of(2, nb, in, out), -1, 1, seed++));
            Parameter b = new Parameter(Tensor.uniform(Shape.of(2, nb, out), -1, 1, seed++));
            GradCheck.check("blockComplexLinear " + Arrays.toString(c), List.of(spec, w, b),
                    v -> Spectral.blockComplexLinear(v.get(0), v.get(1), v.get(2)), 1e-3, 2e-4);
            GradCheck.check("blockComplexLinear without bias " + Arrays.toString(c), List.of(spec, w),
                    v -> Spectral.blockComplexLinear(v.get(0), v.get(1), null), 1e-3, 2e-4);
        }
    }

    @Test
    void blockComplexLinearUnderNoGradRecordsNothingAndRejectsNulls() {
        Parameter spec = new Parameter(Tensor.uniform(Shape.of(1, 2, 2, 2, 4), -1, 1, 1));
        Parameter w = new Parameter(Tensor.uniform(Shape.of(2, 2, 2, 3), -1, 1, 2));
        Variable recorded = Spectral.blockComplexLinear(spec, w, null);
        try (var ignored = NoGrad.enter()) {
            Variable y = Spectral.blockComplexLinear(spec, w, null);
            assertThat(y.requiresGrad()).isFalse();
            Numerics.assertBitIdentical("no-grad forward", recorded.value().toArray(), y.value().toArray());
        }
        assertThat(recorded.shape()).isEqualTo(Shape.of(1, 2, 2, 2, 6));
        assertThatThrownBy(() -> Spectral.blockComplexLinear(null, w, null)).hasMessageContaining("blockComplexLinear: spec must not be null");
        assertThatThrownBy(() -> Spectral.blockComplexLinear(spec, null, null)).hasMessageContaining("blockComplexLinear: weight must not be null");
    }

    private static Tensor filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return Tensor.of(a, n);
    }
}
