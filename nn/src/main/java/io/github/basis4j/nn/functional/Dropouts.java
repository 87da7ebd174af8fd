package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;

/**
 * Random masking recorded for autograd: dropout over elements and drop-path (stochastic depth) over
 * samples. Both always mask (the training-mode behaviour); the {@code Dropout} and {@code DropPath} modules
 * skip them in evaluation mode.
 *
 * <p>Masks are drawn from the given {@link Rng} on the calling thread, one {@link Rng#nextDouble()} per
 * element (dropout) or per sample (drop-path), in row-major order: a unit is kept iff its draw is
 * {@code < 1 − p}, and kept units are scaled by {@code 1/(1 − p)} so the expectation is unchanged (all
 * units are dropped when p = 1). A seed therefore reproduces a mask exactly; it is not the mask PyTorch
 * draws for the same seed, since its generator differs. Multiplying by the mask and its backward go
 * through simd-core's {@link Elementwise} facade.
 */
public final class Dropouts {
    private Dropouts() {
    }

    /**
     * {@code torch.nn.functional.dropout(x, p, training=True)}: each element of x (any shape) is zeroed with
     * probability p, the rest scaled by {@code 1/(1 − p)}; the result has x's shape and backward multiplies
     * by the same mask.
     */
    public static Variable dropout(Variable x, double p, Rng rng) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor xv = checked("dropout", x, p, rng);
            int n = xv.size();
            float kept = keptScale(p);
            double keep = 1.0 - p;
            Tensor mask = Tensor.zeros(xv.shape());
            float[] m = mask.data();
            for (int i = 0; i < n; i++) m[i] = rng.nextDouble() < keep ? kept : 0f;
            Tensor y = Elementwise.mul(xv, mask);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "dropout"; }

                @Override
                protected void backward(Tensor g) {
                    Elementwise.mulBackward(xv, mask, g, gradOf(0), null);
                }
            });
        }
    }

    /**
     * timm's {@code drop_path(x, p, training=True)}: each sample of x {@code [n, …]} (its whole residual
     * branch) is zeroed with probability p, the kept samples scaled by {@code 1/(1 − p)}; the result has x's
     * shape.
     */
    public static Variable dropPath(Variable x, double p, Rng rng) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor xv = checked("dropPath", x, p, rng);
            if (xv.rank() < 1) throw new IllegalArgumentException("dropPath: x must be [n, ...], got a scalar");
            int samples = xv.dim(0);
            float kept = keptScale(p);
            double keep = 1.0 - p;
            float[] factor = new float[samples];
            for (int s = 0; s < samples; s++) factor[s] = rng.nextDouble() < keep ? kept : 0f;
            Tensor y = Tensor.zeros(xv.shape());
            for (int s = 0; s < samples; s++) Elementwise.scale(xv.slice(s, s + 1), factor[s], y.slice(s, s + 1));
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "dropPath"; }

                @Override
                protected void backward(Tensor g) {
                    Tensor dx = gradOf(0);
                    for (int s = 0; s < samples; s++) {
                        // A dropped sample gets no gradient: adding zero would only cost a pass over it.
                        if (factor[s] != 0f) Elementwise.axpy(factor[s], g.slice(s, s + 1), dx.slice(s, s + 1));
                    }
                }
            });
        }
    }

    private static Tensor checked(String op, Variable x, double p, Rng rng) {
        Tensor xv = Arith.value(op, "x", x);
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
        if (rng == null) throw new IllegalArgumentException(op + ": rng must not be null");
        return xv;
    }

    // 1/(1 − p) for kept units; with p = 1 nothing is kept and the factor is never used.
    private static float keptScale(double p) {
        return p < 1 ? (float) (1.0 / (1.0 - p)) : 0f;
    }
}
