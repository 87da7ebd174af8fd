package io.github.basis4j.nn.autograd;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * A learnable leaf variable owned by a module. Optimisers update {@link #value()} in place from
 * {@link #grad()}. A parameter object registered in several modules is one parameter: it is listed once
 * by {@code namedParameters()} and receives the sum of the gradients of all its uses.
 */
public final class Parameter extends Variable {
    /** A parameter holding {@code value} (not copied). */
    public Parameter(Tensor value) {
        super(value, true);
    }

    /** A zero-filled parameter of the given shape (initialisers fill it). */
    public static Parameter zeros(Shape shape) {
        return new Parameter(Tensor.zeros(shape));
    }

    @Override
    public String toString() {
        return "Parameter" + shape();
    }
}
