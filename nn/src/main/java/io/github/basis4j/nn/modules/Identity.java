package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;

/**
 * {@code y = x}, mirroring {@code torch.nn.Identity}: a placeholder where a configuration turns a layer off
 * (a MetaFormer block without layer scale, DFFormer's {@code act2}). Returns its input itself. No state.
 */
public final class Identity extends Module {
    /** x of any shape → x. */
    @Override
    public Variable forward(Variable x) {
        return x;
    }
}
