package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.PoolKernels;

/** Plain-loop {@link PoolKernels}: the test oracle and the fallback. */
public final class ScalarPooling implements PoolKernels {
}
