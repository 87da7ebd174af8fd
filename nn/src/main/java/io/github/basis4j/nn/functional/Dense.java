package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.GemmKernels;

/**
 * Dense (fully connected) ops: {@code linear} as {@code torch.nn.functional.linear}, and 2-D matmul.
 * Both are single GEMMs; their backwards are two more, accumulating into the gradient buffers
 * ({@code beta = 1}).
 */
public final class Dense {
    private Dense() {
    }

    /**
     * {@code y = x·Wᵀ + b}. x is [..., in] (any leading dimensions, flattened to M rows; channel-last
     * feature maps [N, H, W, C] are pointwise-linear'd this way), W is [out, in] (PyTorch's layout), b is
     * [out] or null. y is [..., out].
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        try (var _ = OpProfiler.time(OpCategory.GEMM)) {
            Tensor xv = x.value(), w = weight.value();
            int[] dims = linearShape("linear", xv, w, bias);
            int in = w.dim(1), out = w.dim(0), m = xv.size() / in;
            Tensor y = Tensor.zeros(dims);
            GemmKernels gemm = Backends.current().gemm();
            gemm.sgemm(false, true, m, out, in, 1f, xv.data(), xv.offset(), in, w.data(), w.offset(), in, 0f, y.data(), y.offset(), out);
            if (bias != null) Elementwise.addChannel(y, bias.value(), y);
            return Graph.record(y, new Node(x, weight, bias) {
                @Override public String name() { return "linear"; }

                @Override
                protected void backward(Tensor g) {
                    if (needsGrad(0)) {
                        Tensor dx = gradOf(0);
                        gemm.sgemm(false, false, m, in, out, 1f, g.data(), g.offset(), out, w.data(), w.offset(), in,
                                1f, dx.data(), dx.offset(), in);
                    }
                    if (needsGrad(1)) {
                        Tensor dw = gradOf(1);
                        gemm.sgemm(true, false, out, in, m, 1f, g.data(), g.offset(), out, xv.data(), xv.offset(), in,
                                1f, dw.data(), dw.offset(), in);
                    }
                    if (bias != null && needsGrad(2)) Elementwise.addChannelBackward(g, null, gradOf(2));
                }
            });
        }
    }

    /**
     * {@link #linear} written into {@code out} {@code [..., out_features]} (overwritten, never read), for inference on
     * scratch the caller owns: no new tensor and no zero fill. Records nothing; returns a constant viewing out.
     *
     * @throws IllegalStateException    when the graph is being recorded
     * @throws IllegalArgumentException when a shape does not fit, naming it
     */
    public static Variable linearInto(Variable x, Variable weight, Variable bias, Tensor out) {
        Arith.requireInference("linearInto");
        try (var _ = OpProfiler.time(OpCategory.GEMM)) {
            Tensor xv = x.value(), w = weight.value();
            Shape shape = Shape.of(linearShape("linearInto", xv, w, bias));
            if (out == null || !out.shape().equals(shape)) {
                throw new IllegalArgumentException("linearInto: out must be " + shape + ", got " + (out == null ? "null" : out.shape()));
            }
            int in = w.dim(1), n = w.dim(0), m = xv.size() / in;
            Backends.current().gemm().sgemm(false, true, m, n, in, 1f, xv.data(), xv.offset(), in, w.data(), w.offset(), in,
                    0f, out.data(), out.offset(), n);
            if (bias != null) Elementwise.addChannel(out, bias.value(), out);
            return Variable.constant(out);
        }
    }

    /** The output dims {@code [..., out]} of x {@code [..., in]} times weight {@code [out, in]}ᵀ, after validation. */
    private static int[] linearShape(String op, Tensor xv, Tensor w, Variable bias) {
        if (w.rank() != 2) throw new IllegalArgumentException(op + ": weight must be [out, in], got " + w.shape());
        int in = w.dim(1), out = w.dim(0);
        if (xv.rank() < 1 || xv.dim(-1) != in) {
            throw new IllegalArgumentException(op + ": input must be [..., " + in + "] to match weight " + w.shape() + ", got " + xv.shape());
        }
        if (bias != null && (bias.value().rank() != 1 || bias.value().dim(0) != out)) {
            throw new IllegalArgumentException(op + ": bias must be [" + out + "], got " + bias.value().shape());
        }
        int[] dims = xv.shape().dims();
        dims[dims.length - 1] = out;
        return dims;
    }

    /** {@code c = a·b} for [m, k]·[k, n]. */
    public static Variable matmul(Variable a, Variable b) {
        try (var _ = OpProfiler.time(OpCategory.GEMM)) {
            Tensor av = a.value(), bv = b.value();
            if (av.rank() != 2 || bv.rank() != 2 || av.dim(1) != bv.dim(0)) {
                throw new IllegalArgumentException("matmul: need [m, k]·[k, n], got " + av.shape() + "·" + bv.shape());
            }
            int m = av.dim(0), k = av.dim(1), n = bv.dim(1);
            Tensor c = Tensor.zeros(m, n);
            GemmKernels gemm = Backends.current().gemm();
            gemm.sgemm(false, false, m, n, k, 1f, av.data(), av.offset(), k, bv.data(), bv.offset(), n, 0f, c.data(), 0, n);
            return Graph.record(c, new Node(a, b) {
                @Override public String name() { return "matmul"; }

                @Override
                protected void backward(Tensor g) {
                    if (needsGrad(0)) {
                        Tensor da = gradOf(0);
                        gemm.sgemm(false, true, m, k, n, 1f, g.data(), g.offset(), n, bv.data(), bv.offset(), n, 1f, da.data(), da.offset(), k);
                    }
                    if (needsGrad(1)) {
                        Tensor db = gradOf(1);
                        gemm.sgemm(true, false, k, n, m, 1f, av.data(), av.offset(), k, g.data(), g.offset(), n, 1f, db.data(), db.offset(), n);
                    }
                }
            });
        }
    }
}
