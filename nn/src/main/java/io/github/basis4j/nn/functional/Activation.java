package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;
import io.github.basis4j.simd.ops.Reductions;
import java.util.function.UnaryOperator;

/**
 * Activation functions recorded for autograd: ReLU, exact GELU, StarReLU, softshrink, SquaredReLU, sigmoid,
 * tanh and softmax along an axis.
 * Each takes a tensor of any shape and returns a new tensor of the same shape. simd-core's
 * {@link Elementwise} facade validates the arguments and runs the backend's kernels, forward and backward;
 * backward adds into the input gradients. ReLU-family backwards use the saved input; sigmoid and tanh use
 * their saved output, from which their derivatives follow. Saved tensors are references, not copies: inputs
 * and parameters must not change between forward and backward (optimisers step after backward).
 */
public final class Activation {
    private Activation() {
    }

    /** {@code torch.relu}: {@code y = max(x, 0)}; the gradient at 0 is 0, as PyTorch's. */
    public static Variable relu(Variable x) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor xv = Arith.value("relu", "x", x);
            Tensor y = Elementwise.relu(xv);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "relu"; }

                @Override
                protected void backward(Tensor g) {
                    // x's first gradient is g masked in place (no new buffer); otherwise it is added as usual,
                    // and adding the masked g gives the same, since masking twice changes nothing.
                    if (x.grad() == null) {
                        Elementwise.reluMask(xv, g, g);
                        if (adoptGrad(0, g)) return;
                    }
                    Elementwise.reluBackward(xv, g, gradOf(0));
                }
            });
        }
    }

    /** {@code torch.nn.functional.gelu(x)} (exact, erf-based, PyTorch's default): {@code y = x·Φ(x)}. */
    public static Variable gelu(Variable x) {
        return pointwise("gelu", x, Elementwise::gelu, Saved.INPUT, Elementwise::geluBackward);
    }

    /**
     * MetaFormer's StarReLU {@code y = s·relu(x)² + b}, with s and b of shape {@code [1]} (MetaFormer's
     * parameters). Gradients reach x, s and b: {@code dx = dy·2s·relu(x)}, {@code ds = Σ dy·relu(x)²},
     * {@code db = Σ dy}.
     */
    public static Variable starRelu(Variable x, Variable scale, Variable bias) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            String op = "starRelu";
            Tensor xv = Arith.value(op, "x", x), s = Arith.value(op, "scale", scale), b = Arith.value(op, "bias", bias);
            Tensor y = Elementwise.starRelu(xv, s, b);
            return Graph.record(y, new Node(x, scale, bias) {
                @Override public String name() { return "starRelu"; }

                @Override
                protected void backward(Tensor g) {
                    Elementwise.starReluBackward(xv, s, g, needsGrad(0) ? gradOf(0) : null,
                            needsGrad(1) ? gradOf(1) : null, needsGrad(2) ? gradOf(2) : null);
                }
            });
        }
    }

    /**
     * {@link #starRelu} written over x, for inference on a tensor the caller owns and will not read again (MetaFormer's
     * MLP after fc1, DFFormer's mixer after pwconv1): no new tensor, no zero fill on the calling thread. Returns x.
     *
     * @throws IllegalStateException when the graph is being recorded
     */
    public static Variable starReluInPlace(Variable x, Variable scale, Variable bias) {
        Arith.requireInference("starReluInPlace");
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            String op = "starReluInPlace";
            Tensor xv = Arith.value(op, "x", x);
            Elementwise.starRelu(xv, Arith.value(op, "scale", scale), Arith.value(op, "bias", bias), xv);
            return x;
        }
    }

    /**
     * {@code torch.nn.functional.softshrink(x, lambd)}: {@code x - λ} above λ, {@code x + λ} below -λ, 0 between
     * (AFNO's sparsity step on the spectrum). Computed as {@code relu(x - λ) - relu(-x - λ)}, which gives the same
     * floats (negation is exact), so the backward is two ReLU backwards: {@code dx += dy} where {@code |x| > λ}, zero
     * elsewhere and at ±λ, as PyTorch's.
     *
     * @param lambda the threshold, {@code >= 0} (PyTorch rejects negative ones)
     */
    public static Variable softshrink(Variable x, float lambda) {
        Tensor xv = Arith.value("softshrink", "x", x);
        if (!(lambda >= 0)) throw new IllegalArgumentException("softshrink: lambda must be >= 0, got " + lambda);
        Tensor above = Elementwise.addScalar(xv, -lambda);
        Tensor below = Elementwise.addScalar(Elementwise.scale(xv, -1f), -lambda);
        Tensor y = Elementwise.relu(above);
        Elementwise.axpy(-1f, Elementwise.relu(below), y);
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "softshrink"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.reluBackward(above, g, gradOf(0));
                Elementwise.reluBackward(below, g, gradOf(0));
            }
        });
    }

    /** MetaFormer's SquaredReLU (So et al., Primer): {@code y = relu(x)²}. */
    public static Variable squaredRelu(Variable x) {
        return pointwise("squaredRelu", x, Elementwise::squaredRelu, Saved.INPUT, Elementwise::squaredReluBackward);
    }

    /** {@code torch.sigmoid}: {@code y = 1/(1 + e^(−x))}; backward uses y: {@code dx = dy·y·(1 − y)}. */
    public static Variable sigmoid(Variable x) {
        return pointwise("sigmoid", x, Elementwise::sigmoid, Saved.OUTPUT, Elementwise::sigmoidBackward);
    }

    /** {@code torch.tanh}; backward uses y: {@code dx = dy·(1 − y²)}. */
    public static Variable tanh(Variable x) {
        return pointwise("tanh", x, Elementwise::tanh, Saved.OUTPUT, Elementwise::tanhBackward);
    }

    /**
     * {@code torch.softmax(x, dim=axis)}: each line of x along {@code axis} becomes {@code exp(x − max)/Σ exp(x − max)}.
     * DFFormer's routeing {@code reweight(...).view(B, F, C).softmax(dim=1)} normalises over the middle axis, so
     * any axis is accepted; the backward uses the output, {@code dx += y·(dy − Σ_axis dy·y)}.
     *
     * <p>simd-core's kernels work on the last axis. For another axis the input is copied with that axis moved
     * last ({@code [outer, n, inner]} → {@code [outer, inner, n]}) and the result copied back; the copies cost
     * two passes over x, small beside the kernels for the routeing tensors this serves.
     *
     * @param x    any shape of rank ≥ 1
     * @param axis the axis to normalise, {@code 0 <= axis < rank}
     * @return softmax of x along axis, x's shape
     */
    public static Variable softmax(Variable x, int axis) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            String op = "softmax";
            Tensor xv = value(op, "x", x);
            if (axis < 0 || axis >= xv.rank()) {
                throw new IllegalArgumentException(op + ": axis must be in [0, " + xv.rank() + ") for x " + xv.shape() + ", got " + axis);
            }
            if (xv.dim(axis) < 1) throw new IllegalArgumentException(op + ": axis " + axis + " of x " + xv.shape() + " must not be empty");
            int[] toLast = moveToLast(xv.rank(), axis);
            int[] fromLast = inverse(toLast);
            boolean last = axis == xv.rank() - 1;
            Tensor y = last ? Reductions.softmax(xv) : Reductions.softmax(xv.permute(toLast)).permute(fromLast);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "softmax"; }

                @Override
                protected void backward(Tensor g) {
                    if (last) {
                        Reductions.softmaxBackward(y, g, gradOf(0));
                        return;
                    }
                    Tensor yl = y.permute(toLast);
                    Tensor dxl = Tensor.zeros(yl.shape());
                    Reductions.softmaxBackward(yl, g.permute(toLast), dxl);
                    Elementwise.axpy(1f, dxl.permute(fromLast), gradOf(0));
                }
            });
        }
    }

    /** Which tensor a pointwise activation's backward reads: its input x or its output y. */
    private enum Saved {
        INPUT, OUTPUT
    }

    /** A pointwise backward kernel: adds the input gradient for dy into dx, from the saved x or y. */
    private interface PointwiseBackward {
        void addInto(Tensor saved, Tensor dy, Tensor dx);
    }

    /**
     * A pointwise activation without parameters: {@code y = forwardKernel(x)}, whose backward adds
     * {@code backwardKernel(saved, dy)} into x's gradient. The kernels are references to static methods, so
     * passing them allocates nothing.
     */
    private static Variable pointwise(String op, Variable x, UnaryOperator<Tensor> forwardKernel, Saved saved,
                                      PointwiseBackward backwardKernel) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor xv = Arith.value(op, "x", x);
            Tensor y = forwardKernel.apply(xv);
            Tensor kept = saved == Saved.INPUT ? xv : y;
            return Graph.record(y, new Node(x) {
                @Override public String name() { return op; }

                @Override
                protected void backward(Tensor g) {
                    backwardKernel.addInto(kept, g, gradOf(0));
                }
            });
        }
    }

    private static Tensor value(String op, String arg, Variable v) {
        Tensor t = Arith.value(op, arg, v);
        if (t.rank() < 1) throw new IllegalArgumentException(op + ": " + arg + " must have rank >= 1, got " + t.shape());
        return t;
    }

    /** The permutation that moves {@code axis} to the end and keeps the others in order. */
    private static int[] moveToLast(int rank, int axis) {
        int[] p = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) if (i != axis) p[j++] = i;
        p[rank - 1] = axis;
        return p;
    }

    private static int[] inverse(int[] p) {
        int[] q = new int[p.length];
        for (int i = 0; i < p.length; i++) q[p[i]] = i;
        return q;
    }
}
