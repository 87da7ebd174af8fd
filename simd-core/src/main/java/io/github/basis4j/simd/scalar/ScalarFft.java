package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.FftKernels;

/** Plain-loop {@link FftKernels}: the test oracle and the fallback. */
public final class ScalarFft implements FftKernels {
}
