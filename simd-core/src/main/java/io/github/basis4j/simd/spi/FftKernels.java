package io.github.basis4j.simd.spi;

/**
 * Batched complex butterflies, twiddle multiplies and real/half-complex conversions, vectorised
 * across channels: the building blocks of the fft module's channel-last real 2-D transforms.
 *
 * <p><b>Complex vectors.</b> Every kernel works on <i>complex channel vectors</i>: {@code c}
 * complex numbers stored split, the {@code c} real parts followed by the {@code c} imaginary parts,
 * so one complex channel vector occupies {@code 2·c} floats:
 * <pre>
 *   Re(v[ch]) = a[off + ch]        Im(v[ch]) = a[off + c + ch]        0 ≤ ch &lt; c
 * </pre>
 * This is the fft module's spectrum layout {@code [N, H, Wc, 2, C]} seen one bin at a time. A vector
 * lane therefore always holds one channel, and every butterfly is pure vertical SIMD.
 *
 * <p><b>Runs.</b> A butterfly kernel processes a <i>run</i> of {@code count} consecutive complex
 * channel vectors ({@code count·2·c} contiguous floats) per input and output: input {@code r} of the
 * butterfly is the run at {@code srcOff + r·srcStride}, output {@code k} the run at
 * {@code dstOff + k·dstStride}. The same twiddle applies to the whole run, which is what lets a
 * Stockham pass over many columns (or many Stockham sub-sequences) make one call per twiddle group.
 *
 * <p><b>Butterflies.</b> {@code radixP} computes, per channel and per run position,
 * <pre>
 *   y_k = w_k · Σ_{r=0}^{p-1} a_r · ω^{r·k},   ω = exp(∓2πi/p)  (− forward, + inverse),   0 ≤ k &lt; p
 * </pre>
 * where {@code w_0 = 1} and {@code w_k} ({@code 1 ≤ k < p}) is read from {@code tw[twOff + 2(k−1)]}
 * (real) and {@code tw[twOff + 2(k−1) + 1]} (imaginary); a {@code null} {@code tw} means all
 * twiddles are 1. All inputs of a lane block are loaded before any output is stored, so a butterfly
 * may run in place ({@code src == dst}, same offsets and strides).
 *
 * <p><b>Real transforms.</b> A real row of even length {@code W = 2M} read as {@code M} complex
 * channel vectors ({@code z_m = x_{2m} + i·x_{2m+1}}, which is exactly the channel-last row's memory)
 * is transformed by an {@code M}-point complex FFT; {@link #realForwardPost} turns that into the
 * {@code M + 1} bins of the half spectrum, and {@link #realInversePre} is its inverse counterpart.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarFft} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaFft} (Vector API). None of these kernels allocates or
 * validates beyond {@code assert}; none uses {@code Parallel} (the fft module parallelises over rows
 * and columns around them).
 */
public interface FftKernels {
    /** Radix-2 butterfly: {@code y0 = a0 + a1}, {@code y1 = w1·(a0 − a1)}. See the class comment for the arguments. */
    void radix2(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                float[] tw, int twOff, int count, int c);

    /** Radix-3 butterfly. See the class comment for the arguments. */
    void radix3(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                float[] tw, int twOff, int count, int c);

    /** Radix-4 butterfly. See the class comment for the arguments. */
    void radix4(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                float[] tw, int twOff, int count, int c);

    /** Radix-5 butterfly. See the class comment for the arguments. */
    void radix5(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                float[] tw, int twOff, int count, int c);

    /** Radix-7 butterfly. See the class comment for the arguments. */
    void radix7(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                float[] tw, int twOff, int count, int c);

    /** Radix-8 butterfly. See the class comment for the arguments. */
    void radix8(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                float[] tw, int twOff, int count, int c);

    /**
     * Per-element complex scaling: {@code dst[e] = src[e] · w_e} for {@code e < n}, where element
     * {@code e} is the run of {@code blocks} complex channel vectors at {@code srcOff + e·srcStride}
     * (written at {@code dstOff + e·dstStride}) and {@code w_e = (w[wOff + 2e], w[wOff + 2e + 1])}.
     * May run in place. Bluestein's chirps and spectral products with a fixed kernel use it.
     */
    void complexMultiply(float[] src, int srcOff, int srcStride, float[] w, int wOff,
                         float[] dst, int dstOff, int dstStride, int n, int blocks, int c);

    /**
     * Post-processing of a real forward transform of even length {@code W = 2m}: {@code src} holds
     * {@code Z = DFT_m(z)}, {@code z_j = x_{2j} + i·x_{2j+1}}, as {@code m} complex channel vectors;
     * {@code dst} receives the {@code m + 1} bins {@code X_k = Σ_j x_j·exp(−2πijk/W)}, multiplied by
     * {@code edgeScale} for {@code k = 0} and {@code k = m} and by {@code midScale} otherwise.
     * {@code tw} holds {@code exp(−2πik/W)} for {@code 0 ≤ k ≤ m/2} as (re, im) pairs from
     * {@code twOff}. May run in place ({@code src == dst}, {@code srcOff == dstOff}, room for
     * {@code m + 1} vectors).
     */
    void realForwardPost(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff, int m, int c,
                         float edgeScale, float midScale);

    /**
     * Pre-processing of a real inverse transform of even length {@code W = 2m}: {@code src} holds
     * {@code m + 1} half-spectrum bins {@code X_k}; the imaginary parts of {@code X_0} and {@code X_m}
     * are ignored (as pocketfft's and PyTorch's c2r do) and every bin is first multiplied by
     * {@code edgeScale} ({@code k = 0, m}) or {@code midScale}. {@code dst} receives {@code m} complex
     * channel vectors {@code Z} such that {@code z = IDFT_m(Z)} (unnormalised, {@code exp(+…)}) gives
     * {@code z_j = x_{2j} + i·x_{2j+1}} with {@code x_n = Σ_{k<W} X_k·exp(+2πikn/W)} over the
     * Hermitian extension. {@code tw} holds {@code exp(+2πik/W)} for {@code 0 ≤ k ≤ m/2}. May run in
     * place.
     */
    void realInversePre(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff, int m, int c,
                        float edgeScale, float midScale);

    /**
     * Extends {@code w/2 + 1} half-spectrum bins to the full Hermitian spectrum of length {@code w}:
     * {@code dst_0 = Re(X_0)·edgeScale}, {@code dst_k = X_k·s_k} and {@code dst_{w−k} = conj(X_k)·s_k}
     * for {@code 1 ≤ k ≤ w/2}, where {@code s_k = edgeScale} at the Nyquist bin {@code 2k = w} (whose
     * imaginary part is ignored) and {@code midScale} elsewhere. Not in place.
     */
    void hermitianExtend(float[] src, int srcOff, float[] dst, int dstOff, int w, int c,
                         float edgeScale, float midScale);

    /** {@code dst[dstOff + i] = factor · src[srcOff + i]} for {@code i < n} (flat floats); may run in place. */
    void scale(float[] src, int srcOff, float[] dst, int dstOff, int n, float factor);
}
