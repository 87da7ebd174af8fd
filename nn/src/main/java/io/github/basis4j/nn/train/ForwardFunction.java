package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;

/**
 * How the {@link Trainer} runs the model on a batch. The default is {@code model.forward(images)}; a model
 * with stochastic layers (dropout, drop path) takes the step's generator here instead of owning one, so a
 * resumed run draws exactly the numbers the uninterrupted run would have drawn.
 */
@FunctionalInterface
public interface ForwardFunction {
    /** The plain forward pass, ignoring the generator. */
    ForwardFunction DEFAULT = (model, images, rng) -> model.forward(Variable.constant(images));

    /**
     * @param model  the model, in training mode during training steps and in eval mode during evaluation
     * @param images {@code [B, H, W, C]}
     * @param rng    a generator for this step alone: the trainer's generator derived with the global step
     *               index (for evaluation, with the epoch index and batch number)
     * @return logits {@code [B, classes]}
     */
    Variable forward(Module model, Tensor images, Rng rng);
}
