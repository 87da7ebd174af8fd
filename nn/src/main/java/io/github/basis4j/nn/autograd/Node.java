package io.github.basis4j.nn.autograd;

import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The record of one op in the graph: its inputs and whatever its backward needs (saved by the
 * subclass). {@link #backward(Tensor)} receives the gradient of the op's output and adds the
 * gradients of the inputs into their {@link Variable#gradBuffer()}s; {@link #release()} then drops the
 * saved tensors, so intermediate buffers are freed as soon as backward has used them.
 */
public abstract class Node {
    private final Variable[] inputs;
    /** The variable this node produced; set by {@link Graph#record}, cleared once backward has run. */
    Variable output;
    /** The op category {@link OpProfiler} timed the forward under, so that backward is counted alike; null when off. */
    OpCategory profileCategory;

    /** A node over {@code inputs}; inputs that do not require gradients are skipped by the graph walk. */
    protected Node(Variable... inputs) {
        this.inputs = inputs;
    }

    /** The op's name, for messages ({@code "conv2d"}, {@code "add"}). */
    public abstract String name();

    /** Adds the inputs' gradients, given the output gradient (which the node must not keep). */
    protected abstract void backward(Tensor gradOutput);

    /** Drops saved tensors; called once backward has run. */
    protected void release() {
    }

    final Variable[] inputs() {
        return inputs;
    }

    /**
     * The inputs as recorded (null where an optional input such as a bias was absent), read-only: for tools
     * that inspect a recorded graph, e.g. counting an op's multiply-adds from its input and output shapes.
     */
    public final List<Variable> inputList() {
        return Collections.unmodifiableList(Arrays.asList(inputs));
    }

    /** Input {@code i}. */
    protected final Variable input(int i) {
        return inputs[i];
    }

    /** Whether input {@code i} needs a gradient (so backward can skip work for constants). */
    protected final boolean needsGrad(int i) {
        return inputs[i] != null && inputs[i].requiresGrad();
    }

    /** The gradient buffer of input {@code i}, allocated zero-filled on first use. */
    /**
     * Hands {@code g}, the output gradient this node's {@link #backward} received, to input i as its whole
     * gradient when that input has none yet (and the shapes agree), and returns true; returns false, changing
     * nothing, otherwise, and the caller adds into {@link #gradOf} as usual. The graph drops the output's
     * gradient as soon as this node's backward returns, so nothing else holds it: an op whose input gradient
     * equals its output gradient, or equals it after masking it in place, passes it on without the zero-filled
     * buffer and the extra pass that adding into a new one would cost. After a successful call the node must
     * not write {@code g} again: it now belongs to the input.
     */
    protected final boolean adoptGrad(int i, Tensor g) {
        return inputs[i].adoptGrad(g);
    }

    protected final Tensor gradOf(int i) {
        return inputs[i].gradBuffer();
    }
}
