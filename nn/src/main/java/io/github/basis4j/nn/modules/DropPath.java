package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Dropouts;
import io.github.basis4j.nn.init.Rng;

/**
 * Stochastic depth (Huang et al. 2016), mirroring timm's {@code DropPath(drop_prob)} as MetaFormer uses it
 * on residual branches: in training mode each sample of the batch is zeroed with probability p and the
 * kept samples are scaled by {@code 1/(1 − p)}; in evaluation mode it returns its input.
 *
 * <p>Shapes: x {@code [n, …]} → the same shape. No state. Masks come from the {@link Rng} given here, one
 * draw per sample per forward; they are not PyTorch's masks (its stream differs).
 *
 * <p>The functional twin is {@link Dropouts#dropPath(Variable, double, Rng)}.
 */
public final class DropPath extends Module {
    private final double p;
    private final Rng rng;

    /**
     * @param p   the probability of dropping a sample's branch, in [0, 1]
     * @param rng the source of the masks
     */
    public DropPath(double p, Rng rng) {
        Args.probability("DropPath", p);
        this.p = p;
        this.rng = Args.requireRng("DropPath", rng);
    }

    /** x {@code [n, …]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return isTraining() && p > 0 ? Dropouts.dropPath(x, p, rng) : x;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }
}
