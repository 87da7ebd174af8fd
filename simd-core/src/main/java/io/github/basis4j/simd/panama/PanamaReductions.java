package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.ReductionKernels;

/** Vector API {@link ReductionKernels}; each method mirrors its twin in {@code ScalarReductions}. */
public final class PanamaReductions implements ReductionKernels {
}
