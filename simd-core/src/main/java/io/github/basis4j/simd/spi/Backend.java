package io.github.basis4j.simd.spi;

/**
 * A set of compute kernels, one object per op family. Two ship with simd-core: {@code scalar}
 * (plain loops, the test oracle and the fallback) and {@code vector} (the JDK Vector API). Others
 * (a GPU plugin) are found through {@link BackendProvider} and {@link java.util.ServiceLoader}.
 *
 * <p>Kernels work on arrays, offsets and sizes, assert rather than validate, and never allocate in
 * their loops; the facades in {@code io.github.basis4j.simd.ops} validate and delegate.
 */
public interface Backend {
    /** The backend's name, as given to {@code -Dbasis4j.backend}. */
    String name();

    /** Matrix products. */
    GemmKernels gemm();

    /** Dense, grouped and depthwise 2-D convolutions over NHWC feature maps. */
    ConvKernels conv();

    /** Dense 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3), forward only (inference). */
    WinogradKernels winograd();

    /** Max, average, adaptive-average and global pooling; padding and strided subsampling. */
    PoolKernels pool();

    /** Elementwise arithmetic with channel broadcasting, activations and their backwards. */
    ElementwiseKernels elementwise();

    /** Sums, means, maxima over an axis, softmax, log-softmax, argmax and top-k. */
    ReductionKernels reductions();

    /** Batch-norm and layer-norm statistics and affine maps, Gram products for orthogonality. */
    NormKernels norm();

    /** Complex butterflies across channels for the fft module's real 2-D transforms. */
    FftKernels fft();

    /** Complex spectral filter products (global and dynamic filters) and their gradients. */
    SpectralKernels spectral();
}
