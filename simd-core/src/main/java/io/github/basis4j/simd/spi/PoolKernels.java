package io.github.basis4j.simd.spi;

/**
 * Max, average, adaptive-average and global pooling, zero padding, channel zero-padding and strided subsampling, forward and backward.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarPooling} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaPooling} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface PoolKernels {
}
