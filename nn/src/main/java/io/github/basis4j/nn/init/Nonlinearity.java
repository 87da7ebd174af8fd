package io.github.basis4j.nn.init;

/**
 * The nonlinearities {@code torch.nn.init.calculate_gain} knows, with the gain PyTorch gives each
 * (see {@link Init#gain(Nonlinearity, double)}).
 */
public enum Nonlinearity {
    /** Gain 1. */
    LINEAR,
    /** Gain 1 (every convolution and transposed convolution of PyTorch's list). */
    CONV,
    /** Gain 1. */
    SIGMOID,
    /** Gain 5/3. */
    TANH,
    /** Gain √2. */
    RELU,
    /** Gain √(2 / (1 + slope²)); PyTorch's default slope is 0.01. */
    LEAKY_RELU,
    /** Gain 3/4 (PyTorch's choice for self-normalising networks). */
    SELU
}
