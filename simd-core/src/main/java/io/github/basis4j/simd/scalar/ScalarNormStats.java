package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.NormKernels;

/** Plain-loop {@link NormKernels}: the test oracle and the fallback. */
public final class ScalarNormStats implements NormKernels {
}
