package io.github.basis4j.simd.spi;

/**
 * Pointwise complex spectral products over channel-last half spectra (global filter, dynamic filter mixing) and their gradients.
 *
 * <p><b>Layouts.</b> A half spectrum of logical complex shape {@code [n, H, Wc, c]} is stored planar per
 * frequency bin, {@code [n, H, Wc, 2, c]}: for each bin, {@code c} real parts then {@code c} imaginary parts.
 * The kernels never need H and Wc apart, only their product {@code bins = H·Wc}; with
 * {@code b = s·bins + j} for sample {@code s} and bin {@code j}:
 * <pre>
 *   Re x[s, j, ch] = x[xOff + b·2c + ch]        Im x[s, j, ch] = x[xOff + b·2c + c + ch]
 * </pre>
 * <ul>
 *   <li>global filter {@code k[H, Wc, 2, c]}: the same planar layout without the sample axis,
 *       {@code Re k[j, ch] = k[kOff + j·2c + ch]}, {@code Im} at {@code + c};</li>
 *   <li>dynamic filter bank {@code k[H, Wc, f, 2]}: PyTorch's {@code complex_weights} layout
 *       ({@code view_as_real}), {@code Re k[j, q] = k[kOff + (j·f + q)·2]}, {@code Im} at {@code + 1}. Each
 *       {@code k[j, q]} is one complex scalar broadcast over the channel vector, so interleaving costs nothing;</li>
 *   <li>routeing weights {@code r[n, f, c]} (real): {@code r[s, q, ch] = r[rOff + (s·f + q)·c + ch]}, exactly the
 *       reference's {@code reweight(...).view(B, num_filters, -1).softmax(dim=1)}.</li>
 * </ul>
 *
 * <p><b>Gradients</b> treat real and imaginary parts as independent real inputs, as PyTorch's autograd does
 * through {@code view_as_real}: for {@code y = x·w}, {@code gx = gy·conj(w)} and {@code gw = gy·conj(x)}; a real
 * weight cast to complex receives the real part of its complex gradient. Backward kernels add into their
 * gradient buffers ({@code +=}); the caller zeroes them first. A {@code null} gradient buffer is skipped.
 *
 * <p><b>Threading.</b> Implementations split bins into chunks of {@link #binsPerChunk} bins over
 * {@code Parallel}; reductions over bins keep one partial per chunk and combine them in chunk order, so
 * results are bit-identical for any thread count. Implemented by {@code ScalarSpectral} (plain loops, the oracle)
 * and {@code PanamaSpectral} (Vector API, lanes across channels).
 */
public interface SpectralKernels {
    /** Target multiply-adds per parallel chunk: large enough to amortise a fork, small enough to balance 2–16 cores. */
    int CHUNK_WORK = 1 << 15;

    /**
     * Bins per parallel chunk when one bin costs {@code madsPerBin} multiply-adds: a function of the problem only,
     * never of the thread count. Each kernel and its twin pass the same cost, so both group partial sums identically.
     */
    static int binsPerChunk(long madsPerBin) {
        return (int) Math.max(1, CHUNK_WORK / Math.max(1, madsPerBin));
    }

    /**
     * Global filter forward, {@code y[s, j, ch] = x[s, j, ch] · k[j, ch]} (complex). Overwrites {@code y}; {@code y}
     * may be {@code x} itself (in place) but must not overlap it otherwise.
     *
     * @param x    half spectrum {@code [n, H, Wc, 2, c]}
     * @param k    filter {@code [H, Wc, 2, c]}
     * @param y    output {@code [n, H, Wc, 2, c]}
     * @param n    samples
     * @param bins {@code H·Wc}
     * @param c    channels
     */
    void globalFilterForward(float[] x, int xOff, float[] k, int kOff, float[] y, int yOff, int n, int bins, int c);

    /**
     * Global filter backward: {@code gx += gy·conj(k)} and {@code gk[j, ch] += Σ_s gy[s, j, ch]·conj(x[s, j, ch])}
     * (the sum over samples in ascending order). Shapes as {@link #globalFilterForward}; {@code gx} or {@code gk}
     * may be {@code null} to skip it.
     */
    void globalFilterBackward(float[] x, int xOff, float[] k, int kOff, float[] gy, int gyOff,
                              float[] gx, int gxOff, float[] gk, int gkOff, int n, int bins, int c);

    /**
     * Dynamic filter forward, fused: {@code y[s, j, ch] = x[s, j, ch] · Σ_q r[s, q, ch]·k[j, q]} (complex
     * {@code k}, real {@code r}), the reference's {@code einsum('bfc,hwf->bhwc', routeing, complex_weights)} followed
     * by the product. The mixed filter is formed per bin in registers and never stored. Overwrites {@code y};
     * {@code y} may be {@code x} itself but must not overlap it otherwise.
     *
     * @param x    half spectrum {@code [n, H, Wc, 2, c]}
     * @param r    routeing weights {@code [n, f, c]}
     * @param k    filter bank {@code [H, Wc, f, 2]}
     * @param y    output {@code [n, H, Wc, 2, c]}
     * @param f    filters
     */
    void dynamicFilterForward(float[] x, int xOff, float[] r, int rOff, float[] k, int kOff, float[] y, int yOff,
                              int n, int bins, int f, int c);

    /**
     * Dynamic filter backward. With {@code w[s, j, ch] = Σ_q r[s, q, ch]·k[j, q]} and
     * {@code gw = gy·conj(x)}:
     * <pre>
     *   gx[s, j, ch] += gy[s, j, ch]·conj(w[s, j, ch])
     *   gk[j, q]     += Σ_s Σ_ch r[s, q, ch]·gw[s, j, ch]                                 (complex)
     *   gr[s, q, ch] += Σ_j Re(gw[s, j, ch]·conj(k[j, q]))
     * </pre>
     * Shapes as {@link #dynamicFilterForward}; {@code gx}, {@code gr} or {@code gk} may be {@code null} to skip it.
     */
    void dynamicFilterBackward(float[] x, int xOff, float[] r, int rOff, float[] k, int kOff, float[] gy, int gyOff,
                               float[] gx, int gxOff, float[] gr, int grOff, float[] gk, int gkOff,
                               int n, int bins, int f, int c);
}
