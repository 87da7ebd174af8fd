package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.FftKernels;

/** Vector API {@link FftKernels}; each method mirrors its twin in {@code ScalarFft}. */
public final class PanamaFft implements FftKernels {
}
