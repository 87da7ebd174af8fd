package io.github.basis4j.nn.loss;

/** How per-sample losses combine into the returned scalar, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** Weighted mean: divided by the number of samples, or by the sum of the target classes' weights. */
    MEAN,
    /** Plain sum over samples. */
    SUM
}
