package io.github.basis4j.nn.loss;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;

/** Mean squared error, as {@code torch.nn.functional.mse_loss(input, target)}: mean((x − t)²). */
public final class Mse {
    private Mse() {
    }

    /** mean((input − target)²) over all elements; gradient 2(x − t)/n flows to the input only. */
    public static Variable mse(Variable input, Tensor target) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor x = input.value();
            if (!x.shape().equals(target.shape())) {
                throw new IllegalArgumentException("mse: target must have the input's shape " + x.shape() + ", got " + target.shape());
            }
            int n = x.size();
            double s = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) x.get(i) - target.get(i);
                s += d * d;
            }
            return Graph.record(Tensor.of(new float[] {(float) (s / n)}), new Node(input) {
                @Override public String name() { return "mse"; }

                @Override
                protected void backward(Tensor g) {
                    Tensor dx = gradOf(0);
                    float c = (float) (2.0 * g.get(0) / n);
                    for (int i = 0; i < n; i++) dx.set(i, dx.get(i) + c * (x.get(i) - target.get(i)));
                }
            });
        }
    }
}
