package io.github.basis4j.inference;

/**
 * One class of a prediction: its label, its index among the model's outputs and its softmax probability.
 * {@link Predictor#classify} returns them best first.
 *
 * @param label       the class name ({@link Model#labels()} at {@code index})
 * @param index       the output index, {@code 0 ≤ index < numClasses}
 * @param probability the softmax of the logits at {@code index}, in [0, 1]
 */
public record Classification(String label, int index, double probability) {
    /** Validates the fields. */
    public Classification {
        if (label == null) throw new IllegalArgumentException("Classification: label must not be null");
        if (index < 0) throw new IllegalArgumentException("Classification: index must be >= 0, got " + index);
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("Classification: probability must be in [0, 1], got " + probability);
        }
    }
}
