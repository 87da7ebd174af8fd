package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;

/**
 * An extra term added to the loss at every training step, such as the DSFB orthogonality penalty
 * {@code λ·mean((B Bᵀ − I)²)} over a stage's shared filter basis. The term is evaluated after the
 * forward pass, on the tape, so its gradient reaches the parameters it reads; the {@link Trainer} logs
 * its value under its name beside the data loss.
 * <pre>{@code
 * trainer.optRegularizer("orth", model -> Regularizers.orthogonality(basis).times(lambda));
 * }</pre>
 */
@FunctionalInterface
public interface Regularizer {
    /** The penalty for the model's current parameters: a one-element variable, already scaled by its weight. */
    Variable penalty(Module model);
}
