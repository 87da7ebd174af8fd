package io.github.basis4j.simd.panama;

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

/** The Vector API backend; its species is {@link PanamaSpecies#FLOAT}. */
public final class PanamaBackend implements Backend {
    private final GemmKernels gemm = new PanamaGemm();
    private final ConvKernels conv = new PanamaConvolutions(gemm);
    private final WinogradKernels winograd = new PanamaWinograd();
    private final PoolKernels pool = new PanamaPooling();
    private final ElementwiseKernels elementwise = new PanamaElementwise();
    private final ReductionKernels reductions = new PanamaReductions();
    private final NormKernels norm = new PanamaNormStats(gemm);
    private final FftKernels fft = new PanamaFft();
    private final SpectralKernels spectral = new PanamaSpectral();

    @Override public String name() { return "vector"; }
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
