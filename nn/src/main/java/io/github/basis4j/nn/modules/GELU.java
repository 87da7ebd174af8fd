package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;

/**
 * Exact GELU {@code y = x·Φ(x)} (Hendrycks and Gimpel 2016), mirroring {@code torch.nn.GELU()} with its
 * default {@code approximate='none'}. Any shape → the same shape. No state. The functional twin is
 * {@link Activation#gelu(Variable)}.
 */
public final class GELU extends Module {
    /** x of any shape → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return Activation.gelu(x);
    }
}
