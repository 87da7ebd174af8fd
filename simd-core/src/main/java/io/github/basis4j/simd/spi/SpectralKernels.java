package io.github.basis4j.simd.spi;

/**
 * Pointwise complex spectral products over channel-last half spectra (global filter, dynamic filter mixing) and their gradients.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarSpectral} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaSpectral} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface SpectralKernels {
}
