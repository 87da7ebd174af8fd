package io.github.basis4j.simd.spi;

/**
 * Batched complex butterflies and twiddle multiplies vectorised across channels, the building blocks of the fft module's channel-last transforms.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarFft} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaFft} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface FftKernels {
}
