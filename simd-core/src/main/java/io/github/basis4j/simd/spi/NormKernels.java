package io.github.basis4j.simd.spi;

/**
 * Batch-norm and layer-norm statistics and affine maps with their backwards; Gram products for orthogonality regularisers.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarNormStats} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaNormStats} (Vector API). Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first.
 */
public interface NormKernels {
}
