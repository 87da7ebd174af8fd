package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;

/**
 * {@code y = max(x, 0)}, mirroring {@code torch.nn.ReLU}. Any shape → the same shape. No state. The
 * functional twin is {@link Activation#relu(Variable)}.
 */
public final class ReLU extends Module {
    /** x of any shape → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return Activation.relu(x);
    }
}
