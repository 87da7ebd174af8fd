package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;
import java.util.function.BinaryOperator;

/**
 * Elementwise arithmetic recorded for autograd: same-shape sum and product, a per-channel bias or scale
 * broadcast over the last axis of a channel-last tensor, and scaling by a constant. simd-core's
 * {@link Elementwise} facade validates the shapes (naming the operation and the shapes) and runs the
 * backend's kernels; backward adds into the input gradients, and a per-channel gradient is summed over all
 * rows in an order that does not depend on the thread count. Saved operands are references, not copies:
 * they must not change between forward and backward.
 *
 * <p>Nothing broadcasts implicitly: a same-shape op demands equal shapes, a channel op a {@code [c]} vector
 * matching x's last axis.
 */
public final class Arith {
    private Arith() {
    }

    /** {@code a + b} for two tensors of one shape (a residual sum); the gradient flows unchanged to both. */
    public static Variable add(Variable a, Variable b) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor y = Elementwise.add(value("add", "a", a), value("add", "b", b));
            return Graph.record(y, new Node(a, b) {
                @Override public String name() { return "add"; }

                @Override
                protected void backward(Tensor g) {
                    // a takes g itself when it has no gradient yet (a residual branch usually has none); b is
                    // added from g before anyone may write it. With a == b, b's buffer is g and the sum is 2g.
                    if (needsGrad(0) && !adoptGrad(0, g)) Elementwise.axpy(1f, g, gradOf(0));
                    if (needsGrad(1)) Elementwise.axpy(1f, g, gradOf(1));
                }
            });
        }
    }

    /**
     * {@code target += a} for two tensors of one shape, for inference: a residual sum written over a branch
     * output the caller owns and will not read again, which saves the new tensor (and its zero fill on the
     * calling thread) and one pass over memory. Returns target. Bit-identical to {@link #add(Variable, Variable)}.
     *
     * @throws IllegalStateException    when the graph is being recorded (an overwritten value may be saved for a
     *                                  backward)
     * @throws IllegalArgumentException when a shape differs, or target shares its array with a (a partial overlap
     *                                  would read values already overwritten)
     */
    public static Variable addInto(Variable a, Variable target) {
        requireInference("addInto");
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor av = value("addInto", "a", a), t = value("addInto", "target", target);
            if (av.data() == t.data()) {
                throw new IllegalArgumentException("addInto: target must not share its array with a, got both in one array of "
                        + t.data().length + " floats");
            }
            Elementwise.add(av, t, t);
            return target;
        }
    }

    /** Throws when ops record the graph: in-place ops are for inference only. */
    static void requireInference(String op) {
        if (NoGrad.isGradEnabled()) {
            throw new IllegalStateException(op + ": overwrites its input, so it runs only inside a NoGrad scope");
        }
    }

    /** {@code a · b} elementwise for two tensors of one shape: {@code da = dy·b}, {@code db = dy·a}. */
    public static Variable mul(Variable a, Variable b) {
        return product("mul", "a", a, "b", b, Elementwise::mul, Elementwise::mulBackward);
    }

    /**
     * {@code x + b} with b {@code [c]} added to every row of x {@code [..., c]} (a bias over the channel axis
     * of a channel-last map); {@code dx = dy}, {@code db = Σ_rows dy}.
     */
    public static Variable addChannels(Variable x, Variable b) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor y = Elementwise.addChannel(value("addChannels", "x", x), value("addChannels", "b", b));
            return Graph.record(y, new Node(x, b) {
                @Override public String name() { return "addChannels"; }

                @Override
                protected void backward(Tensor g) {
                    Elementwise.addChannelBackward(g, needsGrad(0) ? gradOf(0) : null, needsGrad(1) ? gradOf(1) : null);
                }
            });
        }
    }

    /**
     * {@code x · s} with s {@code [c]} multiplying every row of x {@code [..., c]} (MetaFormer's layer and
     * residual {@code Scale}); {@code dx = dy·s}, {@code ds = Σ_rows dy·x}.
     */
    public static Variable mulChannels(Variable x, Variable s) {
        return product("mulChannels", "x", x, "s", s, Elementwise::mulChannel, Elementwise::mulChannelBackward);
    }

    /** {@code alpha · x} for a constant alpha; {@code dx = alpha·dy}. */
    public static Variable scale(Variable x, float alpha) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            if (!Float.isFinite(alpha)) throw new IllegalArgumentException("scale: alpha must be finite, got " + alpha);
            Tensor y = Elementwise.scale(value("scale", "x", x), alpha);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "scale"; }

                @Override
                protected void backward(Tensor g) {
                    Elementwise.axpy(alpha, g, gradOf(0));
                }
            });
        }
    }

    /** A product's backward kernel: adds the gradients for dy into da and db, each skipped when null. */
    private interface ProductBackward {
        void addInto(Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db);
    }

    /**
     * A product of two inputs, {@code y = forwardKernel(a, b)}, whose backward needs both operands (saved) and
     * fills only the gradients that are wanted. The kernels are references to static methods, so passing them
     * allocates nothing.
     */
    private static Variable product(String op, String aName, Variable a, String bName, Variable b, BinaryOperator<Tensor> forwardKernel,
                                    ProductBackward backwardKernel) {
        try (var _ = OpProfiler.time(OpCategory.ELEMENTWISE)) {
            Tensor av = value(op, aName, a), bv = value(op, bName, b);
            Tensor y = forwardKernel.apply(av, bv);
            return Graph.record(y, new Node(a, b) {
                @Override public String name() { return op; }

                @Override
                protected void backward(Tensor g) {
                    backwardKernel.addInto(av, bv, g, needsGrad(0) ? gradOf(0) : null, needsGrad(1) ? gradOf(1) : null);
                }
            });
        }
    }

    /** x's value, or an exception naming the op and argument when x is null. */
    static Tensor value(String op, String arg, Variable v) {
        if (v == null) throw new IllegalArgumentException(op + ": " + arg + " must not be null");
        return v.value();
    }
}
