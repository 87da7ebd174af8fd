package io.github.basis4j.fft;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;

/**
 * Real 2-D FFTs over the H and W axes of channel-last tensors and their adjoints, with the
 * semantics of PyTorch's {@code torch.fft.rfft2(x, dim=(1, 2), norm=…)} and
 * {@code torch.fft.irfft2(X, s=(H, W), dim=(1, 2), norm=…)} and of their autograd backwards.
 *
 * <p>Shapes: real {@code [N, H, W, C]}; half spectrum {@code [N, H, Wc, 2, C]} with
 * {@code Wc = W/2 + 1}, split real/imaginary per bin ({@link ComplexLayout}). Odd {@code W} is
 * supported: {@code Wc = (W+1)/2} and there is no Nyquist bin. As in PyTorch, irfft2 ignores the
 * imaginary parts of the DC bins and (even {@code W}) of the Nyquist bins of the W axis, after the
 * transform along H. Unlike PyTorch, irfft2 does not crop or zero-pad: the spectrum's width must be
 * exactly {@code w/2 + 1}.
 *
 * <p>Adjoints (what {@code loss.backward()} gives in PyTorch): the gradient of rfft2 w.r.t. x is
 * {@code Re} of the adjoint of the half-spectrum map, which counts every bin once, so it equals
 * irfft2's pipeline at the forward's scale with the non-DC, non-Nyquist bins halved (irfft2 doubles
 * them). The gradient of irfft2 w.r.t. the spectrum is rfft2 of the gradient at the inverse's scale
 * with those bins doubled. Backward methods <b>add</b> into their gradient arguments.
 *
 * <p>Threads: parallel on {@link Parallel} over samples (a batch of at least as many samples as
 * threads), else over the rows and column strips of each sample ({@link RealFft2dPlan}); results are
 * bit-identical for any thread count. Plans are cached per (H, W, C, direction).
 */
public final class RealFft2d {
    private RealFft2d() {
    }

    /**
     * rfft2 of a channel-last tensor.
     *
     * @param x    real input {@code [N, H, W, C]}
     * @param norm normalisation ({@link Norm#ORTHO} for DFFormer)
     * @return the half spectrum {@code [N, H, W/2+1, 2, C]}
     */
    public static Tensor rfft2(Tensor x, Norm norm) {
        requireRank("rfft2", "x", x, 4, "[N, H, W, C]");
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        Tensor out = Tensor.zeros(n, h, w / 2 + 1, 2, c);
        rfft2(x.data(), x.offset(), out.data(), 0, n, h, w, c, norm);
        return out;
    }

    /**
     * irfft2 of a half spectrum back to a channel-last tensor.
     *
     * @param spectrum {@code [N, H, W/2+1, 2, C]}
     * @param h        output height, which must equal the spectrum's H
     * @param w        output width W (even and odd W share {@code Wc}, so it must be given)
     * @param norm     normalisation
     * @return the real tensor {@code [N, H, W, C]}
     */
    public static Tensor irfft2(Tensor spectrum, int h, int w, Norm norm) {
        checkSpectrum("irfft2", "spectrum", spectrum, h, w);
        int n = spectrum.dim(0), c = spectrum.dim(4);
        Tensor out = Tensor.zeros(n, h, w, c);
        irfft2(spectrum.data(), spectrum.offset(), out.data(), 0, n, h, w, c, norm);
        return out;
    }

    /**
     * Gradient of rfft2: adds {@code ∂L/∂x} to {@code gradX}, given {@code ∂L/∂X} (PyTorch's complex
     * gradient convention, {@code ∂L/∂Re + i·∂L/∂Im}).
     *
     * @param gradSpectrum {@code [N, H, W/2+1, 2, C]}
     * @param gradX        {@code [N, H, W, C]}, accumulated into
     * @param norm         the forward's normalisation
     */
    public static void rfft2Backward(Tensor gradSpectrum, Tensor gradX, Norm norm) {
        requireRank("rfft2Backward", "gradX", gradX, 4, "[N, H, W, C]");
        int n = gradX.dim(0), h = gradX.dim(1), w = gradX.dim(2), c = gradX.dim(3);
        checkSpectrum("rfft2Backward", "gradSpectrum", gradSpectrum, h, w);
        if (gradSpectrum.dim(0) != n || gradSpectrum.dim(4) != c) {
            throw new IllegalArgumentException("rfft2Backward: gradSpectrum must be " + Shape.of(n, h, w / 2 + 1, 2, c)
                    + " to match gradX " + gradX.shape() + ", got " + gradSpectrum.shape());
        }
        rfft2Backward(gradSpectrum.data(), gradSpectrum.offset(), gradX.data(), gradX.offset(), n, h, w, c, norm);
    }

    /**
     * Gradient of irfft2: adds {@code ∂L/∂X} to {@code gradSpectrum}, given {@code ∂L/∂y}.
     *
     * @param gradY        {@code [N, H, W, C]}
     * @param gradSpectrum {@code [N, H, W/2+1, 2, C]}, accumulated into
     * @param norm         the forward irfft2's normalisation
     */
    public static void irfft2Backward(Tensor gradY, Tensor gradSpectrum, Norm norm) {
        requireRank("irfft2Backward", "gradY", gradY, 4, "[N, H, W, C]");
        int n = gradY.dim(0), h = gradY.dim(1), w = gradY.dim(2), c = gradY.dim(3);
        checkSpectrum("irfft2Backward", "gradSpectrum", gradSpectrum, h, w);
        if (gradSpectrum.dim(0) != n || gradSpectrum.dim(4) != c) {
            throw new IllegalArgumentException("irfft2Backward: gradSpectrum must be " + Shape.of(n, h, w / 2 + 1, 2, c)
                    + " to match gradY " + gradY.shape() + ", got " + gradSpectrum.shape());
        }
        irfft2Backward(gradY.data(), gradY.offset(), gradSpectrum.data(), gradSpectrum.offset(), n, h, w, c, norm);
    }

    /** Array form of {@link #rfft2(Tensor, Norm)}: {@code x [n, h, w, c]} → {@code spectrum [n, h, w/2+1, 2, c]} (overwritten). */
    public static void rfft2(float[] x, int xOff, float[] spectrum, int spectrumOff, int n, int h, int w, int c, Norm norm) {
        rfft2(Backends.current().fft(), x, xOff, spectrum, spectrumOff, n, h, w, c, norm);
    }

    /** Array form of {@link #irfft2(Tensor, int, int, Norm)}: {@code spectrum [n, h, w/2+1, 2, c]} → {@code x [n, h, w, c]} (overwritten). */
    public static void irfft2(float[] spectrum, int spectrumOff, float[] x, int xOff, int n, int h, int w, int c, Norm norm) {
        irfft2(Backends.current().fft(), spectrum, spectrumOff, x, xOff, n, h, w, c, norm);
    }

    /** Array form of {@link #rfft2Backward(Tensor, Tensor, Norm)}: adds into {@code gradX [n, h, w, c]}. */
    public static void rfft2Backward(float[] gradSpectrum, int gradSpectrumOff, float[] gradX, int gradXOff,
                                     int n, int h, int w, int c, Norm norm) {
        rfft2Backward(Backends.current().fft(), gradSpectrum, gradSpectrumOff, gradX, gradXOff, n, h, w, c, norm);
    }

    /** Array form of {@link #irfft2Backward(Tensor, Tensor, Norm)}: adds into {@code gradSpectrum [n, h, w/2+1, 2, c]}. */
    public static void irfft2Backward(float[] gradY, int gradYOff, float[] gradSpectrum, int gradSpectrumOff,
                                      int n, int h, int w, int c, Norm norm) {
        irfft2Backward(Backends.current().fft(), gradY, gradYOff, gradSpectrum, gradSpectrumOff, n, h, w, c, norm);
    }

    // The same on an explicit backend's kernels (tests compare the scalar and vector backends).

    static void rfft2(FftKernels k, float[] x, int xOff, float[] spectrum, int spectrumOff, int n, int h, int w, int c,
                      Norm norm) {
        RealFft2dPlan plan = plan("rfft2", n, h, w, c, norm, RealFft2dPlan.Direction.REAL_TO_COMPLEX);
        checkArray("rfft2", "x", x, xOff, n * plan.realSize());
        checkArray("rfft2", "spectrum", spectrum, spectrumOff, n * plan.complexSize());
        float s = (float) norm.forwardScale((long) h * w);
        plan.execute(k, x, xOff, spectrum, spectrumOff, n, s, s, false);
    }

    static void irfft2(FftKernels k, float[] spectrum, int spectrumOff, float[] x, int xOff, int n, int h, int w, int c,
                       Norm norm) {
        RealFft2dPlan plan = plan("irfft2", n, h, w, c, norm, RealFft2dPlan.Direction.COMPLEX_TO_REAL);
        checkArray("irfft2", "spectrum", spectrum, spectrumOff, n * plan.complexSize());
        checkArray("irfft2", "x", x, xOff, n * plan.realSize());
        float s = (float) norm.inverseScale((long) h * w);
        plan.execute(k, spectrum, spectrumOff, x, xOff, n, s, s, false);
    }

    static void rfft2Backward(FftKernels k, float[] gradSpectrum, int gradSpectrumOff, float[] gradX, int gradXOff,
                              int n, int h, int w, int c, Norm norm) {
        RealFft2dPlan plan = plan("rfft2Backward", n, h, w, c, norm, RealFft2dPlan.Direction.COMPLEX_TO_REAL);
        checkArray("rfft2Backward", "gradSpectrum", gradSpectrum, gradSpectrumOff, n * plan.complexSize());
        checkArray("rfft2Backward", "gradX", gradX, gradXOff, n * plan.realSize());
        // Each non-edge bin of the half spectrum stands for two bins of the full one, and c2r counts
        // it twice; the adjoint of the half-spectrum map counts it once, hence the ½.
        double s = norm.forwardScale((long) h * w);
        plan.execute(k, gradSpectrum, gradSpectrumOff, gradX, gradXOff, n, (float) s, (float) (0.5 * s), true);
    }

    static void irfft2Backward(FftKernels k, float[] gradY, int gradYOff, float[] gradSpectrum, int gradSpectrumOff,
                               int n, int h, int w, int c, Norm norm) {
        RealFft2dPlan plan = plan("irfft2Backward", n, h, w, c, norm, RealFft2dPlan.Direction.REAL_TO_COMPLEX);
        checkArray("irfft2Backward", "gradY", gradY, gradYOff, n * plan.realSize());
        checkArray("irfft2Backward", "gradSpectrum", gradSpectrum, gradSpectrumOff, n * plan.complexSize());
        // c2r reads every non-edge bin twice (once as itself, once as its conjugate mirror).
        double s = norm.inverseScale((long) h * w);
        plan.execute(k, gradY, gradYOff, gradSpectrum, gradSpectrumOff, n, (float) s, (float) (2 * s), true);
    }

    private static RealFft2dPlan plan(String op, int n, int h, int w, int c, Norm norm, RealFft2dPlan.Direction d) {
        if (norm == null) throw new IllegalArgumentException(op + ": norm must not be null");
        if (n < 0) throw new IllegalArgumentException(op + ": batch size n must be >= 0, got " + n);
        RealFft2dPlan.checkSizes(op, h, w, c);
        return RealFft2dPlan.of(h, w, c, d);
    }

    private static void checkArray(String op, String what, float[] a, int off, long need) {
        if (a == null) throw new IllegalArgumentException(op + ": " + what + " must not be null");
        if (off < 0 || off + need > a.length) {
            throw new IllegalArgumentException(op + ": " + what + " needs " + need + " floats from offset " + off
                    + ", but the array has " + a.length);
        }
    }

    private static void requireRank(String op, String what, Tensor t, int rank, String layout) {
        if (t == null) throw new IllegalArgumentException(op + ": " + what + " must not be null");
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + layout + ", got " + t.shape());
        }
        for (int i = 0; i < rank; i++) {
            if (t.dim(i) < 1 && i > 0) {
                throw new IllegalArgumentException(op + ": " + what + " must be " + layout + " with positive sizes, got " + t.shape());
            }
        }
    }

    private static void checkSpectrum(String op, String what, Tensor s, int h, int w) {
        requireRank(op, what, s, 5, "[N, H, W/2+1, 2, C]");
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException(op + ": output sizes must be positive, got h=" + h + ", w=" + w);
        }
        int n = s.dim(0), c = s.dim(4);
        if (s.dim(1) != h || s.dim(2) != w / 2 + 1 || s.dim(3) != 2) {
            throw new IllegalArgumentException(op + ": " + what + " must be [N, H, W/2+1, 2, C] = "
                    + Shape.of(n, h, w / 2 + 1, 2, c) + " for h=" + h + ", w=" + w + ", got " + s.shape());
        }
    }
}
