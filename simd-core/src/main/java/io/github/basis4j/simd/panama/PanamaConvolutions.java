package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.ConvKernels;

/** Vector API {@link ConvKernels}; each method mirrors its twin in {@code ScalarConvolutions}. */
public final class PanamaConvolutions implements ConvKernels {
}
