package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.SpectralKernels;

/** Plain-loop {@link SpectralKernels}: the test oracle and the fallback. */
public final class ScalarSpectral implements SpectralKernels {
}
