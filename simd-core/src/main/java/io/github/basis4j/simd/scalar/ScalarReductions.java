package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.ReductionKernels;

/** Plain-loop {@link ReductionKernels}: the test oracle and the fallback. */
public final class ScalarReductions implements ReductionKernels {
}
