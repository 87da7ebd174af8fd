package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;

/** {@code torch.nn.ReLU6}: {@code min(max(x, 0), 6)} elementwise, any shape {@code [..., c]}; no state. */
public final class ReLU6 extends Module {
    /** x {@code [..., c]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return MobileNetOps.relu6(x);
    }
}
