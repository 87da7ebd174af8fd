package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ConvKernels;
import io.github.basis4j.simd.spi.GemmKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API {@link ConvKernels}; each method mirrors its twin in {@code ScalarConvolutions} (same name,
 * signature and layouts: NHWC activations, HWIO weights {@code [kh, kw, c/groups, oc]}, depthwise
 * {@code [kh, kw, c]}).
 *
 * <p>Algorithm by shape:
 * <ul>
 *   <li><b>1×1, stride 1, no padding, one group</b>: the convolution is exactly a GEMM over the
 *       {@code [n·h·w, c]} pixel matrix, so it goes to the backend's {@link GemmKernels} with no copy.</li>
 *   <li><b>Direct</b> (implicit GEMM, {@link DirectConvKernels}): the default. Output channels are the
 *       vector lanes and the taps are read straight from the (zero-padded) image, so no im2col matrix,
 *       nine times the input's size for a 3×3, is ever written and read back. It also suits narrow layers
 *       (16 or 32 output channels) that a GEMM's wide register tile would mostly waste.</li>
 *   <li><b>Narrow direct</b>: with fewer output channels per group than a vector holds (a DSFB unique basis
 *       of 1, 2 or 4 filters), lanes across output channels would leave most of every FMA idle; where it
 *       needs at most half the vector operations ({@link #narrow}), the lanes go across input channels
 *       instead, with the filters repacked OHWI once per call, and each output is one lane reduction.
 *       Forward, stride-1 input gradient (when its transposed convolution is narrow) and weight gradient.</li>
 *   <li><b>im2col + GEMM</b>: when one tile's weight columns ({@code kh·kw·c/groups} rows × up to two
 *       vectors) no longer fit half of a 1 MiB L2 ({@link #DIRECT_MAX_WEIGHT_FLOATS}), e.g. a 3×3 over 512
 *       channels; the direct kernel would then stream its weights from memory for every pixel tile, while
 *       the GEMM blocks over k.</li>
 *   <li><b>Input gradient</b>: for stride 1 it is a direct convolution of {@code dy} with the flipped,
 *       transposed weights and padding {@code dilation·(k − 1) − pad}, accumulated into {@code dx}; other
 *       strides compute {@code dy·Wᵀ} columns by GEMM and scatter them back (col2im).</li>
 *   <li><b>Weight gradient</b>: direct, {@code patchesᵀ·dy} with the patches read from the padded image. For
 *       stride 1 and three kernel columns it slides ({@link DirectConvKernels#gradWeightSlide3x8}): each
 *       broadcast input value feeds the three taps of a kernel row, which with 16 or 32 channels (one or two
 *       vectors) is what keeps the FMA units, not the load ports, busy.</li>
 *   <li><b>Depthwise</b>: {@link DepthwiseKernels}, vectorised across channels.</li>
 * </ul>
 *
 * <p>Threading: forward and input-gradient work is split by image (several images) or by pixel/row ranges
 * (a single image; a direct forward over few pixels also by blocks of output channels); weight gradients keep one partial per chunk, added in chunk order. Chunk sizes depend on
 * the geometry only, so results are bit-identical for any thread count. Padded images and im2col columns live
 * in a per-thread {@link ConvWorkspace}.
 */
public final class PanamaConvolutions implements ConvKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    /** Pixels whose input offsets are computed together; a multiple of both tile heights (6 and 8). */
    private static final int BAND = 48;
    /** Pixels per parallel chunk when a single image is split: four bands, enough to amortise a fork. */
    private static final int PIXEL_GRAIN = 4 * BAND;
    /**
     * Chunks a single image's forward is cut into at least, where output channels allow: enough to balance
     * a few threads; fewer left a 49-pixel map on one thread.
     */
    private static final int MIN_IMAGE_CHUNKS = 16;
    /** Weight floats of one direct tile (taps × two vectors) that still fit half a 1 MiB L2: 512 KiB. */
    private static final int DIRECT_MAX_WEIGHT_FLOATS = 128 * 1024;
    /** im2col floats per chunk (1 MiB): the columns of a chunk stay cache-sized and the workspace bounded. */
    private static final int COLUMN_FLOATS = 256 * 1024;
    /**
     * Most floats of weight-gradient partials kept at once (2 MiB); beyond it chunks get coarser. Every
     * image re-reads and re-writes its chunk's whole partial, so partials must stay cache-resident: at 64
     * channels 64 partials (9 MiB) measured 20–30% slower than about 14.
     */
    private static final int PARTIAL_FLOATS = 512 * 1024;
    /** Most weight-gradient chunks: plenty for load balance; more would only add partials to combine. */
    private static final int MAX_PARTIALS = 64;
    /** Depthwise output elements per parallel chunk, at least one row. */
    private static final int DEPTHWISE_CHUNK_ELEMENTS = 8192;

    private final GemmKernels gemm;

    /** Kernels that send pointwise and im2col work to {@code gemm}. */
    public PanamaConvolutions(GemmKernels gemm) {
        this.gemm = gemm;
    }

    private static boolean isPointwise(Conv2dGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0
                && g.groups() == 1;
    }

    /**
     * Whether the narrow tiles win: fewer output channels per group than a vector, and
     * {@code ocg·(taps·⌈icg/L⌉ + 8)} vector operations per pixel (the FMAs, plus about eight for each lane
     * reduction) at most half the {@code taps·icg} of lanes across output channels.
     */
    static boolean narrow(Conv2dGeometry g) {
        long taps = (long) g.kh() * g.kw(), vecs = (g.icg() + L - 1) / L;
        return g.ocg() < L && 2 * g.ocg() * (taps * vecs + 8) <= taps * g.icg();
    }

    /**
     * HWIO weights {@code [kh, kw, icg, oc]} repacked per output channel, OHWI {@code [oc, kh, kw, icg]}
     * (group g's channels are rows {@code g·ocg …}), for the narrow tiles. O(weights), once per call.
     */
    private static float[] narrowWeights(Conv2dGeometry g, float[] w, int wOff) {
        int taps = g.kh() * g.kw(), icg = g.icg(), oc = g.oc();
        float[] wn = new float[g.weightSize()];
        for (int o = 0; o < oc; o++) {
            for (int tap = 0; tap < taps; tap++) {
                for (int ci = 0; ci < icg; ci++) wn[(o * taps + tap) * icg + ci] = w[wOff + (tap * icg + ci) * oc + o];
            }
        }
        return wn;
    }

    private static boolean useDirect(Conv2dGeometry g) {
        return (long) g.kh() * g.kw() * g.icg() * Math.min(g.ocg(), 2 * L) <= DIRECT_MAX_WEIGHT_FLOATS;
    }

    @Override
    public void conv2dForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                              float[] y, int yOff) {
        if (g.n() == 0) return;
        if (isPointwise(g)) {
            int m = g.n() * g.h() * g.w(), oc = g.oc();
            if (bias != null) {
                Parallel.forRange(m, PIXEL_GRAIN, (from, to) -> {
                    for (int r = from; r < to; r++) System.arraycopy(bias, biasOff, y, yOff + r * oc, oc);
                });
            }
            gemm.sgemm(false, false, m, oc, g.c(), 1f, x, xOff, g.c(), w, wOff, oc, bias == null ? 0f : 1f, y, yOff, oc);
        } else if (useDirect(g)) {
            directForward(g, x, xOff, w, wOff, bias, biasOff, y, yOff, false);
        } else {
            im2colForward(g, x, xOff, w, wOff, bias, biasOff, y, yOff);
        }
    }

    @Override
    public void conv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        if (g.n() == 0) return;
        if (isPointwise(g)) {
            int m = g.n() * g.h() * g.w();
            gemm.sgemm(false, true, m, g.c(), g.oc(), 1f, dy, dyOff, g.oc(), w, wOff, g.oc(), 1f, dx, dxOff, g.c());
            return;
        }
        Conv2dGeometry t = transposed(g);
        if (t != null && useDirect(t)) {
            directForward(t, dy, dyOff, transposeWeights(g, w, wOff), 0, null, 0, dx, dxOff, true);
        } else {
            col2imBackwardInput(g, dy, dyOff, w, wOff, dx, dxOff);
        }
    }

    /**
     * For stride 1, the convolution whose forward pass is this one's input gradient: input {@code dy}
     * [n, oh, ow, oc], output [n, h, w, c], padding {@code dilation·(k − 1) − pad}; null when that padding
     * would be negative (more padding than the kernel reaches) or the stride is not 1.
     */
    private static Conv2dGeometry transposed(Conv2dGeometry g) {
        int ph = g.dilationH() * (g.kh() - 1) - g.padH(), pw = g.dilationW() * (g.kw() - 1) - g.padW();
        if (g.strideH() != 1 || g.strideW() != 1 || ph < 0 || pw < 0) return null;
        return new Conv2dGeometry(g.n(), g.oh(), g.ow(), g.oc(), g.c(), g.kh(), g.kw(), 1, 1, ph, pw,
                g.dilationH(), g.dilationW(), g.groups());
    }

    /**
     * HWIO weights of {@link #transposed}: {@code wt[i', j', o, grp·icg + ci] = w[kh−1−i', kw−1−j', ci, grp·ocg + o]},
     * i.e. [kh, kw, oc/groups, c]. O(weights), once per call.
     */
    private static float[] transposeWeights(Conv2dGeometry g, float[] w, int wOff) {
        int kh = g.kh(), kw = g.kw(), icg = g.icg(), ocg = g.ocg(), c = g.c(), oc = g.oc();
        float[] wt = new float[g.weightSize()];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int src = wOff + ((kh - 1 - i) * kw + (kw - 1 - j)) * icg * oc;
                int dst = (i * kw + j) * ocg * c;
                for (int grp = 0; grp < g.groups(); grp++) {
                    for (int ci = 0; ci < icg; ci++) {
                        for (int o = 0; o < ocg; o++) {
                            wt[dst + o * c + grp * icg + ci] = w[src + ci * oc + grp * ocg + o];
                        }
                    }
                }
            }
        }
        return wt;
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] dw, int dwOff, float[] dBias, int dBiasOff) {
        if (g.n() == 0) return;
        if (isPointwise(g)) {
            int m = g.n() * g.h() * g.w();
            gemm.sgemm(true, false, g.c(), g.oc(), m, 1f, x, xOff, g.c(), dy, dyOff, g.oc(), 1f, dw, dwOff, g.oc());
            if (dBias != null) biasGradient(m, g.oc(), dy, dyOff, dBias, dBiasOff);
            return;
        }
        directBackwardWeight(g, x, xOff, dy, dyOff, dw, dwOff, dBias, dBiasOff);
    }

    // ---- direct forward -------------------------------------------------------------------------------

    /** Input rows of the padded image: {@code w + 2·padW} pixels of {@code c} floats. */
    private static int paddedRowStride(Conv2dGeometry g) {
        return (g.w() + 2 * g.padW()) * g.c();
    }

    private static boolean padded(Conv2dGeometry g) {
        return g.padH() > 0 || g.padW() > 0;
    }

    /**
     * Copies image {@code b} into {@code dst} with {@code padH} zero rows above and below and {@code padW}
     * zero pixels left and right: [h + 2·padH, w + 2·padW, c]. O(input), against O(input·taps·oc) for the
     * convolution that reads it.
     */
    private static void padImage(Conv2dGeometry g, float[] x, int xImg, float[] dst) {
        int c = g.c(), rowLen = g.w() * c, stride = paddedRowStride(g), left = g.padW() * c;
        int top = g.padH() * stride;
        Arrays.fill(dst, 0, top, 0f);
        for (int r = 0; r < g.h(); r++) {
            int d = top + r * stride;
            Arrays.fill(dst, d, d + left, 0f);
            System.arraycopy(x, xImg + r * rowLen, dst, d + left, rowLen);
            Arrays.fill(dst, d + left + rowLen, d + stride, 0f);
        }
        int bottom = top + g.h() * stride;
        Arrays.fill(dst, bottom, bottom + g.padH() * stride, 0f);
    }

    private static DirectConvKernels.Taps taps(Conv2dGeometry g, int rowStride) {
        return new DirectConvKernels.Taps(g.kh(), g.kw(), g.icg(), g.oc(), g.dilationH() * rowStride, g.dilationW() * g.c());
    }

    /**
     * Direct forward over all images; {@code accumulate} adds into y (the input-gradient use), else y = bias + conv.
     * A null bias becomes zeros here, so the tiles never test for it.
     */
    private static void directForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] biasOrNull,
                                      int biasOffOrAny, float[] y, int yOff, boolean accumulate) {
        float[] bias = biasOrNull == null ? new float[g.oc()] : biasOrNull;
        int biasOff = biasOrNull == null ? 0 : biasOffOrAny;
        int pixels = g.oh() * g.ow(), image = g.h() * g.w() * g.c();
        boolean pad = padded(g);
        int rowStride = pad ? paddedRowStride(g) : g.w() * g.c();
        int paddedSize = (g.h() + 2 * g.padH()) * rowStride;
        float[] wn = narrow(g) ? narrowWeights(g, w, wOff) : null;
        // The sliding tiles need the kernel's three columns as taps; every other dense forward folds them.
        DirectConvKernels.Taps t = wn == null && !forwardSlides(g) ? forwardTaps(g, rowStride) : taps(g, rowStride);
        if (g.n() > 1) {
            // One chunk per image: the padded copy is made by the thread that uses it, while it is in cache.
            Parallel.forRange(g.n(), 1, (from, to) -> {
                for (int b = from; b < to; b++) {
                    float[] src = x;
                    int base = xOff + b * image;
                    if (pad) {
                        src = ConvWorkspace.floats(ConvWorkspace.PADDED, paddedSize);
                        padImage(g, x, base, src);
                        base = 0;
                    }
                    directPixels(g, t, rowStride, src, base, 0, pixels, 0, g.ocg(), w, wOff, wn, bias, biasOff,
                            y, yOff + b * pixels * g.oc(), accumulate);
                }
            });
        } else {
            // A single image: pad it once, then split its output pixels.
            float[] src = x;
            int base = xOff;
            if (pad) {
                src = ConvWorkspace.floats(ConvWorkspace.PADDED_SHARED, paddedSize);
                padImage(g, x, base, src);
                base = 0;
            }
            float[] s = src;
            int bs = base;
            // A single image: chunks of output pixels, and, when those are too few to keep every thread busy
            // (the late, small maps of a network: 49 to 784 pixels), of output channels too. Each chunk then
            // streams only its own channels' weights, once per band, instead of every chunk streaming all of them.
            int pixelGrain = balancedGrain(pixels, PIXEL_GRAIN, 8);
            int pixelChunks = Parallel.chunkCount(pixels, pixelGrain);
            // (Adding into y, the input-gradient use, adds whole bands of channels, so it keeps them together.)
            int channelGrain = wn == null && g.groups() == 1 && !accumulate ? channelGrain(g.ocg(), pixelChunks) : g.ocg();
            int channelChunks = Parallel.chunkCount(g.ocg(), channelGrain);
            Parallel.forRange(pixelChunks * channelChunks, 1, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int p0 = (item / channelChunks) * pixelGrain, o0 = (item % channelChunks) * channelGrain;
                    directPixels(g, t, rowStride, s, bs, p0, Math.min(pixels, p0 + pixelGrain), o0,
                            Math.min(g.ocg(), o0 + channelGrain), w, wOff, wn, bias, biasOff, y, yOff, accumulate);
                }
            });
        }
    }

    /**
     * Whether the forward sliding tiles ({@link DirectConvKernels#forwardSlide3x8}) apply: three kernel
     * columns, stride and dilation 1 along the width, so neighbouring output pixels of a row share input
     * columns, and rows of at least one tile.
     */
    private static boolean forwardSlides(Conv2dGeometry g) {
        return g.kw() == 3 && g.strideW() == 1 && g.dilationW() == 1 && g.ow() >= 8;
    }

    /**
     * A chunk extent for {@code size} items: at most {@code max}, a multiple of {@code unit} and close to
     * {@code size / chunks}, so that 196 pixels split 104 + 92 rather than 192 + 4.
     */
    private static int balancedGrain(int size, int max, int unit) {
        int chunks = (size + max - 1) / max;
        int even = (size + chunks - 1) / chunks;
        return Math.min(max, (even + unit - 1) / unit * unit);
    }

    /**
     * Output channels per chunk of a single image split into {@code pixelChunks} pixel chunks: all of them
     * when the pixels alone give {@link #MIN_IMAGE_CHUNKS} chunks, else whole two-vector tiles, as many as
     * leave at least that many (pixel, channel) chunks. Depends on the geometry only.
     */
    private static int channelGrain(int ocg, int pixelChunks) {
        if (pixelChunks >= MIN_IMAGE_CHUNKS) return ocg;
        int tiles = ocg / (2 * L);
        if (tiles < 2) return ocg;
        int perChunk = Math.max(1, tiles / Math.max(1, MIN_IMAGE_CHUNKS / pixelChunks));
        return perChunk * 2 * L;
    }

    /**
     * The taps of a forward tile, with a dense convolution's kernel columns folded into its input channels:
     * with one group and dilation 1 the taps {@code (j, ci)} of a kernel row lie at consecutive input offsets
     * {@code j·c + ci} and consecutive weight rows, so they are one run of {@code kw·c}. The tiles then sum
     * the same terms in the same order, in one inner loop instead of kw short ones (three channels in a stem
     * convolution: loop overhead, not FMAs, bounded it).
     */
    private static DirectConvKernels.Taps forwardTaps(Conv2dGeometry g, int rowStride) {
        if (g.groups() != 1 || g.dilationW() != 1) return taps(g, rowStride);
        return new DirectConvKernels.Taps(g.kh(), 1, g.kw() * g.c(), g.oc(), g.dilationH() * rowStride, g.kw() * g.c());
    }

    /**
     * Output pixels {@code [from, to)} (row-major over oh × ow) of one image whose (padded) input starts at
     * {@code base}. With {@code accumulate} each band is computed into a per-thread buffer and then added
     * into y, an O(output) pass against the O(output·taps) of the tiles. A non-null {@code wn} holds the
     * {@link #narrowWeights} and selects the narrow tiles.
     */
    private static void directPixels(Conv2dGeometry g, DirectConvKernels.Taps t, int rowStride, float[] x, int base,
                                     int from, int to, int oFrom, int oTo, float[] w, int wOff, float[] wn, float[] bias,
                                     int biasOff, float[] y, int yImg, boolean accumulate) {
        int ow = g.ow(), oc = g.oc(), icg = g.icg(), ocg = g.ocg(), c = g.c();
        int sh = g.strideH() * rowStride, sw = g.strideW() * c;
        int[] xb = ConvWorkspace.ints(BAND);
        float[] out = accumulate ? ConvWorkspace.floats(ConvWorkspace.BAND_OUTPUT, BAND * oc) : y;
        VectorMask<Float> all = F.maskAll(true);
        boolean slide = forwardSlides(g);
        for (int band = from; band < to; band += BAND) {
            int cnt = Math.min(BAND, to - band);
            for (int k = 0; k < cnt; k++) {
                int pix = band + k;
                xb[k] = base + (pix / ow) * sh + (pix % ow) * sw;
            }
            int outBand = accumulate ? 0 : yImg + band * oc;
            for (int grp = 0; grp < g.groups(); grp++) {
                int gx = grp * icg, col = grp * ocg;
                if (wn != null) {
                    narrowPixels(t, x, xb, cnt, gx, wn, (col * g.kh() * g.kw()) * icg, bias, biasOff + col, ocg, out,
                            outBand + col, oc);
                    continue;
                }
                int o = oFrom;
                for (; o + 2 * L <= oTo; o += 2 * L) {
                    int wc = wOff + col + o, bc = biasOff + col + o, yc = outBand + col + o;
                    int k = 0;
                    if (DirectConvKernels.WIDE_TILES) {
                        for (; k + 8 <= cnt; k += 8) {
                            DirectConvKernels.forward8x2(t, x, xb[k] + gx, xb[k + 1] + gx, xb[k + 2] + gx, xb[k + 3] + gx,
                                    xb[k + 4] + gx, xb[k + 5] + gx, xb[k + 6] + gx, xb[k + 7] + gx, w, wc, bias, bc,
                                    out, yc + k * oc, oc);
                        }
                    }
                    for (; k + 6 <= cnt; k += 6) {
                        DirectConvKernels.forward6x2(t, x, xb[k] + gx, xb[k + 1] + gx, xb[k + 2] + gx, xb[k + 3] + gx,
                                xb[k + 4] + gx, xb[k + 5] + gx, w, wc, bias, bc, out, yc + k * oc, oc);
                    }
                    for (; k < cnt; k++) {
                        DirectConvKernels.forward1x1(t, x, xb[k] + gx, w, wc, bias, bc, out, yc + k * oc, all);
                        DirectConvKernels.forward1x1(t, x, xb[k] + gx, w, wc + L, bias, bc + L, out, yc + k * oc + L, all);
                    }
                }
                for (; o < oTo; o += L) {
                    VectorMask<Float> m = F.indexInRange(o, oTo);
                    int wc = wOff + col + o, bc = biasOff + col + o, yc = outBand + col + o;
                    int k = 0;
                    if (slide && o + L <= oTo) {
                        // Runs of eight pixels within one output row take the sliding tile.
                        while (k + 8 <= cnt) {
                            int q = (band + k) % ow;
                            if (q + 8 <= ow) {
                                DirectConvKernels.forwardSlide3x8(t, x, xb[k] + gx, w, wc, bias, bc, out, yc + k * oc, oc);
                                k += 8;
                            } else {
                                DirectConvKernels.forward1x1(t, x, xb[k] + gx, w, wc, bias, bc, out, yc + k * oc, m);
                                k++;
                            }
                        }
                    }
                    for (; k + 8 <= cnt; k += 8) {
                        DirectConvKernels.forward8x1(t, x, xb[k] + gx, xb[k + 1] + gx, xb[k + 2] + gx, xb[k + 3] + gx,
                                xb[k + 4] + gx, xb[k + 5] + gx, xb[k + 6] + gx, xb[k + 7] + gx, w, wc, bias, bc,
                                out, yc + k * oc, oc, m);
                    }
                    for (; k < cnt; k++) {
                        DirectConvKernels.forward1x1(t, x, xb[k] + gx, w, wc, bias, bc, out, yc + k * oc, m);
                    }
                }
            }
            if (accumulate) addInto(out, 0, y, yImg + band * oc, cnt * oc);
        }
    }

    /**
     * The narrow tiles over one band of {@code cnt} pixels (input bases {@code xb[k] + gx}) for the {@code ocg}
     * output channels of a group, whose filters start at {@code wn[wg]} and outputs at {@code y[yc]}
     * ({@code ldy} apart per pixel).
     */
    private static void narrowPixels(DirectConvKernels.Taps t, float[] x, int[] xb, int cnt, int gx, float[] wn, int wg,
                                     float[] bias, int bc, int ocg, float[] y, int yc, int ldy) {
        int filter = t.kh() * t.kw() * t.icg();
        for (int o = 0; o < ocg; o++) {
            int wo = wg + o * filter;
            float b = bias[bc + o];
            int k = 0;
            for (; k + 4 <= cnt; k += 4) {
                DirectConvKernels.forwardNarrow4(t, x, xb[k] + gx, xb[k + 1] + gx, xb[k + 2] + gx, xb[k + 3] + gx, wn, wo, b,
                        y, yc + o + k * ldy, ldy);
            }
            for (; k < cnt; k++) DirectConvKernels.forwardNarrow1(t, x, xb[k] + gx, wn, wo, b, y, yc + o + k * ldy);
        }
    }

    // ---- im2col paths -----------------------------------------------------------------------------------

    /**
     * Writes the patches of output pixels {@code [from, to)} (flat over n × oh × ow) for group {@code grp}
     * as rows of {@code cols}: row r, column {@code (i·kw + j)·icg + ci} is the input tap, 0 outside the image.
     */
    private static void im2col(Conv2dGeometry g, float[] x, int xOff, int grp, int from, int to, float[] cols) {
        int oh = g.oh(), ow = g.ow(), icg = g.icg(), k = g.kh() * g.kw() * icg;
        for (int pix = from; pix < to; pix++) {
            int b = pix / (oh * ow), p = (pix / ow) % oh, q = pix % ow;
            int row = (pix - from) * k;
            for (int i = 0; i < g.kh(); i++) {
                int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                for (int j = 0; j < g.kw(); j++) {
                    int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                    int dst = row + (i * g.kw() + j) * icg;
                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                        Arrays.fill(cols, dst, dst + icg, 0f);
                    } else {
                        System.arraycopy(x, xOff + ((b * g.h() + ih) * g.w() + iw) * g.c() + grp * icg, cols, dst, icg);
                    }
                }
            }
        }
    }

    private void im2colForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                               float[] y, int yOff) {
        int k = g.kh() * g.kw() * g.icg(), oc = g.oc(), ocg = g.ocg();
        int rows = Math.max(1, COLUMN_FLOATS / k);
        Parallel.forRange(g.n() * g.oh() * g.ow(), rows, (from, to) -> {
            float[] cols = ConvWorkspace.floats(ConvWorkspace.COLUMNS, rows * k);
            for (int grp = 0; grp < g.groups(); grp++) {
                im2col(g, x, xOff, grp, from, to, cols);
                int yc = yOff + from * oc + grp * ocg;
                if (bias != null) {
                    for (int r = 0; r < to - from; r++) System.arraycopy(bias, biasOff + grp * ocg, y, yc + r * oc, ocg);
                }
                gemm.sgemm(false, false, to - from, ocg, k, 1f, cols, 0, k, w, wOff + grp * ocg, oc,
                        bias == null ? 0f : 1f, y, yc, oc);
            }
        });
    }

    /** {@code dx += col2im(dy · Wᵀ)}, image by image (an image's scatter touches only its own dx). */
    private void col2imBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int icg = g.icg(), ocg = g.ocg(), oc = g.oc(), k = g.kh() * g.kw() * icg;
        int pixels = g.oh() * g.ow(), rows = Math.max(1, COLUMN_FLOATS / k);
        Parallel.forRange(g.n(), 1, (from, to) -> {
            float[] cols = ConvWorkspace.floats(ConvWorkspace.COLUMNS, Math.min(rows, pixels) * k);
            for (int b = from; b < to; b++) {
                for (int p0 = b * pixels; p0 < (b + 1) * pixels; p0 += rows) {
                    int cnt = Math.min(rows, (b + 1) * pixels - p0);
                    for (int grp = 0; grp < g.groups(); grp++) {
                        gemm.sgemm(false, true, cnt, k, ocg, 1f, dy, dyOff + p0 * oc + grp * ocg, oc,
                                w, wOff + grp * ocg, oc, 0f, cols, 0, k);
                        col2im(g, cols, grp, p0, p0 + cnt, dx, dxOff);
                    }
                }
            }
        });
    }

    /** Adds column rows of pixels {@code [from, to)} back onto the input taps they came from (the adjoint of im2col). */
    private static void col2im(Conv2dGeometry g, float[] cols, int grp, int from, int to, float[] dx, int dxOff) {
        int oh = g.oh(), ow = g.ow(), icg = g.icg(), k = g.kh() * g.kw() * icg;
        for (int pix = from; pix < to; pix++) {
            int b = pix / (oh * ow), p = (pix / ow) % oh, q = pix % ow;
            int row = (pix - from) * k;
            for (int i = 0; i < g.kh(); i++) {
                int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                if (ih < 0 || ih >= g.h()) continue;
                for (int j = 0; j < g.kw(); j++) {
                    int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                    if (iw < 0 || iw >= g.w()) continue;
                    addInto(cols, row + (i * g.kw() + j) * icg, dx, dxOff + ((b * g.h() + ih) * g.w() + iw) * g.c() + grp * icg, icg);
                }
            }
        }
    }

    /** {@code dst[dOff + e] += src[sOff + e]} for {@code e < len}. */
    private static void addInto(float[] src, int sOff, float[] dst, int dOff, int len) {
        int e = 0;
        for (; e <= len - L; e += L) {
            FloatVector.fromArray(F, dst, dOff + e).add(FloatVector.fromArray(F, src, sOff + e)).intoArray(dst, dOff + e);
        }
        for (; e < len; e++) dst[dOff + e] += src[sOff + e];
    }

    // ---- weight gradient ------------------------------------------------------------------------------

    /** Chunks of partial sums a weight gradient of {@code perChunk} floats may keep. */
    private static int maxPartials(int perChunk) {
        return Math.max(1, Math.min(MAX_PARTIALS, PARTIAL_FLOATS / perChunk));
    }

    /**
     * Whether the weight gradient can slide ({@link DirectConvKernels#gradWeightSlide3x8}): stride 1 and a
     * three-column kernel of dilation 1, so the three tap columns of a kernel row meet each input value of a
     * row; the tile peels two columns at each end of a row, so it needs two output columns.
     */
    private static boolean slides(Conv2dGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.kw() == 3 && g.dilationW() == 1 && g.ow() >= 2;
    }

    private static void directBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                             float[] dw, int dwOff, float[] dBias, int dBiasOff) {
        int pixels = g.oh() * g.ow(), image = g.h() * g.w() * g.c(), oc = g.oc();
        int wsize = g.weightSize(), per = wsize + oc;
        boolean pad = padded(g), thin = narrow(g), slide = !thin && slides(g);
        int rowStride = pad ? paddedRowStride(g) : g.w() * g.c();
        int paddedSize = (g.h() + 2 * g.padH()) * rowStride;
        DirectConvKernels.Taps t = taps(g, rowStride);
        int limit = maxPartials(per);
        float[] part;
        int chunks;
        if (g.n() > 1) {
            int grain = (g.n() + limit - 1) / limit;
            chunks = Parallel.chunkCount(g.n(), grain);
            part = new float[chunks * per];
            Parallel.forChunks(g.n(), grain, (chunk, from, to) -> {
                for (int b = from; b < to; b++) {
                    float[] src = x;
                    int base = xOff + b * image;
                    if (pad) {
                        src = ConvWorkspace.floats(ConvWorkspace.PADDED, paddedSize);
                        padImage(g, x, base, src);
                        base = 0;
                    }
                    int dyImg = dyOff + b * pixels * oc;
                    if (slide) slideRows(g, rowStride, src, base, 0, g.oh(), dy, dyImg, part, chunk * per);
                    else if (thin) gradNarrow(g, t, rowStride, src, base, 0, pixels, dy, dyImg, part, chunk * per);
                    else gradPixels(g, t, rowStride, src, base, 0, pixels, dy, dyImg, part, chunk * per);
                }
            });
        } else {
            float[] src = x;
            int base = xOff;
            if (pad) {
                src = ConvWorkspace.floats(ConvWorkspace.PADDED_SHARED, paddedSize);
                padImage(g, x, base, src);
                base = 0;
            }
            float[] s = src;
            int bs = base;
            if (slide) {
                // Whole output rows per chunk: the tile walks rows.
                int oh = g.oh(), ow = g.ow();
                int grain = Math.max((PIXEL_GRAIN + ow - 1) / ow, (oh + limit - 1) / limit);
                chunks = Parallel.chunkCount(oh, grain);
                part = new float[chunks * per];
                Parallel.forChunks(oh, grain, (chunk, from, to) ->
                        slideRows(g, rowStride, s, bs, from, to, dy, dyOff, part, chunk * per));
            } else {
                int grain = Math.max(PIXEL_GRAIN, (pixels + limit - 1) / limit);
                chunks = Parallel.chunkCount(pixels, grain);
                part = new float[chunks * per];
                Parallel.forChunks(pixels, grain, (chunk, from, to) -> {
                    if (thin) gradNarrow(g, t, rowStride, s, bs, from, to, dy, dyOff, part, chunk * per);
                    else gradPixels(g, t, rowStride, s, bs, from, to, dy, dyOff, part, chunk * per);
                });
            }
        }
        addPartials(part, chunks, wsize, oc, dw, dwOff, dBias, dBiasOff);
    }

    /**
     * Adds the weight and bias gradients of output rows {@code [from, to)} of one image into the partial at
     * {@code pOff} ([kh, kw, icg, oc] then [oc]); the image's (padded) input starts at {@code base} with
     * rows {@code rowStride} floats apart, and {@code dyImg} is its {@code dy}.
     */
    private static void slideRows(Conv2dGeometry g, int rowStride, float[] x, int base, int from, int to,
                                  float[] dy, int dyImg, float[] part, int pOff) {
        int oc = g.oc(), icg = g.icg(), ocg = g.ocg(), c = g.c(), ow = g.ow(), rows = to - from;
        int tapStride = icg * oc, dyRow = ow * oc, dyFrom = dyImg + from * dyRow;
        sumRows(dy, dyFrom, rows * ow, oc, part, pOff + g.weightSize());
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int i = 0; i < g.kh(); i++) {
                int xs = base + (from + i * g.dilationH()) * rowStride + grp * icg;
                int wr = pOff + i * 3 * tapStride + grp * ocg;
                for (int o = 0; o < ocg; o += L) {
                    VectorMask<Float> m = F.indexInRange(o, ocg);
                    int dyo = dyFrom + grp * ocg + o;
                    int ci = 0;
                    for (; ci + 8 <= icg; ci += 8) {
                        DirectConvKernels.gradWeightSlide3x8(x, xs + ci, rowStride, c, dy, dyo, dyRow, oc, rows, ow,
                                part, wr + ci * oc + o, oc, tapStride, m);
                    }
                    for (; ci < icg; ci++) {
                        DirectConvKernels.gradWeightSlide3x1(x, xs + ci, rowStride, c, dy, dyo, dyRow, oc, rows, ow,
                                part, wr + ci * oc + o, tapStride, m);
                    }
                }
            }
        }
    }

    /**
     * Adds the weight and bias gradients of output pixels {@code [from, to)} of one image into the partial at
     * {@code pOff} ([kh, kw, icg, oc] then [oc]); {@code dyImg} is that image's {@code dy}.
     */
    private static void gradPixels(Conv2dGeometry g, DirectConvKernels.Taps t, int rowStride, float[] x, int base,
                                   int from, int to, float[] dy, int dyImg, float[] part, int pOff) {
        int ow = g.ow(), oc = g.oc(), icg = g.icg(), ocg = g.ocg(), c = g.c(), kw = g.kw();
        int sh = g.strideH() * rowStride, sw = g.strideW() * c;
        int pb = pOff + g.weightSize();
        int[] xb = ConvWorkspace.ints(BAND);
        VectorMask<Float> all = F.maskAll(true);
        for (int band = from; band < to; band += BAND) {
            int cnt = Math.min(BAND, to - band);
            for (int k = 0; k < cnt; k++) {
                int pix = band + k;
                xb[k] = base + (pix / ow) * sh + (pix % ow) * sw;
            }
            int dyBand = dyImg + band * oc;
            sumRows(dy, dyBand, cnt, oc, part, pb);
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < kw; j++) {
                        int xd = i * t.rowStep() + j * t.colStep() + grp * icg;
                        int wr = pOff + (i * kw + j) * icg * oc + grp * ocg;
                        int o = 0;
                        for (; o + 2 * L <= ocg; o += 2 * L) {
                            int ci = 0;
                            if (DirectConvKernels.WIDE_TILES) {
                                for (; ci + 8 <= icg; ci += 8) {
                                    DirectConvKernels.gradWeight8x2(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o, oc,
                                            part, wr + ci * oc + o, oc);
                                }
                            }
                            for (; ci + 6 <= icg; ci += 6) {
                                DirectConvKernels.gradWeight6x2(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o, oc,
                                        part, wr + ci * oc + o, oc);
                            }
                            for (; ci < icg; ci++) {
                                DirectConvKernels.gradWeight1x1(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o, oc,
                                        part, wr + ci * oc + o, all);
                                DirectConvKernels.gradWeight1x1(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o + L, oc,
                                        part, wr + ci * oc + o + L, all);
                            }
                        }
                        for (; o < ocg; o += L) {
                            VectorMask<Float> m = F.indexInRange(o, ocg);
                            int ci = 0;
                            for (; ci + 8 <= icg; ci += 8) {
                                DirectConvKernels.gradWeight8x1(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o, oc,
                                        part, wr + ci * oc + o, oc, m);
                            }
                            for (; ci < icg; ci++) {
                                DirectConvKernels.gradWeight1x1(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o, oc,
                                        part, wr + ci * oc + o, m);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #gradPixels} with the narrow tiles: the gradient of output pixels {@code [from, to)} is summed
     * per output channel in OHWI order (lanes across input channels) in this thread's scratch, then added
     * into the HWIO partial at {@code pOff} in a fixed order.
     */
    private static void gradNarrow(Conv2dGeometry g, DirectConvKernels.Taps t, int rowStride, float[] x, int base,
                                   int from, int to, float[] dy, int dyImg, float[] part, int pOff) {
        int ow = g.ow(), oc = g.oc(), icg = g.icg(), ocg = g.ocg(), kw = g.kw(), taps = g.kh() * kw;
        int sh = g.strideH() * rowStride, sw = g.strideW() * g.c(), wsize = g.weightSize();
        float[] acc = ConvWorkspace.floats(ConvWorkspace.NARROW_GRADIENT, wsize);
        Arrays.fill(acc, 0, wsize, 0f);
        int[] xb = ConvWorkspace.ints(BAND);
        for (int band = from; band < to; band += BAND) {
            int cnt = Math.min(BAND, to - band);
            for (int k = 0; k < cnt; k++) {
                int pix = band + k;
                xb[k] = base + (pix / ow) * sh + (pix % ow) * sw;
            }
            int dyBand = dyImg + band * oc;
            sumRows(dy, dyBand, cnt, oc, part, pOff + wsize);
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int o = 0; o < ocg; o++) {
                    int filter = (grp * ocg + o) * taps * icg;
                    for (int i = 0; i < g.kh(); i++) {
                        for (int j = 0; j < kw; j++) {
                            int xd = i * t.rowStep() + j * t.colStep() + grp * icg, wt = filter + (i * kw + j) * icg;
                            for (int ci = 0; ci < icg; ci += L) {
                                DirectConvKernels.gradWeightNarrow(x, xb, xd + ci, cnt, dy, dyBand + grp * ocg + o, oc,
                                        acc, wt + ci, F.indexInRange(ci, icg));
                            }
                        }
                    }
                }
            }
        }
        for (int co = 0; co < oc; co++) {
            for (int tap = 0; tap < taps; tap++) {
                int src = (co * taps + tap) * icg, dst = pOff + tap * icg * oc + co;
                for (int ci = 0; ci < icg; ci++) part[dst + ci * oc] += acc[src + ci];
            }
        }
    }

    /** {@code acc[accOff + o] += Σ_{r < rows} a[aOff + r·cols + o]} for {@code o < cols}. */
    private static void sumRows(float[] a, int aOff, int rows, int cols, float[] acc, int accOff) {
        for (int o = 0; o < cols; o += L) {
            VectorMask<Float> m = F.indexInRange(o, cols);
            FloatVector s0 = FloatVector.fromArray(F, acc, accOff + o, m), s1 = FloatVector.zero(F);
            int r = 0;
            for (; r + 1 < rows; r += 2) {
                s0 = s0.add(FloatVector.fromArray(F, a, aOff + r * cols + o, m));
                s1 = s1.add(FloatVector.fromArray(F, a, aOff + (r + 1) * cols + o, m));
            }
            if (r < rows) s0 = s0.add(FloatVector.fromArray(F, a, aOff + r * cols + o, m));
            s0.add(s1).intoArray(acc, accOff + o, m);
        }
    }

    /** Bias gradient of a pointwise convolution: column sums of dy [m, oc], chunked with partials in order. */
    private static void biasGradient(int m, int oc, float[] dy, int dyOff, float[] dBias, int dBiasOff) {
        int grain = Math.max(PIXEL_GRAIN, (m + MAX_PARTIALS - 1) / MAX_PARTIALS);
        int chunks = Parallel.chunkCount(m, grain);
        float[] part = new float[chunks * oc];
        Parallel.forChunks(m, grain, (chunk, from, to) -> sumRows(dy, dyOff + from * oc, to - from, oc, part, chunk * oc));
        for (int ch = 0; ch < chunks; ch++) addInto(part, ch * oc, dBias, dBiasOff, oc);
    }

    /** Adds per-chunk partials ({@code wsize} weights then {@code nb} biases each) into the gradients in chunk order. */
    private static void addPartials(float[] part, int chunks, int wsize, int nb, float[] dw, int dwOff,
                                    float[] dBias, int dBiasOff) {
        for (int ch = 0; ch < chunks; ch++) {
            int p = ch * (wsize + nb);
            addInto(part, p, dw, dwOff, wsize);
            if (dBias != null) addInto(part, p + wsize, dBias, dBiasOff, nb);
        }
    }

    // ---- depthwise --------------------------------------------------------------------------------------

    /** Per-thread depthwise scratch: packed input rows, then packed weights and bias, then one packed output row. */
    private static float[] depthwiseScratch(Conv2dGeometry g) {
        int rows = DepthwiseKernels.packedRows(g, DepthwiseKernels.bandRows(g)) * DepthwiseKernels.packedRowStride(g);
        return ConvWorkspace.floats(ConvWorkspace.DEPTHWISE, rows + DepthwiseKernels.packedWeightSize(g) + g.ow() * L);
    }

    @Override
    public void depthwiseConv2dForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias,
                                       int biasOff, float[] y, int yOff) {
        assert g.isDepthwise();
        if (g.n() == 0) return;
        // One task per (image, band of rows, channel block); each writes its own output elements.
        int blocks = DepthwiseKernels.channelBlocks(g), bands = DepthwiseKernels.bands(g);
        int bandRows = DepthwiseKernels.bandRows(g), oh = g.oh(), rowLen = g.ow() * g.c();
        int packed = DepthwiseKernels.packedRows(g, bandRows) * DepthwiseKernels.packedRowStride(g);
        int rowPacked = g.strideH() * DepthwiseKernels.packedRowStride(g), image = g.h() * g.w() * g.c();
        Parallel.forRange(g.n() * bands * blocks, 1, (from, to) -> {
            float[] s = depthwiseScratch(g);
            int wp = packed, out = packed + DepthwiseKernels.packedWeightSize(g);
            for (int task = from; task < to; task++) {
                int cb = (task % blocks) * L, band = (task / blocks) % bands, b = task / (blocks * bands);
                int p0 = band * bandRows, p1 = Math.min(oh, p0 + bandRows);
                DepthwiseKernels.packWeights(g, w, wOff, bias, biasOff, cb, false, s, wp);
                DepthwiseKernels.packRows(g, x, xOff + b * image, cb, p0 * g.strideH() - g.padH(),
                        DepthwiseKernels.packedRows(g, p1 - p0), s, 0);
                for (int p = p0; p < p1; p++) {
                    DepthwiseKernels.forwardRow(g, s, (p - p0) * rowPacked, s, wp, s, out);
                    DepthwiseKernels.storeRow(g, s, out, cb, y, yOff + (b * oh + p) * rowLen);
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                                             float[] dx, int dxOff) {
        assert g.isDepthwise();
        if (g.n() == 0) return;
        Conv2dGeometry t = transposed(g);
        if (t == null) {
            int h = g.h();
            Parallel.forRange(g.n() * h, depthwiseRowGrain(g), (from, to) -> {
                for (int r = from; r < to; r++) DepthwiseKernels.backwardInputRow(g, r / h, r % h, dy, dyOff, w, wOff, dx, dxOff);
            });
            return;
        }
        // Stride 1: the depthwise forward of dy with the flipped filters, added into dx.
        int blocks = DepthwiseKernels.channelBlocks(t), bands = DepthwiseKernels.bands(t);
        int bandRows = DepthwiseKernels.bandRows(t), oh = t.oh(), rowLen = t.ow() * t.c();
        int packed = DepthwiseKernels.packedRows(t, bandRows) * DepthwiseKernels.packedRowStride(t);
        int rowPacked = DepthwiseKernels.packedRowStride(t), image = t.h() * t.w() * t.c();
        Parallel.forRange(t.n() * bands * blocks, 1, (from, to) -> {
            float[] s = depthwiseScratch(t);
            int wp = packed, out = packed + DepthwiseKernels.packedWeightSize(t);
            for (int task = from; task < to; task++) {
                int cb = (task % blocks) * L, band = (task / blocks) % bands, b = task / (blocks * bands);
                int p0 = band * bandRows, p1 = Math.min(oh, p0 + bandRows);
                DepthwiseKernels.packWeights(t, w, wOff, null, 0, cb, true, s, wp);
                DepthwiseKernels.packRows(t, dy, dyOff + b * image, cb, p0 - t.padH(),
                        DepthwiseKernels.packedRows(t, p1 - p0), s, 0);
                for (int p = p0; p < p1; p++) {
                    DepthwiseKernels.forwardRow(t, s, (p - p0) * rowPacked, s, wp, s, out);
                    DepthwiseKernels.addRow(t, s, out, cb, dx, dxOff + (b * oh + p) * rowLen);
                }
            }
        });
    }

    private static int depthwiseRowGrain(Conv2dGeometry g) {
        return Math.max(1, DEPTHWISE_CHUNK_ELEMENTS / Math.max(1, g.ow() * g.c()));
    }

    @Override
    public void depthwiseConv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                              float[] dw, int dwOff, float[] dBias, int dBiasOff) {
        assert g.isDepthwise();
        if (g.n() == 0) return;
        // One task per (channel block, band of rows), each summing over all images into its own packed
        // partial; partials are then added per block in band order, so any thread count gives the same bits.
        int blocks = DepthwiseKernels.channelBlocks(g), bands = DepthwiseKernels.bands(g);
        int bandRows = DepthwiseKernels.bandRows(g), oh = g.oh(), ow = g.ow(), c = g.c(), taps = g.kh() * g.kw();
        int packed = DepthwiseKernels.packedRows(g, bandRows) * DepthwiseKernels.packedRowStride(g);
        int rowPacked = g.strideH() * DepthwiseKernels.packedRowStride(g), image = g.h() * g.w() * c;
        int per = DepthwiseKernels.packedWeightSize(g), tasks = blocks * bands;
        float[] part = ConvWorkspace.floats(ConvWorkspace.PARTIALS_SHARED, tasks * per);
        Arrays.fill(part, 0, tasks * per, 0f);
        Parallel.forRange(tasks, 1, (from, to) -> {
            float[] s = depthwiseScratch(g);
            int dyRow = packed + per;
            for (int task = from; task < to; task++) {
                int cb = (task / bands) * L, band = task % bands;
                int p0 = band * bandRows, p1 = Math.min(oh, p0 + bandRows);
                for (int b = 0; b < g.n(); b++) {
                    DepthwiseKernels.packRows(g, x, xOff + b * image, cb, p0 * g.strideH() - g.padH(),
                            DepthwiseKernels.packedRows(g, p1 - p0), s, 0);
                    for (int p = p0; p < p1; p++) {
                        DepthwiseKernels.packPixels(dy, dyOff + (b * oh + p) * ow * c, c, cb, ow, s, dyRow);
                        DepthwiseKernels.backwardWeightRow(g, s, (p - p0) * rowPacked, s, dyRow, part, task * per);
                    }
                }
            }
        });
        for (int task = 0; task < tasks; task++) {
            int cb = (task / bands) * L, n = Math.min(L, c - cb), pp = task * per;
            for (int t = 0; t < taps; t++) {
                for (int l = 0; l < n; l++) dw[dwOff + t * c + cb + l] += part[pp + t * L + l];
            }
            if (dBias != null) {
                for (int l = 0; l < n; l++) dBias[dBiasOff + cb + l] += part[pp + taps * L + l];
            }
        }
    }
}
