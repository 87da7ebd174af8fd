package io.github.basis4j.fft;

import io.github.basis4j.simd.Tensor;

/**
 * The complex layout of basis4j's spectra, and converters to and from PyTorch's.
 *
 * <p>A complex tensor of logical shape {@code [N, H, Wc, C]} is stored as floats of shape
 * {@code [N, H, Wc, 2, C]}: for each frequency bin, the {@code C} real parts, then the {@code C}
 * imaginary parts.
 * <pre>
 *   Re(X[n, h, w, c]) = data[(((n·H + h)·Wc + w)·2)·C + c]
 *   Im(X[n, h, w, c]) = data[(((n·H + h)·Wc + w)·2)·C + C + c]
 * </pre>
 * Splitting per bin keeps one channel per vector lane with the real and imaginary parts of the same
 * channels exactly {@code C} floats apart, so butterflies and spectral products are vertical SIMD
 * with no shuffles. The spectral-product kernels use the same layout.
 *
 * <p>PyTorch's {@code torch.view_as_real(X)} of a complex {@code [N, H, Wc, C]} tensor is instead
 * {@code [N, H, Wc, C, 2]} (real and imaginary interleaved per element); {@link #fromViewAsReal} and
 * {@link #toViewAsReal} convert, for fixtures and interop. Both layouts hold {@code 2·N·H·Wc·C} floats.
 */
public final class ComplexLayout {
    private ComplexLayout() {
    }

    /** Index of {@code Re(X[n, h, w, c])} in a split spectrum {@code [N, H, Wc, 2, C]}; the imaginary part is at {@code + C}. */
    public static long realIndex(int n, int h, int w, int c, int height, int complexWidth, int channels) {
        return ((((long) n * height + h) * complexWidth + w) * 2) * channels + c;
    }

    /**
     * PyTorch's interleaved {@code [N, H, Wc, C, 2]} to ours, {@code [N, H, Wc, 2, C]}.
     *
     * @param interleaved a tensor of shape {@code [N, H, Wc, C, 2]}
     * @return a new tensor {@code [N, H, Wc, 2, C]}
     */
    public static Tensor fromViewAsReal(Tensor interleaved) {
        if (interleaved == null || interleaved.rank() != 5 || interleaved.dim(4) != 2) {
            throw new IllegalArgumentException("fromViewAsReal: expected [N, H, Wc, C, 2] (torch.view_as_real), got "
                    + (interleaved == null ? "null" : interleaved.shape()));
        }
        int n = interleaved.dim(0), h = interleaved.dim(1), wc = interleaved.dim(2), c = interleaved.dim(3);
        Tensor out = Tensor.zeros(n, h, wc, 2, c);
        fromViewAsReal(interleaved.data(), interleaved.offset(), out.data(), 0, n * h * wc, c);
        return out;
    }

    /**
     * Ours, {@code [N, H, Wc, 2, C]}, to PyTorch's interleaved {@code [N, H, Wc, C, 2]}.
     *
     * @param split a tensor of shape {@code [N, H, Wc, 2, C]}
     * @return a new tensor {@code [N, H, Wc, C, 2]}
     */
    public static Tensor toViewAsReal(Tensor split) {
        if (split == null || split.rank() != 5 || split.dim(3) != 2) {
            throw new IllegalArgumentException("toViewAsReal: expected [N, H, Wc, 2, C], got "
                    + (split == null ? "null" : split.shape()));
        }
        int n = split.dim(0), h = split.dim(1), wc = split.dim(2), c = split.dim(4);
        Tensor out = Tensor.zeros(n, h, wc, c, 2);
        toViewAsReal(split.data(), split.offset(), out.data(), 0, n * h * wc, c);
        return out;
    }

    /** {@code bins} bins of {@code c} interleaved (re, im) pairs to split bins ({@code 2·c} floats each). */
    public static void fromViewAsReal(float[] src, int srcOff, float[] dst, int dstOff, int bins, int c) {
        checkArgs("fromViewAsReal", src, srcOff, dst, dstOff, bins, c);
        for (int b = 0; b < bins; b++) {
            int s = srcOff + 2 * b * c, d = dstOff + 2 * b * c;
            for (int ch = 0; ch < c; ch++) {
                dst[d + ch] = src[s + 2 * ch];
                dst[d + c + ch] = src[s + 2 * ch + 1];
            }
        }
    }

    /** {@code bins} split bins ({@code 2·c} floats each) to {@code c} interleaved (re, im) pairs per bin. */
    public static void toViewAsReal(float[] src, int srcOff, float[] dst, int dstOff, int bins, int c) {
        checkArgs("toViewAsReal", src, srcOff, dst, dstOff, bins, c);
        for (int b = 0; b < bins; b++) {
            int s = srcOff + 2 * b * c, d = dstOff + 2 * b * c;
            for (int ch = 0; ch < c; ch++) {
                dst[d + 2 * ch] = src[s + ch];
                dst[d + 2 * ch + 1] = src[s + c + ch];
            }
        }
    }

    private static void checkArgs(String op, float[] src, int srcOff, float[] dst, int dstOff, int bins, int c) {
        if (bins < 0 || c < 0) throw new IllegalArgumentException(op + ": bins and c must be >= 0, got bins=" + bins + ", c=" + c);
        long need = 2L * bins * c;
        if (src == null || dst == null) throw new IllegalArgumentException(op + ": arrays must not be null");
        if (srcOff < 0 || srcOff + need > src.length) {
            throw new IllegalArgumentException(op + ": src needs " + need + " floats from offset " + srcOff + ", has " + src.length);
        }
        if (dstOff < 0 || dstOff + need > dst.length) {
            throw new IllegalArgumentException(op + ": dst needs " + need + " floats from offset " + dstOff + ", has " + dst.length);
        }
        if (src == dst && srcOff < dstOff + need && dstOff < srcOff + need) {
            throw new IllegalArgumentException(op + ": src and dst must not overlap");
        }
    }
}
