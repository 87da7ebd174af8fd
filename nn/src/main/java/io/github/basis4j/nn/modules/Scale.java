package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * A learnable per-channel scale {@code y = x·scale}, mirroring MetaFormer's {@code Scale(dim, init_value,
 * trainable)} (its layer scale and residual scale).
 *
 * <p>Shapes: x {@code [..., dim]} → the same shape. State: {@code scale [dim]}, filled with initValue. When
 * not trainable the parameter stays in the state dict but receives no gradient.
 *
 * <p>The functional twin is {@link Arith#mulChannels(Variable, Variable)}.
 */
public final class Scale extends Module {
    private final Parameter scale;
    private final boolean trainable;

    /** A trainable scale starting at 1. */
    public Scale(int dim) {
        this(dim, 1.0, true);
    }

    /**
     * {@code Scale(dim, init_value, trainable)}.
     *
     * @param initValue the initial value of every element of scale
     * @param trainable whether scale receives gradients
     */
    public Scale(int dim, double initValue, boolean trainable) {
        if (dim < 1) throw new IllegalArgumentException("Scale: dim must be >= 1, got " + dim);
        if (!Double.isFinite(initValue)) throw new IllegalArgumentException("Scale: initValue must be finite, got " + initValue);
        this.scale = registerParameter("scale", new Parameter(Tensor.full(Shape.of(dim), (float) initValue)));
        this.trainable = trainable;
    }

    /** x {@code [..., dim]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return Arith.mulChannels(x, trainable ? scale : Variable.constant(scale.value()));
    }

    /** The scale {@code [dim]}. */
    public Parameter scale() {
        return scale;
    }
}
