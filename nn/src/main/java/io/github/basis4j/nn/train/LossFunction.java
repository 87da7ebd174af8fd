package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Variable;

/**
 * The data term of a training objective: logits {@code [B, classes]} and {@code B} integer labels to a
 * one-element loss, recorded on the tape so the {@link Trainer} can back-propagate it. The usual choice is
 * {@code CrossEntropy::crossEntropy}; label smoothing or class weights go in a lambda:
 * <pre>{@code
 * LossFunction loss = (logits, labels) -> CrossEntropy.crossEntropy(logits, labels, null, 0.1, Reduction.MEAN);
 * }</pre>
 * The trainer weights each batch's value by its size when it averages over an epoch, which is exact for a
 * mean reduction without class weights.
 */
@FunctionalInterface
public interface LossFunction {
    /**
     * @param logits {@code [B, classes]}, as the model produced them
     * @param labels {@code B} labels in {@code [0, classes)}
     * @return a one-element variable
     */
    Variable loss(Variable logits, int[] labels);
}
