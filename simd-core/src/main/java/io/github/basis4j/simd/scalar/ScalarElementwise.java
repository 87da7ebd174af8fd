package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.ElementwiseKernels;

/** Plain-loop {@link ElementwiseKernels}: the test oracle and the fallback. */
public final class ScalarElementwise implements ElementwiseKernels {
}
