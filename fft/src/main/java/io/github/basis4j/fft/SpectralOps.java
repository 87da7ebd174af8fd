package io.github.basis4j.fft;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.SpectralKernels;
import java.util.Arrays;

/**
 * Spectral filter products on half spectra and their gradients: the frequency-domain step of GFFormer's global
 * filter and DFFormer's dynamic filter. Validates shapes and delegates to the current backend's
 * {@link SpectralKernels}.
 *
 * <p><b>Layouts.</b> A half spectrum (what {@code rfft2} of a channel-last {@code [N, H, W, C]} map gives,
 * {@code Wc = W/2 + 1}) is a tensor {@code [N, H, Wc, 2, C]}, planar per frequency bin: C real parts, then C
 * imaginary parts. PyTorch's {@code view_as_real} layout {@code [..., C, 2]} differs; {@link #toPlanar} and
 * {@link #toInterleaved} convert.
 * <ul>
 *   <li>global filter {@code k}: {@code [H, Wc, 2, C]}, planar like the spectrum. GFFormer's parameter
 *       {@code complex_weights} is {@code [H, Wc, C, 2]}: convert it with {@link #toPlanar}, and its gradient back
 *       with {@link #toInterleaved};</li>
 *   <li>dynamic filter bank {@code k}: {@code [H, Wc, F, 2]}, exactly DFFormer's {@code complex_weights}
 *       (no conversion: each {@code k[h, w, f]} is one complex scalar broadcast over the channels);</li>
 *   <li>routeing weights {@code r}: {@code [N, F, C]}, DFFormer's {@code reweight(mean).view(B, F, -1).softmax(dim=1)}.</li>
 * </ul>
 *
 * <p><b>Gradients</b> follow PyTorch's autograd through {@code view_as_real}: real and imaginary parts are
 * independent real inputs. Backward methods add into their gradient tensors ({@code +=}); pass {@code null} for a
 * gradient that is not wanted. Results do not depend on the thread count.
 */
public final class SpectralOps {
    private SpectralOps() {
    }

    // ---- global filter -------------------------------------------------------------------------------------

    /**
     * GFFormer's spectral product {@code y[n, h, w, c] = x[n, h, w, c] · k[h, w, c]} (complex), as a new tensor.
     *
     * @param x     half spectrum {@code [N, H, Wc, 2, C]} of a width-{@code width} map
     * @param k     filter {@code [H, Wc, 2, C]}
     * @param width the spatial width W of the map ({@code Wc = W/2 + 1})
     * @return {@code y}, shaped like {@code x}
     */
    public static Tensor globalFilter(Tensor x, Tensor k, int width) {
        Tensor y = Tensor.zeros(x.shape());
        globalFilter(x, k, width, y);
        return y;
    }

    /**
     * {@link #globalFilter(Tensor, Tensor, int)} into {@code y} (overwritten), which may be {@code x} itself but must
     * not otherwise overlap it.
     */
    public static void globalFilter(Tensor x, Tensor k, int width, Tensor y) {
        String op = "globalFilter";
        Dims d = spectrum(op, x, width);
        requireShape(op, "k", k, "[H, Wc, 2, C]", d.h, d.wc, 2, d.c);
        requireShape(op, "y", y, "x's shape [N, H, Wc, 2, C]", d.n, d.h, d.wc, 2, d.c);
        requireInPlaceOrDisjoint(op, x, y);
        Backends.current().spectral().globalFilterForward(x.data(), x.offset(), k.data(), k.offset(),
                y.data(), y.offset(), d.n, d.h * d.wc, d.c);
    }

    /**
     * Gradients of {@link #globalFilter(Tensor, Tensor, int)}: {@code gradX += gradY·conj(k)},
     * {@code gradK += Σ_n gradY·conj(x)}.
     *
     * @param gradY gradient of the loss with respect to {@code y}, shaped like {@code x}
     * @param gradX shaped like {@code x}, or {@code null}
     * @param gradK shaped like {@code k}, or {@code null}
     */
    public static void globalFilterBackward(Tensor x, Tensor k, Tensor gradY, int width, Tensor gradX, Tensor gradK) {
        String op = "globalFilterBackward";
        Dims d = spectrum(op, x, width);
        requireShape(op, "k", k, "[H, Wc, 2, C]", d.h, d.wc, 2, d.c);
        requireShape(op, "gradY", gradY, "x's shape [N, H, Wc, 2, C]", d.n, d.h, d.wc, 2, d.c);
        if (gradX != null) requireShape(op, "gradX", gradX, "x's shape [N, H, Wc, 2, C]", d.n, d.h, d.wc, 2, d.c);
        if (gradK != null) requireShape(op, "gradK", gradK, "k's shape [H, Wc, 2, C]", d.h, d.wc, 2, d.c);
        Backends.current().spectral().globalFilterBackward(x.data(), x.offset(), k.data(), k.offset(),
                gradY.data(), gradY.offset(), gradX == null ? null : gradX.data(), gradX == null ? 0 : gradX.offset(),
                gradK == null ? null : gradK.data(), gradK == null ? 0 : gradK.offset(), d.n, d.h * d.wc, d.c);
    }

    // ---- dynamic filter ------------------------------------------------------------------------------------

    /**
     * DFFormer's spectral product {@code y[n, h, w, c] = x[n, h, w, c] · Σ_f r[n, f, c]·k[h, w, f]}: the reference's
     * {@code einsum('bfc,hwf->bhwc', routeing, complex_weights)} then the product, fused so the per-sample filter
     * is never stored. Returns a new tensor.
     *
     * @param x        half spectrum {@code [N, H, Wc, 2, C]} of a width-{@code width} map
     * @param routeing {@code [N, F, C]}, real (softmax over F)
     * @param k        filter bank {@code [H, Wc, F, 2]} (PyTorch's {@code complex_weights})
     * @param width    the spatial width W of the map ({@code Wc = W/2 + 1})
     * @return {@code y}, shaped like {@code x}
     */
    public static Tensor dynamicFilter(Tensor x, Tensor routeing, Tensor k, int width) {
        Tensor y = Tensor.zeros(x.shape());
        dynamicFilter(x, routeing, k, width, y);
        return y;
    }

    /**
     * {@link #dynamicFilter(Tensor, Tensor, Tensor, int)} into {@code y} (overwritten), which may be {@code x} itself
     * but must not otherwise overlap it.
     */
    public static void dynamicFilter(Tensor x, Tensor routeing, Tensor k, int width, Tensor y) {
        String op = "dynamicFilter";
        Dims d = spectrum(op, x, width);
        int f = filters(op, k, d);
        requireShape(op, "routeing", routeing, "[N, F, C]", d.n, f, d.c);
        requireShape(op, "y", y, "x's shape [N, H, Wc, 2, C]", d.n, d.h, d.wc, 2, d.c);
        requireInPlaceOrDisjoint(op, x, y);
        Backends.current().spectral().dynamicFilterForward(x.data(), x.offset(), routeing.data(), routeing.offset(),
                k.data(), k.offset(), y.data(), y.offset(), d.n, d.h * d.wc, f, d.c);
    }

    /**
     * Gradients of {@link #dynamicFilter(Tensor, Tensor, Tensor, int)}, with {@code w = Σ_f r·k} and
     * {@code gw = gradY·conj(x)}: {@code gradX += gradY·conj(w)}, {@code gradK[h, w, f] += Σ_{n, c} r[n, f, c]·gw},
     * {@code gradRouteing[n, f, c] += Σ_{h, w} Re(gw·conj(k[h, w, f]))} (the gradient PyTorch gives a real tensor
     * cast to complex).
     *
     * @param gradY        gradient of the loss with respect to {@code y}, shaped like {@code x}
     * @param gradX        shaped like {@code x}, or {@code null}
     * @param gradRouteing shaped like {@code routeing}, or {@code null}
     * @param gradK        shaped like {@code k}, or {@code null}
     */
    public static void dynamicFilterBackward(Tensor x, Tensor routeing, Tensor k, Tensor gradY, int width,
                                             Tensor gradX, Tensor gradRouteing, Tensor gradK) {
        String op = "dynamicFilterBackward";
        Dims d = spectrum(op, x, width);
        int f = filters(op, k, d);
        requireShape(op, "routeing", routeing, "[N, F, C]", d.n, f, d.c);
        requireShape(op, "gradY", gradY, "x's shape [N, H, Wc, 2, C]", d.n, d.h, d.wc, 2, d.c);
        if (gradX != null) requireShape(op, "gradX", gradX, "x's shape [N, H, Wc, 2, C]", d.n, d.h, d.wc, 2, d.c);
        if (gradRouteing != null) requireShape(op, "gradRouteing", gradRouteing, "routeing's shape [N, F, C]", d.n, f, d.c);
        if (gradK != null) requireShape(op, "gradK", gradK, "k's shape [H, Wc, F, 2]", d.h, d.wc, f, 2);
        Backends.current().spectral().dynamicFilterBackward(x.data(), x.offset(), routeing.data(), routeing.offset(),
                k.data(), k.offset(), gradY.data(), gradY.offset(),
                gradX == null ? null : gradX.data(), gradX == null ? 0 : gradX.offset(),
                gradRouteing == null ? null : gradRouteing.data(), gradRouteing == null ? 0 : gradRouteing.offset(),
                gradK == null ? null : gradK.data(), gradK == null ? 0 : gradK.offset(), d.n, d.h * d.wc, f, d.c);
    }

    /**
     * DFFormer's spectral mixer in one call, for inference:
     * {@code irfft2(dynamicFilter(rfft2(x, norm), routeing, k, W), H, W, norm)}, bit-identical to those three calls.
     * Each column strip of the spectrum is transformed along H, filtered and transformed back while it is in cache,
     * so a call makes three passes over the data and three parallel loops instead of five, and the spectrum needs
     * no tensor of its own. Plans that run on JTransforms (one or two channels) take the three calls.
     *
     * @param x        real map {@code [N, H, W, C]}
     * @param routeing {@code [N, F, C]}, real (softmax over F)
     * @param k        filter bank {@code [H, W/2+1, F, 2]} (PyTorch's {@code complex_weights})
     * @param norm     the FFTs' normalisation ({@link Norm#ORTHO} in DFFormer)
     * @return {@code [N, H, W, C]}
     */
    public static Tensor dynamicFilterMixer(Tensor x, Tensor routeing, Tensor k, Norm norm) {
        if (x == null || x.rank() != 4) {
            throw new IllegalArgumentException("dynamicFilterMixer: x must be a map [N, H, W, C] with positive H, W, C, got "
                    + (x == null ? "null" : x.shape()));
        }
        Tensor y = Tensor.zeros(x.shape());
        dynamicFilterMixer(x, routeing, k, norm, y);
        return y;
    }

    /**
     * {@link #dynamicFilterMixer(Tensor, Tensor, Tensor, Norm)} into {@code y} {@code [N, H, W, C]} (overwritten), which
     * may be x itself (each sample is read whole into scratch before any of it is written) but must not otherwise
     * overlap it. In place, inference needs no new map at all.
     */
    public static void dynamicFilterMixer(Tensor x, Tensor routeing, Tensor k, Norm norm, Tensor y) {
        String op = "dynamicFilterMixer";
        if (norm == null) throw new IllegalArgumentException(op + ": norm must not be null");
        if (x == null || x.rank() != 4 || x.dim(1) < 1 || x.dim(2) < 1 || x.dim(3) < 1) {
            throw new IllegalArgumentException(op + ": x must be a map [N, H, W, C] with positive H, W, C, got "
                    + (x == null ? "null" : x.shape()));
        }
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3), wc = w / 2 + 1;
        if (k == null || routeing == null) throw new IllegalArgumentException(op + ": routeing and k must not be null");
        int f = filters(op, k, new Dims(n, h, wc, c));
        requireShape(op, "routeing", routeing, "[N, F, C]", n, f, c);
        RealFft2dPlan fwd = RealFft2dPlan.of(h, w, c, RealFft2dPlan.Direction.REAL_TO_COMPLEX);
        RealFft2dPlan inv = RealFft2dPlan.of(h, w, c, RealFft2dPlan.Direction.COMPLEX_TO_REAL);
        if (y == null || !y.shape().equals(x.shape())) {
            throw new IllegalArgumentException(op + ": y must be x's shape " + x.shape() + ", got " + (y == null ? "null" : y.shape()));
        }
        requireInPlaceOrDisjoint(op, x, y);
        if (fwd.engine() != RealFft2dPlan.Engine.BATCHED || inv.engine() != RealFft2dPlan.Engine.BATCHED) {
            Tensor spec = RealFft2d.rfft2(x, norm);
            dynamicFilter(spec, routeing, k, w, spec);
            RealFft2d.irfft2(spec.data(), spec.offset(), y.data(), y.offset(), n, h, w, c, norm);
            return;
        }
        SpectralKernels sk = Backends.current().spectral();
        float[] kd = k.data(), rd = routeing.data();
        int kOff = k.offset(), rOff = routeing.offset(), two = 2 * c;
        long points = (long) h * w;
        RealFft2dPlan.filteredRoundTrip(Backends.current().fft(), fwd, inv, x.data(), x.offset(), y.data(), y.offset(), n,
                (float) norm.forwardScale(points), (float) norm.inverseScale(points),
                (sample, spec, specOff, first, columns) -> {
                    // One row of the strip is a run of adjacent bins: the kernel's [1, bins, 2, C] layout.
                    for (int row = 0; row < h; row++) {
                        int bin = row * wc + first, at = specOff + bin * two;
                        sk.dynamicFilterForward(spec, at, rd, rOff + sample * f * c, kd, kOff + bin * f * 2, spec, at, 1, columns, f, c);
                    }
                });
    }

    // ---- layout converters ---------------------------------------------------------------------------------

    /**
     * PyTorch's interleaved complex layout to ours: {@code [..., C, 2]} (re, im last, as {@code view_as_real}) to
     * {@code [..., 2, C]} (C real parts, then C imaginary parts). A new tensor.
     */
    public static Tensor toPlanar(Tensor interleaved) {
        int r = interleaved.rank();
        if (r < 2 || interleaved.dim(-1) != 2) {
            throw new IllegalArgumentException("toPlanar: interleaved must be [..., C, 2] (rank >= 2, last dimension 2), got "
                    + interleaved.shape());
        }
        return swapLastTwo(interleaved);
    }

    /** Our planar complex layout {@code [..., 2, C]} to PyTorch's interleaved {@code [..., C, 2]}. A new tensor. */
    public static Tensor toInterleaved(Tensor planar) {
        int r = planar.rank();
        if (r < 2 || planar.dim(-2) != 2) {
            throw new IllegalArgumentException("toInterleaved: planar must be [..., 2, C] (rank >= 2, second-to-last dimension 2), got "
                    + planar.shape());
        }
        return swapLastTwo(planar);
    }

    private static Tensor swapLastTwo(Tensor t) {
        int r = t.rank();
        int[] axes = new int[r];
        for (int i = 0; i < r; i++) axes[i] = i;
        axes[r - 2] = r - 1;
        axes[r - 1] = r - 2;
        return t.permute(axes);
    }

    // ---- validation ----------------------------------------------------------------------------------------

    /** Sizes of a validated half spectrum. */
    private record Dims(int n, int h, int wc, int c) {
    }

    private static Dims spectrum(String op, Tensor x, int width) {
        if (width < 1) throw new IllegalArgumentException(op + ": width must be >= 1, got " + width);
        if (x.rank() != 5 || x.dim(3) != 2) {
            throw new IllegalArgumentException(op + ": x must be a half spectrum [N, H, Wc, 2, C] (rank 5, planar re/im), got "
                    + x.shape());
        }
        int wc = width / 2 + 1;
        if (x.dim(2) != wc) {
            throw new IllegalArgumentException(op + ": x must be the half spectrum of a width-" + width + " map, [N, H, W/2+1 = "
                    + wc + ", 2, C], got " + x.shape());
        }
        return new Dims(x.dim(0), x.dim(1), wc, x.dim(4));
    }

    private static int filters(String op, Tensor k, Dims d) {
        if (k.rank() != 4 || k.dim(0) != d.h || k.dim(1) != d.wc || k.dim(3) != 2 || k.dim(2) < 1) {
            throw new IllegalArgumentException(op + ": k must be a filter bank [H, Wc, F, 2] = [" + d.h + ", " + d.wc
                    + ", F >= 1, 2] to match x, got " + k.shape());
        }
        return k.dim(2);
    }

    private static void requireShape(String op, String name, Tensor t, String what, int... dims) {
        if (!t.shape().equals(Shape.of(dims))) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + what + " = " + Arrays.toString(dims)
                    + ", got " + t.shape());
        }
    }

    private static void requireInPlaceOrDisjoint(String op, Tensor x, Tensor y) {
        if (x.data() != y.data() || x.offset() == y.offset()) return;
        long xa = x.offset(), xb = xa + x.size(), ya = y.offset(), yb = ya + y.size();
        if (xa < yb && ya < xb) {
            throw new IllegalArgumentException(op + ": y must be x itself or not overlap it; y starts at offset " + ya
                    + ", x spans [" + xa + ", " + xb + ") of the same array");
        }
    }
}
