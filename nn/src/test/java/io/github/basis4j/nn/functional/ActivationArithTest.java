package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Activation}, {@link Arith} and {@link Dropouts}: forward against formulas evaluated in double,
 * backward against finite differences, accumulation, and argument checks. Their PyTorch golden values are
 * in {@code modules.LayersGoldenTest}.
 */
class ActivationArithTest {
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;
    /** Forward against a double formula: a few float ulps, relative, with a floor for values near 0. */
    private static final double RTOL = 1e-5, ATOL = 1e-6;
    /** Inputs of kinked functions keep this distance from 0, beyond the finite-difference step 1e-2. */
    private static final double KINK_MARGIN = 0.05;

    /** Uniform in [-2, 2] with every element at least KINK_MARGIN away from 0. */
    private static Parameter awayFromZero(Shape shape, long seed) {
        Tensor t = Tensor.uniform(shape, -2f, 2f, seed);
        for (int i = 0; i < t.size(); i++) {
            float v = t.get(i);
            if (Math.abs(v) < KINK_MARGIN) t.set(i, (float) (Math.copySign(KINK_MARGIN, v) + v));
        }
        return new Parameter(t);
    }

    private static void assertUnary(String what, Variable y, Tensor x, DoubleUnaryOperator f) {
        float[] expected = new float[x.size()];
        for (int i = 0; i < expected.length; i++) expected[i] = (float) f.applyAsDouble(x.get(i));
        Numerics.assertClose(what, expected, y.value().toArray(), RTOL, ATOL);
    }

    private static double erf(double x) {
        // Abramowitz–Stegun 7.1.26 is too coarse for 1e-5; integrate exp(−t²) by Simpson's rule instead.
        int n = 2000;
        double h = x / n, s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * Math.exp(-(i * h) * (i * h));
        return 2 / Math.sqrt(Math.PI) * s * h / 3;
    }

    @Test
    void activationsMatchTheirFormulas() {
        Parameter x = awayFromZero(Shape.of(3, 17), 11);
        Tensor xv = x.value();
        assertUnary("relu", Activation.relu(x), xv, v -> Math.max(v, 0));
        assertUnary("gelu", Activation.gelu(x), xv, v -> 0.5 * v * (1 + erf(v / Math.sqrt(2))));
        assertUnary("squaredRelu", Activation.squaredRelu(x), xv, v -> Math.max(v, 0) * Math.max(v, 0));
        assertUnary("sigmoid", Activation.sigmoid(x), xv, v -> 1 / (1 + Math.exp(-v)));
        assertUnary("tanh", Activation.tanh(x), xv, Math::tanh);
        Variable s = Variable.constant(Tensor.of(new float[] {0.8f}, 1)), b = Variable.constant(Tensor.of(new float[] {-0.3f}, 1));
        assertUnary("starRelu", Activation.starRelu(x, s, b), xv, v -> 0.8f * Math.max(v, 0) * Math.max(v, 0) + -0.3f);
    }

    @Test
    void activationGradients() {
        Parameter x = awayFromZero(Shape.of(2, 3, 5), 12);
        GradCheck.check("relu", List.of(x), v -> Activation.relu(v.get(0)), FD_RTOL, FD_ATOL);
        GradCheck.check("gelu", List.of(x), v -> Activation.gelu(v.get(0)), FD_RTOL, FD_ATOL);
        GradCheck.check("squaredRelu", List.of(x), v -> Activation.squaredRelu(v.get(0)), FD_RTOL, FD_ATOL);
        GradCheck.check("sigmoid", List.of(x), v -> Activation.sigmoid(v.get(0)), FD_RTOL, FD_ATOL);
        GradCheck.check("tanh", List.of(x), v -> Activation.tanh(v.get(0)), FD_RTOL, FD_ATOL);
        Parameter s = new Parameter(Tensor.of(new float[] {0.7f}, 1)), b = new Parameter(Tensor.of(new float[] {0.2f}, 1));
        GradCheck.check("starRelu", List.of(x, s, b), v -> Activation.starRelu(v.get(0), v.get(1), v.get(2)), FD_RTOL, FD_ATOL);
    }

    @Test
    void arithmeticMatchesLoopsAndFiniteDifferences() {
        Parameter a = new Parameter(Tensor.uniform(Shape.of(2, 3, 4), -1, 1, 21));
        Parameter b = new Parameter(Tensor.uniform(Shape.of(2, 3, 4), -1, 1, 22));
        Parameter c = new Parameter(Tensor.uniform(Shape.of(4), 0.5f, 1.5f, 23));
        float[] add = new float[24], mul = new float[24], addC = new float[24], mulC = new float[24], sc = new float[24];
        for (int i = 0; i < 24; i++) {
            float av = a.value().get(i), bv = b.value().get(i), cv = c.value().get(i % 4);
            add[i] = av + bv;
            mul[i] = av * bv;
            addC[i] = av + cv;
            mulC[i] = av * cv;
            sc[i] = -1.5f * av;
        }
        Numerics.assertClose("add", add, Arith.add(a, b).value().toArray(), 0, 0);
        Numerics.assertClose("mul", mul, Arith.mul(a, b).value().toArray(), 0, 0);
        Numerics.assertClose("addChannels", addC, Arith.addChannels(a, c).value().toArray(), 0, 0);
        Numerics.assertClose("mulChannels", mulC, Arith.mulChannels(a, c).value().toArray(), 0, 0);
        Numerics.assertClose("scale", sc, Arith.scale(a, -1.5f).value().toArray(), 0, 0);

        GradCheck.check("add", List.of(a, b), v -> Arith.add(v.get(0), v.get(1)), FD_RTOL, FD_ATOL);
        GradCheck.check("mul", List.of(a, b), v -> Arith.mul(v.get(0), v.get(1)), FD_RTOL, FD_ATOL);
        GradCheck.check("addChannels", List.of(a, c), v -> Arith.addChannels(v.get(0), v.get(1)), FD_RTOL, FD_ATOL);
        GradCheck.check("mulChannels", List.of(a, c), v -> Arith.mulChannels(v.get(0), v.get(1)), FD_RTOL, FD_ATOL);
        GradCheck.check("scale", List.of(a), v -> Arith.scale(v.get(0), -1.5f), FD_RTOL, FD_ATOL);
    }

    @Test
    void dropoutAndDropPathGradientsWithAFixedMask() {
        Parameter x = new Parameter(Tensor.uniform(Shape.of(6, 2, 3), -1, 1, 31));
        // A fresh generator per evaluation keeps the mask fixed across the finite differences.
        GradCheck.check("dropout", List.of(x), v -> Dropouts.dropout(v.get(0), 0.4, Rng.of(5)), FD_RTOL, FD_ATOL);
        GradCheck.check("dropPath", List.of(x), v -> Dropouts.dropPath(v.get(0), 0.5, Rng.of(6)), FD_RTOL, FD_ATOL);
    }

    @Test
    void backwardAddsIntoExistingGradients() {
        Parameter x = awayFromZero(Shape.of(2, 4), 41);
        Parameter c = new Parameter(Tensor.uniform(Shape.of(4), -1, 1, 42));
        Variable once = Arith.mulChannels(Activation.gelu(Variable.constant(x.value())), c);
        once.backward(Tensor.full(once.shape(), 1f));
        float[] first = c.grad().toArray();
        Variable again = Arith.mulChannels(Activation.gelu(Variable.constant(x.value())), c);
        again.backward(Tensor.full(again.shape(), 1f));
        for (int i = 0; i < first.length; i++) assertThat(c.grad().get(i)).isEqualTo(2 * first[i]);
    }

    @Test
    void reluAndAddHandTheirOutputGradientOnWithoutChangingTheCallers() {
        Parameter x = awayFromZero(Shape.of(3, 7), 61);
        Tensor dy = Tensor.uniform(Shape.of(3, 7), -1, 1, 62);
        float[] dyBefore = dy.toArray(), xs = x.value().toArray(), d = dy.toArray();
        // The add hands g to relu's output, which masks it in place and hands it to x; x's first gradient,
        // from the add's second operand, is already there, so relu adds instead.
        Arith.add(Activation.relu(x), x).backward(dy);
        float[] expected = new float[d.length];
        for (int i = 0; i < d.length; i++) expected[i] = d[i] * ((xs[i] > 0 ? 1 : 0) + 1);
        assertThat(x.grad().toArray()).containsExactly(expected);
        // x + x: the first operand takes g, the second adds g into it.
        x.zeroGrad();
        Arith.add(x, x).backward(dy);
        for (int i = 0; i < d.length; i++) expected[i] = 2 * d[i];
        assertThat(x.grad().toArray()).containsExactly(expected);
        // relu(x) alone, twice: the first backward's masked g becomes x's gradient, the second adds to it.
        x.zeroGrad();
        Activation.relu(x).backward(dy);
        Activation.relu(x).backward(dy);
        for (int i = 0; i < d.length; i++) expected[i] = xs[i] > 0 ? 2 * d[i] : 0f;
        assertThat(x.grad().toArray()).containsExactly(expected);
        assertThat(dy.toArray()).as("the caller's output gradient").containsExactly(dyBefore);
        x.zeroGrad();
    }

    @Test
    void frozenOperandsGetNoGradientAndNoGradRecordsNothing() {
        Parameter x = awayFromZero(Shape.of(2, 4), 51);
        Variable s = Variable.constant(Tensor.of(new float[] {2f}, 1));
        Parameter b = new Parameter(Tensor.of(new float[] {0.5f}, 1));
        Activation.starRelu(x, s, b).backward(Tensor.full(Shape.of(2, 4), 1f));
        assertThat(s.grad()).isNull();
        assertThat(b.grad().get(0)).isEqualTo(8f);
        try (NoGrad ignored = NoGrad.enter()) {
            assertThat(Activation.relu(x).requiresGrad()).isFalse();
            assertThat(Arith.add(x, x).gradFn()).isNull();
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Variable x = Variable.constant(Tensor.zeros(2, 3, 4));
        assertThatThrownBy(() -> Arith.add(x, Variable.constant(Tensor.zeros(2, 4, 3))))
                .hasMessageContaining("add: b must have the shape of a [2, 3, 4], got [2, 4, 3]");
        assertThatThrownBy(() -> Arith.mulChannels(x, Variable.constant(Tensor.zeros(3))))
                .hasMessageContaining("mulChannel: b must be [c] = [4] to match x [2, 3, 4] (channel-last), got [3]");
        assertThatThrownBy(() -> Arith.addChannels(x, Variable.constant(Tensor.zeros(1, 4))))
                .hasMessageContaining("addChannel: b must be [c] = [4]");
        assertThatThrownBy(() -> Activation.starRelu(x, Variable.constant(Tensor.zeros(2)), Variable.constant(Tensor.zeros(1))))
                .hasMessageContaining("starRelu: scale must be [1], got [2]");
        assertThatThrownBy(() -> Activation.relu(null)).hasMessageContaining("relu: x must not be null");
        assertThatThrownBy(() -> Dropouts.dropout(x, 1.5, Rng.of(1))).hasMessageContaining("dropout: p must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> Arith.scale(x, Float.NaN)).hasMessageContaining("scale: alpha must be finite");
    }

    /** Softmax along each axis of a rank-3 tensor against a double loop; magnitudes up to 8 test the max shift. */
    @Test
    void softmaxAlongAnyAxisMatchesDoubleLoop() {
        Tensor x = Tensor.uniform(Shape.of(3, 4, 5), -8f, 8f, 21);
        int[] d = {3, 4, 5};
        for (int axis = 0; axis < 3; axis++) {
            Tensor y = Activation.softmax(Variable.constant(x), axis).value();
            float[] expected = new float[x.size()];
            for (int i = 0; i < d[0]; i++) {
                for (int j = 0; j < d[1]; j++) {
                    for (int k = 0; k < d[2]; k++) {
                        int[] at = {i, j, k};
                        double sum = 0;
                        for (int t = 0; t < d[axis]; t++) {
                            int[] o = at.clone();
                            o[axis] = t;
                            sum += Math.exp(x.at(o));
                        }
                        expected[(i * d[1] + j) * d[2] + k] = (float) (Math.exp(x.at(at)) / sum);
                    }
                }
            }
            Numerics.assertClose("softmax axis " + axis, expected, y.toArray(), RTOL, ATOL);
        }
    }

    @Test
    void softmaxGradientsAlongEveryAxisAccumulate() {
        Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 3, 4), -2f, 2f, 22));
        for (int axis = 0; axis < 3; axis++) {
            int a = axis;
            GradCheck.check("softmax axis " + a, List.of(x), v -> Activation.softmax(v.get(0), a), FD_RTOL, FD_ATOL);
        }
        // Backward adds: two uses of the op leave twice one use's gradient.
        for (int axis : new int[] {1, 2}) {
            x.zeroGrad();
            Tensor w = Tensor.uniform(x.shape(), -1f, 1f, 23);
            Arith.mul(Activation.softmax(x, axis), Variable.constant(w)).backward(Tensor.full(x.shape(), 1f));
            float[] once = x.grad().toArray();
            Arith.mul(Activation.softmax(x, axis), Variable.constant(w)).backward(Tensor.full(x.shape(), 1f));
            float[] twice = new float[once.length];
            for (int i = 0; i < once.length; i++) twice[i] = 2 * once[i];
            Numerics.assertClose("accumulated softmax gradient, axis " + axis, twice, x.grad().toArray(), 1e-6, 1e-7);
        }
        x.zeroGrad();
    }

    @Test
    void softmaxRejectsABadAxis() {
        Variable x = Variable.constant(Tensor.zeros(2, 3));
        assertThatThrownBy(() -> Activation.softmax(x, 2)).hasMessageContaining("softmax: axis must be in [0, 2) for x");
        assertThatThrownBy(() -> Activation.softmax(x, -1)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> Activation.softmax(null, 0)).hasMessageContaining("softmax: x must not be null");
    }
}
