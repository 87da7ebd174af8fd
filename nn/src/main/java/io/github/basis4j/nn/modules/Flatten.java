package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Shapes;

/**
 * {@code [n, d1, d2, …] → [n, d1·d2·…]}, mirroring {@code torch.nn.Flatten()} ({@code start_dim=1,
 * end_dim=-1}) on the tensor as it is laid out. On channel-last maps the element order is (h, w, c), not
 * PyTorch's (c, h, w), so a linear after a flatten of a map larger than 1×1 needs its weight columns
 * permuted when it comes from an NCHW checkpoint; after global pooling ({@code [n, 1, 1, c]}) the two agree.
 * No state. The functional twin is {@link Shapes#flatten(Variable)}.
 */
public final class Flatten extends Module {
    /** x {@code [n, …]} → {@code [n, ∏…]}. */
    @Override
    public Variable forward(Variable x) {
        return Shapes.flatten(x);
    }
}
