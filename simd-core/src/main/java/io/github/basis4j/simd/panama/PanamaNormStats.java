package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.NormKernels;

/** Vector API {@link NormKernels}; each method mirrors its twin in {@code ScalarNormStats}. */
public final class PanamaNormStats implements NormKernels {
}
