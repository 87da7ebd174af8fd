package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.ElementwiseKernels;

/** Vector API {@link ElementwiseKernels}; each method mirrors its twin in {@code ScalarElementwise}. */
public final class PanamaElementwise implements ElementwiseKernels {
}
