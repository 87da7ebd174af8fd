package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.ConvKernels;

/** Plain-loop {@link ConvKernels}: the test oracle and the fallback. */
public final class ScalarConvolutions implements ConvKernels {
}
