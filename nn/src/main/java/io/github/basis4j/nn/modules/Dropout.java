package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Dropouts;
import io.github.basis4j.nn.init.Rng;

/**
 * Dropout (Srivastava et al. 2014), mirroring {@code torch.nn.Dropout(p)}: in training mode each element
 * is zeroed with probability p and the survivors are scaled by {@code 1/(1 − p)}; in evaluation mode it
 * returns its input.
 *
 * <p>Shapes: any → the same shape. No state. Masks come from the {@link Rng} given here, one draw per
 * element per forward, so a seed reproduces them; they are not PyTorch's masks (its stream differs).
 *
 * <p>The functional twin is {@link Dropouts#dropout(Variable, double, Rng)}.
 */
public final class Dropout extends Module {
    private final double p;
    private final Rng rng;

    /**
     * @param p   the drop probability, in [0, 1]
     * @param rng the source of the masks
     */
    public Dropout(double p, Rng rng) {
        Args.probability("Dropout", p);
        this.p = p;
        this.rng = Args.requireRng("Dropout", rng);
    }

    /** x of any shape → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return isTraining() && p > 0 ? Dropouts.dropout(x, p, rng) : x;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }
}
