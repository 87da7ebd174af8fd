package io.github.basis4j.simd.spi;

/**
 * Sums, means and maxima over an axis, softmax and log-softmax over the last axis, argmax and top-k.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarReductions} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaReductions} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface ReductionKernels {
}
