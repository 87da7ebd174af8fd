package io.github.basis4j.nn.autograd;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * A value in a define-by-run computation: a {@link Tensor}, whether gradients flow to it, the
 * {@link Node} that produced it (null for leaves), and its gradient after {@link #backward()}.
 *
 * <p>Ops in {@code io.github.basis4j.nn.functional} build the graph as they run: an op whose inputs
 * require gradients returns a variable whose {@link #gradFn()} records what backward needs. Inside
 * {@link NoGrad#enter()} nothing is recorded.
 *
 * <p>Gradients accumulate: backward kernels add into {@link #gradBuffer()}, so a variable used in several
 * places (a filter basis shared by all blocks of a stage) receives the sum of all its uses' gradients.
 */
public class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    /** A leaf holding {@code value}; gradients flow to it when {@code requiresGrad}. */
    public Variable(Tensor value, boolean requiresGrad) {
        if (value == null) throw new IllegalArgumentException("Variable: value must not be null");
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** A constant leaf (no gradient). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false);
    }

    /** The value. Ops must not modify the value of a variable another op may have saved. */
    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    /** Whether gradients flow to (or through) this variable. */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** The node that produced this variable, or null for a leaf or after the graph was released. */
    public Node gradFn() {
        return gradFn;
    }

    void setGradFn(Node node) {
        this.gradFn = node;
    }

    /** Whether this variable is a leaf (not produced by a recorded op). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The accumulated gradient, or null if none has flowed here yet. */
    public Tensor grad() {
        return grad;
    }

    /**
     * The gradient buffer, allocated zero-filled on first use: backward kernels add into it. Only for
     * variables that {@link #requiresGrad()}.
     */
    public Tensor gradBuffer() {
        if (!requiresGrad()) {
            throw new IllegalStateException("gradBuffer: this variable does not require gradients");
        }
        if (grad == null) grad = Tensor.zeros(value.shape());
        return grad;
    }

    /** Drops the gradient (optimisers call this between steps: "zero_grad(set_to_none=True)"). */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * Takes {@code g} as this variable's gradient if it has none yet and {@code g} has its shape; returns
     * whether it did. See {@link Node#adoptGrad}.
     */
    boolean adoptGrad(Tensor g) {
        if (!requiresGrad()) throw new IllegalStateException("adoptGrad: this variable does not require gradients");
        if (grad != null || !g.shape().equals(value.shape())) return false;
        grad = g;
        return true;
    }

    void releaseGrad() {
        grad = null;
    }

    /** Back-propagates from this scalar (one element): d(this)/d(this) = 1. */
    public void backward() {
        if (value.size() != 1) {
            throw new IllegalStateException("backward: a gradient can be implied only for a single-element output, got shape "
                    + value.shape() + "; pass the output gradient explicitly");
        }
        backward(Tensor.full(value.shape(), 1f));
    }

    /** Back-propagates {@code gradOutput} (same shape as this variable) through the recorded graph. */
    public void backward(Tensor gradOutput) {
        Graph.backward(this, gradOutput);
    }

    @Override
    public String toString() {
        return "Variable" + value.shape() + (gradFn != null ? " <" + gradFn.name() + ">" : requiresGrad ? " (leaf, grad)" : "");
    }
}
