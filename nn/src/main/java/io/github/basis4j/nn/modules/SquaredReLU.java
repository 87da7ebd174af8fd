package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;

/**
 * {@code y = relu(x)²} (So et al., Primer, 2021), mirroring MetaFormer's {@code SquaredReLU}. Any shape →
 * the same shape. No state. The functional twin is {@link Activation#squaredRelu(Variable)}.
 */
public final class SquaredReLU extends Module {
    /** x of any shape → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return Activation.squaredRelu(x);
    }
}
