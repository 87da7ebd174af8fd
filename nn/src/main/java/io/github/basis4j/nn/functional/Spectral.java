package io.github.basis4j.nn.functional;

import io.github.basis4j.fft.BlockComplexLinear;
import io.github.basis4j.fft.FilterResize;
import io.github.basis4j.fft.Norm;
import io.github.basis4j.fft.RealFft2d;
import io.github.basis4j.fft.SpectralOps;
import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;

/**
 * Spectral ops recorded for autograd: the real 2-D FFT pair over the H and W axes of channel-last maps and
 * the frequency-domain filters of GFFormer's {@code GlobalFilter} and DFFormer's {@code DynamicFilter}
 * token mixers (okojoalg/dfformer, {@code models/dfformer.py}). The arithmetic is the fft module's
 * {@link RealFft2d}, {@link SpectralOps} and {@link FilterResize}; this class validates, wires forward and
 * backward into the graph, and converts GFFormer's weight layout.
 *
 * <p><b>Layouts.</b> Maps are {@code [N, H, W, C]}. A half spectrum ({@code Wc = W/2 + 1}) is
 * {@code [N, H, Wc, 2, C]}, planar per bin: the C real parts, then the C imaginary parts (the fft module's
 * layout, see {@link io.github.basis4j.fft.ComplexLayout}); spectra only flow between these ops. Learnt
 * complex weights keep PyTorch's {@code view_as_real} layout {@code [..., 2]}, so modules keep the reference's
 * {@code state_dict} shapes and receive their gradients in that layout.
 *
 * <p><b>Gradients</b> are PyTorch's for real tensors viewed as complex: real and imaginary parts are
 * independent real inputs. As in PyTorch, irfft2 ignores the imaginary parts of the bins that are their own
 * conjugates (DC and, for even sizes, Nyquist along both axes), so their gradients are zero.
 *
 * <p>Backward closures keep references to the inputs' values, which must not change before backward.
 */
public final class Spectral {
    private Spectral() {
    }

    /**
     * Half spectrum of a channel-last map: {@code torch.fft.rfft2(x, dim=(1, 2), norm=norm)}, stored planar.
     *
     * @param x    real map {@code [N, H, W, C]}
     * @param norm normalisation (DFFormer and GFFormer use {@link Norm#ORTHO})
     * @return the half spectrum {@code [N, H, W/2+1, 2, C]}
     */
    public static Variable rfft2(Variable x, Norm norm) {
        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            String op = "rfft2";
            requireNotNull(op, "norm", norm);
            Tensor xv = map(op, "x", x);
            Tensor spec = RealFft2d.rfft2(xv, norm);
            // Linear: backward needs nothing saved.
            return Graph.record(spec, new Node(x) {
                @Override public String name() { return "rfft2"; }

                @Override
                protected void backward(Tensor g) {
                    RealFft2d.rfft2Backward(g, gradOf(0), norm);
                }
            });
        }
    }

    /**
     * Real map from a half spectrum: {@code torch.fft.irfft2(spec, s=(h, w), dim=(1, 2), norm=norm)}. The
     * spectrum must be exactly {@code w/2 + 1} bins wide (no cropping or zero-padding, unlike PyTorch's {@code s}).
     *
     * @param spec {@code [N, h, w/2+1, 2, C]}
     * @param h    output height
     * @param w    output width (even and odd widths share {@code w/2 + 1}, so it must be given)
     * @param norm normalisation, the one the spectrum's rfft2 used
     * @return the map {@code [N, h, w, C]}
     */
    public static Variable irfft2(Variable spec, int h, int w, Norm norm) {
        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            String op = "irfft2";
            requireNotNull(op, "norm", norm);
            Tensor sv = halfSpectrum(op, "spec", spec, w);
            if (h < 1 || sv.dim(1) != h) {
                throw new IllegalArgumentException(op + ": spec must be [N, h, w/2+1, 2, C] = "
                        + Shape.of(sv.dim(0), h, w / 2 + 1, 2, sv.dim(4)) + " for h=" + h + ", w=" + w + ", got " + sv.shape());
            }
            Tensor y = RealFft2d.irfft2(sv, h, w, norm);
            return Graph.record(y, new Node(spec) {
                @Override public String name() { return "irfft2"; }

                @Override
                protected void backward(Tensor g) {
                    RealFft2d.irfft2Backward(g, gradOf(0), norm);
                }
            });
        }
    }

    /**
     * GFFormer's global filter, {@code spec * torch.view_as_complex(complex_weights)}: every sample's spectrum
     * multiplied bin by bin and channel by channel by one learnt complex filter.
     *
     * @param spec          half spectrum {@code [N, H, Wc, 2, C]} of a width-{@code width} map
     * @param complexWeight the filter in PyTorch's layout {@code [H, Wc, C, 2]} (GlobalFilter's
     *                      {@code complex_weights}); its gradient comes back in that layout
     * @param width         the map's width W, {@code Wc = W/2 + 1}
     * @return the filtered spectrum, shaped like {@code spec}
     */
    public static Variable globalFilter(Variable spec, Variable complexWeight, int width) {
        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            String op = "globalFilter";
            Tensor sv = halfSpectrum(op, "spec", spec, width);
            requireNotNull(op, "complexWeight", complexWeight);
            int h = sv.dim(1), wc = sv.dim(2), c = sv.dim(4);
            requireShape(op, "complexWeight", complexWeight.value(), "[H, Wc, C, 2]",
                    "(PyTorch's complex_weights) to match spec " + sv.shape(), h, wc, c, 2);
            // The kernels read the filter planar like the spectrum; the copy is H·Wc·2·C floats, once per call.
            Tensor k = SpectralOps.toPlanar(complexWeight.value());
            Tensor y = SpectralOps.globalFilter(sv, k, width);
            return Graph.record(y, new Node(spec, complexWeight) {
                @Override public String name() { return "globalFilter"; }

                @Override
                protected void backward(Tensor g) {
                    Tensor gk = needsGrad(1) ? Tensor.zeros(k.shape()) : null;
                    SpectralOps.globalFilterBackward(sv, k, g, width, needsGrad(0) ? gradOf(0) : null, gk);
                    if (gk != null) Elementwise.axpy(1f, SpectralOps.toInterleaved(gk), gradOf(1));
                }
            });
        }
    }

    /**
     * DFFormer's dynamic filter: {@code spec * torch.einsum('bfc,hwf->bhwc', routeing.to(torch.complex64),
     * torch.view_as_complex(complex_weights))}, each sample's filter a routeing-weighted mix of F learnt complex
     * filters, per channel. The mix is fused into the product and never stored.
     *
     * @param spec           half spectrum {@code [N, H, Wc, 2, C]} of a width-{@code width} map
     * @param routeing       real mixing weights {@code [N, F, C]} (the reference's softmax over F of its reweight MLP)
     * @param complexWeights the filter bank {@code [H, Wc, F, 2]} (DynamicFilter's {@code complex_weights},
     *                       PyTorch's layout); run it through {@link #resizeFilter} first for other resolutions
     * @param width          the map's width W, {@code Wc = W/2 + 1}
     * @return the filtered spectrum, shaped like {@code spec}
     */
    public static Variable dynamicFilter(Variable spec, Variable routeing, Variable complexWeights, int width) {
        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            String op = "dynamicFilter";
            Tensor sv = halfSpectrum(op, "spec", spec, width);
            Tensor kv = filterBank(op, complexWeights, sv.dim(1), sv.dim(2), "spec " + sv.shape());
            Tensor rv = routeing(op, routeing, sv.dim(0), kv.dim(2), sv.dim(4), sv.shape(), kv.shape());
            Tensor y = SpectralOps.dynamicFilter(sv, rv, kv, width);
            return Graph.record(y, new Node(spec, routeing, complexWeights) {
                @Override public String name() { return "dynamicFilter"; }

                @Override
                protected void backward(Tensor g) {
                    SpectralOps.dynamicFilterBackward(sv, rv, kv, g, width, needsGrad(0) ? gradOf(0) : null,
                            needsGrad(1) ? gradOf(1) : null, needsGrad(2) ? gradOf(2) : null);
                }
            });
        }
    }

    /**
     * A filter bank resized to another spectrum size, the reference's {@code resize_complex_weight}:
     * {@code F.interpolate(bank.reshape(1, h, w, -1).permute(0, 3, 1, 2), size=(outH, outW), mode='bicubic',
     * align_corners=True)} permuted and reshaped back. Real and imaginary parts are resized as separate planes.
     * A bank learnt on 224² images (a 14 × 8 filter at stride 16) thus runs on 14 × 9 spectra of 256² inputs.
     *
     * @param bank {@code [h, w, ...]}, e.g. {@code [H, Wc, F, 2]} or {@code [H, Wc, C, 2]}
     * @param outH target rows (the spectrum's H)
     * @param outW target columns (the spectrum's {@code Wc = W/2 + 1})
     * @return {@code [outH, outW, ...]}
     */
    public static Variable resizeFilter(Variable bank, int outH, int outW) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            String op = "resizeFilter";
            requireNotNull(op, "bank", bank);
            Tensor bv = bank.value();
            if (bv.rank() < 2 || bv.dim(0) < 1 || bv.dim(1) < 1) {
                throw new IllegalArgumentException(op + ": bank must be a filter bank [h, w, ...] with h, w >= 1, got " + bv.shape());
            }
            if (outH < 1 || outW < 1) {
                throw new IllegalArgumentException(op + ": target size must be at least 1x1, got " + outH + "x" + outW);
            }
            Tensor resized = FilterResize.resize(bv, outH, outW);
            // Linear in the bank: backward needs nothing saved.
            return Graph.record(resized, new Node(bank) {
                @Override public String name() { return "resizeFilter"; }

                @Override
                protected void backward(Tensor g) {
                    FilterResize.resizeBackward(g, gradOf(0));
                }
            });
        }
    }

    /**
     * DFFormer's token-mixing core on a map, {@code irfft2(dynamicFilter(rfft2(x, norm), routeing, complexWeights,
     * W), H, W, norm)}. When a gradient is wanted it is exactly that composition of recorded ops. Otherwise
     * (under {@link NoGrad}, or no input requiring gradients) it records nothing and runs
     * {@link SpectralOps#dynamicFilterMixer}, which filters each column strip of the spectrum between the two column
     * transforms while it is in cache and keeps the spectrum in per-thread scratch: no spectrum tensor, three passes
     * and parallel loops instead of five, the same bits.
     *
     * @param x              real map {@code [N, H, W, C]}
     * @param routeing       {@code [N, F, C]}
     * @param complexWeights {@code [H, W/2+1, F, 2]}
     * @param norm           normalisation of both transforms ({@link Norm#ORTHO} in DFFormer)
     * @return the mixed map {@code [N, H, W, C]}
     */
    public static Variable dynamicFilterMixer(Variable x, Variable routeing, Variable complexWeights, Norm norm) {
        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            MixerArgs a = MixerArgs.check("dynamicFilterMixer", x, routeing, complexWeights, norm);
            int h = a.x().dim(1), w = a.x().dim(2);
            boolean record = NoGrad.isGradEnabled()
                    && (x.requiresGrad() || routeing.requiresGrad() || complexWeights.requiresGrad());
            if (record) return irfft2(dynamicFilter(rfft2(x, norm), routeing, complexWeights, w), h, w, norm);
            return Variable.constant(SpectralOps.dynamicFilterMixer(a.x(), a.routeing(), a.weights(), norm));
        }
    }

    /**
     * {@link #dynamicFilterMixer} written over x, for inference on a map the caller owns and will not read again
     * (DFFormer's activation output): no new map and no zero fill on the calling thread. Returns x; the same bits.
     *
     * @throws IllegalStateException when the graph is being recorded
     */
    public static Variable dynamicFilterMixerInPlace(Variable x, Variable routeing, Variable complexWeights, Norm norm) {
        Arith.requireInference("dynamicFilterMixerInPlace");
        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            MixerArgs a = MixerArgs.check("dynamicFilterMixerInPlace", x, routeing, complexWeights, norm);
            SpectralOps.dynamicFilterMixer(a.x(), a.routeing(), a.weights(), norm, a.x());
            return x;
        }
    }

    /** The validated values of a dynamic-filter mixer's arguments: map {@code [N, H, W, C]}, routeing {@code [N, F, C]}, filter bank {@code [H, W/2+1, F, 2]}. */
    private record MixerArgs(Tensor x, Tensor routeing, Tensor weights) {
        static MixerArgs check(String op, Variable x, Variable routeing, Variable complexWeights, Norm norm) {
            requireNotNull(op, "norm", norm);
            Tensor xv = map(op, "x", x);
            int n = xv.dim(0), h = xv.dim(1), w = xv.dim(2), c = xv.dim(3);
            Tensor kv = filterBank(op, complexWeights, h, w / 2 + 1, "x " + xv.shape());
            return new MixerArgs(xv, Spectral.routeing(op, routeing, n, kv.dim(2), c, xv.shape(), kv.shape()), kv);
        }
    }

    /**
     * One layer of AFNO's spectral MLP (DFFormer's {@code AFNO2D}): a block-diagonal complex linear map over the
     * channels of every bin, {@code y[.., b, :] = x[.., b, :] · (W[0, b] + j·W[1, b]) + (B[0, b] + j·B[1, b])}, the
     * reference's pairs of {@code einsum('...bi,bio->...bo', ...)} with {@code w1, b1} or {@code w2, b2}. The
     * arithmetic is {@link BlockComplexLinear}'s.
     *
     * @param spec   half spectrum {@code [N, H, Wc, 2, nb·in]}
     * @param weight {@code [2, nb, in, out]}: real parts, then imaginary parts
     * @param bias   {@code [2, nb, out]}, or null for none
     * @return {@code [N, H, Wc, 2, nb·out]}
     */
    public static Variable blockComplexLinear(Variable spec, Variable weight, Variable bias) {
        String op = "blockComplexLinear";
        requireNotNull(op, "spec", spec);
        requireNotNull(op, "weight", weight);
        Tensor sv = spec.value(), wv = weight.value();
        Tensor y = BlockComplexLinear.forward(sv, wv, bias == null ? null : bias.value());
        Node node = bias == null
                ? new Node(spec, weight) {
                    @Override public String name() { return op; }

                    @Override
                    protected void backward(Tensor g) {
                        BlockComplexLinear.backward(sv, wv, g, needsGrad(0) ? gradOf(0) : null, needsGrad(1) ? gradOf(1) : null, null);
                    }
                }
                : new Node(spec, weight, bias) {
                    @Override public String name() { return op; }

                    @Override
                    protected void backward(Tensor g) {
                        BlockComplexLinear.backward(sv, wv, g, needsGrad(0) ? gradOf(0) : null, needsGrad(1) ? gradOf(1) : null,
                                needsGrad(2) ? gradOf(2) : null);
                    }
                };
        return Graph.record(y, node);
    }

    // ---- validation ----------------------------------------------------------------------------------------

    private static void requireNotNull(String op, String name, Object v) {
        if (v == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
    }

    /** A real map {@code [N, H, W, C]} with positive H, W, C. */
    private static Tensor map(String op, String name, Variable x) {
        requireNotNull(op, name, x);
        Tensor t = x.value();
        if (t.rank() != 4 || t.dim(1) < 1 || t.dim(2) < 1 || t.dim(3) < 1) {
            throw new IllegalArgumentException(op + ": " + name + " must be a map [N, H, W, C] with H, W, C >= 1, got " + t.shape());
        }
        return t;
    }

    /** A half spectrum {@code [N, H, width/2+1, 2, C]}. */
    private static Tensor halfSpectrum(String op, String name, Variable spec, int width) {
        requireNotNull(op, name, spec);
        if (width < 1) throw new IllegalArgumentException(op + ": width must be >= 1, got " + width);
        Tensor t = spec.value();
        if (t.rank() != 5 || t.dim(3) != 2 || t.dim(1) < 1 || t.dim(4) < 1) {
            throw new IllegalArgumentException(op + ": " + name + " must be a half spectrum [N, H, Wc, 2, C] (rank 5, planar re/im), got "
                    + t.shape());
        }
        int wc = width / 2 + 1;
        if (t.dim(2) != wc) {
            throw new IllegalArgumentException(op + ": " + name + " must be the half spectrum of a width-" + width
                    + " map, [N, H, W/2+1, 2, C] = " + Shape.of(t.dim(0), t.dim(1), wc, 2, t.dim(4)) + ", got " + t.shape());
        }
        return t;
    }

    /** A dynamic filter bank {@code [h, wc, F, 2]}, F ≥ 1. */
    private static Tensor filterBank(String op, Variable complexWeights, int h, int wc, String against) {
        requireNotNull(op, "complexWeights", complexWeights);
        Tensor k = complexWeights.value();
        if (k.rank() != 4 || k.dim(0) != h || k.dim(1) != wc || k.dim(2) < 1 || k.dim(3) != 2) {
            throw new IllegalArgumentException(op + ": complexWeights must be a filter bank [H, Wc, F, 2] = [" + h + ", " + wc
                    + ", F >= 1, 2] (PyTorch's complex_weights; resizeFilter adapts other sizes) to match " + against
                    + ", got " + k.shape());
        }
        return k;
    }

    /** Routeing weights {@code [n, f, c]}. */
    private static Tensor routeing(String op, Variable routeing, int n, int f, int c, Shape input, Shape bank) {
        requireNotNull(op, "routeing", routeing);
        requireShape(op, "routeing", routeing.value(), "[N, F, C]", "to match " + input + " and complexWeights " + bank, n, f, c);
        return routeing.value();
    }

    private static void requireShape(String op, String name, Tensor t, String layout, String context, int... dims) {
        Shape expected = Shape.of(dims);
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + layout + " = " + expected + " " + context
                    + ", got " + t.shape());
        }
    }
}
