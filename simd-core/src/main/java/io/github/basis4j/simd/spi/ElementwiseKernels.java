package io.github.basis4j.simd.spi;

/**
 * Elementwise arithmetic with broadcasting over the channel axis, activations (ReLU, GELU, StarReLU, SquaredReLU, sigmoid, tanh, exp) and their backwards.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarElementwise} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaElementwise} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface ElementwiseKernels {
}
