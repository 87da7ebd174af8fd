package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.SpectralKernels;

/** Vector API {@link SpectralKernels}; each method mirrors its twin in {@code ScalarSpectral}. */
public final class PanamaSpectral implements SpectralKernels {
}
