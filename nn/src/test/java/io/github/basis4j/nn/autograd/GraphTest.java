package io.github.basis4j.nn.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

class GraphTest {
    /** y = a ⊙ b, elementwise: the smallest op with two differentiable inputs. */
    static Variable mul(Variable a, Variable b) {
        float[] x = a.value().toArray(), y = b.value().toArray(), out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * y[i];
        return Graph.record(Tensor.of(out, a.shape().dims()), new Node(a, b) {
            @Override public String name() { return "mul"; }
            @Override protected void backward(Tensor g) {
                if (needsGrad(0)) addScaled(gradOf(0), g, y);
                if (needsGrad(1)) addScaled(gradOf(1), g, x);
            }
        });
    }

    /** y = Σ x. */
    static Variable sum(Variable a) {
        float s = 0;
        for (float v : a.value().toArray()) s += v;
        return Graph.record(Tensor.of(new float[] {s}), new Node(a) {
            @Override public String name() { return "sum"; }
            @Override protected void backward(Tensor g) {
                Tensor d = gradOf(0);
                for (int i = 0; i < d.size(); i++) d.set(i, d.get(i) + g.get(0));
            }
        });
    }

    private static void addScaled(Tensor dst, Tensor g, float[] s) {
        for (int i = 0; i < dst.size(); i++) dst.set(i, dst.get(i) + g.get(i) * s[i]);
    }

    @Test
    void sharedLeafReceivesTheSumOfAllUses() {
        // L = Σ (w⊙x1) + Σ (w⊙x2) + Σ (w⊙w)  →  dL/dw = x1 + x2 + 2w
        Parameter w = new Parameter(Tensor.of(new float[] {1, 2, 3}, 3));
        Variable x1 = Variable.constant(Tensor.of(new float[] {4, 5, 6}, 3));
        Variable x2 = Variable.constant(Tensor.of(new float[] {-1, 0.5f, 2}, 3));
        Variable l1 = sum(mul(w, x1)), l2 = sum(mul(w, x2)), l3 = sum(mul(w, w));
        Variable total = sum(mul(Variable.constant(Tensor.of(new float[] {1, 1, 1}, 3)),
                cat3(l1, l2, l3)));
        total.backward();
        assertThat(w.grad().toArray()).containsExactly(4 - 1 + 2, 5 + 0.5f + 4, 6 + 2 + 6);
        assertThat(x1.grad()).isNull();
    }

    /** Stacks three scalars into a [3] vector (a three-input node). */
    static Variable cat3(Variable a, Variable b, Variable c) {
        Tensor out = Tensor.of(new float[] {a.value().get(0), b.value().get(0), c.value().get(0)}, 3);
        return Graph.record(out, new Node(a, b, c) {
            @Override public String name() { return "cat3"; }
            @Override protected void backward(Tensor g) {
                for (int i = 0; i < 3; i++) {
                    if (needsGrad(i)) gradOf(i).set(0, gradOf(i).get(0) + g.get(i));
                }
            }
        });
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Parameter w = new Parameter(Tensor.of(new float[] {2}, 1));
        sum(mul(w, w)).backward();
        sum(mul(w, w)).backward();
        assertThat(w.grad().get(0)).isEqualTo(8f);
        w.zeroGrad();
        assertThat(w.grad()).isNull();
    }

    @Test
    void deepChainsNeedNoRecursion() {
        Parameter w = new Parameter(Tensor.of(new float[] {1.0f}, 1));
        Variable h = w;
        Variable one = Variable.constant(Tensor.of(new float[] {1.0f}, 1));
        for (int i = 0; i < 200_000; i++) h = mul(h, one);
        sum(h).backward();
        assertThat(w.grad().get(0)).isEqualTo(1f);
    }

    @Test
    void intermediateGradientsAndNodesAreReleasedAfterBackward() {
        Parameter w = new Parameter(Tensor.of(new float[] {3}, 1));
        Variable mid = mul(w, w);
        Variable out = sum(mid);
        assertThat(mid.gradFn()).isNotNull();
        out.backward();
        assertThat(mid.grad()).as("non-leaf gradient dropped").isNull();
        assertThat(mid.gradFn()).as("graph released").isNull();
        assertThat(w.grad().get(0)).isEqualTo(6f);
    }

    @Test
    void noGradRecordsNothing() {
        Parameter w = new Parameter(Tensor.of(new float[] {3}, 1));
        Variable y;
        try (NoGrad ignored = NoGrad.enter()) {
            y = mul(w, w);
            assertThat(NoGrad.isGradEnabled()).isFalse();
        }
        assertThat(NoGrad.isGradEnabled()).isTrue();
        assertThat(y.gradFn()).isNull();
        assertThat(y.requiresGrad()).isFalse();
        Variable fy = y;
        assertThatThrownBy(fy::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("does not require gradients");
    }

    @Test
    void backwardChecksShapes() {
        Parameter w = new Parameter(Tensor.of(new float[] {1, 2}, 2));
        Variable y = mul(w, w);
        assertThatThrownBy(y::backward).hasMessageContaining("single-element");
        assertThatThrownBy(() -> y.backward(Tensor.zeros(3))).hasMessageContaining("[2]").hasMessageContaining("[3]");
    }
}
