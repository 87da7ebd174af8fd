package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.PoolKernels;

/** Vector API {@link PoolKernels}; each method mirrors its twin in {@code ScalarPooling}. */
public final class PanamaPooling implements PoolKernels {
}
