package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.Backend;
import io.github.basis4j.simd.spi.ConvKernels;
import io.github.basis4j.simd.spi.ElementwiseKernels;
import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.spi.GemmKernels;
import io.github.basis4j.simd.spi.NormKernels;
import io.github.basis4j.simd.spi.PoolKernels;
import io.github.basis4j.simd.spi.ReductionKernels;
import io.github.basis4j.simd.spi.SpectralKernels;
import io.github.basis4j.simd.spi.WinogradKernels;

/** The plain-Java backend: correct everywhere, the oracle every vectorised kernel is tested against. */
public final class ScalarBackend implements Backend {
    private final GemmKernels gemm = new ScalarGemm();
    private final ConvKernels conv = new ScalarConvolutions();
    private final WinogradKernels winograd = new ScalarWinograd();
    private final PoolKernels pool = new ScalarPooling();
    private final ElementwiseKernels elementwise = new ScalarElementwise();
    private final ReductionKernels reductions = new ScalarReductions();
    private final NormKernels norm = new ScalarNormStats(gemm);
    private final FftKernels fft = new ScalarFft();
    private final SpectralKernels spectral = new ScalarSpectral();

    @Override public String name() { return "scalar"; }
    @Override public GemmKernels gemm() { return gemm; }
    @Override public ConvKernels conv() { return conv; }
    @Override public WinogradKernels winograd() { return winograd; }
    @Override public PoolKernels pool() { return pool; }
    @Override public ElementwiseKernels elementwise() { return elementwise; }
    @Override public ReductionKernels reductions() { return reductions; }
    @Override public NormKernels norm() { return norm; }
    @Override public FftKernels fft() { return fft; }
    @Override public SpectralKernels spectral() { return spectral; }
}
