package io.github.basis4j.simd.spi;

/**
 * Dense, grouped and depthwise 2-D convolutions over NHWC feature maps, forward and backward.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarConvolutions} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaConvolutions} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface ConvKernels {
}
