package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Kernels of the depthwise convolution, vectorised across channels: in NHWC the channels of one pixel are
 * contiguous, and every channel has its own filter, so a vector of channels is a vector of independent
 * convolutions that share all their addressing. Weights are {@code [kh, kw, c]}.
 *
 * <p>Blocked layout: work runs one channel block (one vector of channels) at a time over a band of rows,
 * from a packed copy {@code [rows][w + 2·padW][L]} of that block's input, zero-padded around the image and
 * in the lanes past {@code c}. In NHWC one channel block's pixels lie {@code c} floats apart; for a
 * power-of-two {@code c} (128: 512 B) every pixel, every input row and every weight tap of the block falls in
 * the same few L1 sets, which measured the kernels at a fifth of the FMA peak. Packed, a band's rows are
 * contiguous and the block's 7×7 weights are 3 KiB, so the working set of an output row (kh input rows,
 * weights, one output row) sits in L1, and the padding removes all edge clipping from the tiles. Packing
 * costs two vector moves per input pixel against {@code kh·kw} FMAs.
 *
 * <p>The stride-2 input gradient gathers from {@code dy} row by row instead ({@link #backwardInputRow}).
 */
final class DepthwiseKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    /** Most output rows of a band: input rows are packed once per band, {@code (kh − 1)·dilation} of them twice. */
    private static final int MAX_BAND_ROWS = 16;

    private DepthwiseKernels() {
    }

    /** Output rows per band: {@code oh} split into near-equal bands of at most {@link #MAX_BAND_ROWS}. */
    static int bandRows(Conv2dGeometry g) {
        int bands = (g.oh() + MAX_BAND_ROWS - 1) / MAX_BAND_ROWS;
        return (g.oh() + bands - 1) / bands;
    }

    /** Number of bands of {@link #bandRows} output rows. */
    static int bands(Conv2dGeometry g) {
        int r = bandRows(g);
        return (g.oh() + r - 1) / r;
    }

    /** Number of channel blocks of L lanes, the last possibly partial. */
    static int channelBlocks(Conv2dGeometry g) {
        return (g.c() + L - 1) / L;
    }

    /** Floats between packed rows: {@code (w + 2·padW)·L}. */
    static int packedRowStride(Conv2dGeometry g) {
        return (g.w() + 2 * g.padW()) * L;
    }

    /** Input rows a band of {@code rows} output rows reads. */
    static int packedRows(Conv2dGeometry g, int rows) {
        return (rows - 1) * g.strideH() + (g.kh() - 1) * g.dilationH() + 1;
    }

    /** Floats of packed weights and bias of one block: {@code (kh·kw + 1)·L}. */
    static int packedWeightSize(Conv2dGeometry g) {
        return (g.kh() * g.kw() + 1) * L;
    }

    /**
     * Packs block {@code cb} (first channel) of weights {@code [kh, kw, c]} as {@code [kh·kw][L]} followed by
     * the bias {@code [L]} (zeros if {@code bias} is null), zero in the lanes past {@code c}; {@code flip}
     * rotates the taps by 180° (the stride-1 input gradient's filters).
     */
    static void packWeights(Conv2dGeometry g, float[] w, int wOff, float[] bias, int bOff, int cb, boolean flip,
                            float[] dst, int dOff) {
        int c = g.c(), taps = g.kh() * g.kw();
        VectorMask<Float> m = F.indexInRange(cb, c);
        for (int t = 0; t < taps; t++) {
            int src = flip ? taps - 1 - t : t;
            FloatVector.fromArray(F, w, wOff + src * c + cb, m).intoArray(dst, dOff + t * L);
        }
        FloatVector b = bias == null ? FloatVector.zero(F) : FloatVector.fromArray(F, bias, bOff + cb, m);
        b.intoArray(dst, dOff + taps * L);
    }

    /**
     * Packs block {@code cb} of input rows {@code [r0, r0 + rows)} of the image at {@code xImg}
     * ({@code [h, w, c]}) into {@code dst} as {@code [rows][w + 2·padW][L]}; rows outside the image, the
     * {@code padW} columns either side and the lanes past {@code c} are zeros.
     */
    static void packRows(Conv2dGeometry g, float[] x, int xImg, int cb, int r0, int rows, float[] dst, int dOff) {
        int c = g.c(), w = g.w(), left = g.padW() * L, stride = packedRowStride(g);
        VectorMask<Float> m = F.indexInRange(cb, c);
        for (int r = 0; r < rows; r++) {
            int ih = r0 + r, d = dOff + r * stride;
            if (ih < 0 || ih >= g.h()) {
                Arrays.fill(dst, d, d + stride, 0f);
                continue;
            }
            Arrays.fill(dst, d, d + left, 0f);
            int s = xImg + ih * w * c + cb;
            for (int iw = 0; iw < w; iw++) FloatVector.fromArray(F, x, s + iw * c, m).intoArray(dst, d + left + iw * L);
            Arrays.fill(dst, d + left + w * L, d + stride, 0f);
        }
    }

    /** Packs block {@code cb} of {@code count} pixels of {@code c} channels at {@code src} as {@code [count][L]}. */
    static void packPixels(float[] a, int aOff, int c, int cb, int count, float[] dst, int dOff) {
        VectorMask<Float> m = F.indexInRange(cb, c);
        for (int q = 0; q < count; q++) FloatVector.fromArray(F, a, aOff + q * c + cb, m).intoArray(dst, dOff + q * L);
    }

    /** {@code y[yRow + q·c + cb + l] = out[q·L + l]} for the live lanes of block {@code cb}, {@code q < ow}. */
    static void storeRow(Conv2dGeometry g, float[] out, int oOff, int cb, float[] y, int yRow) {
        int c = g.c();
        VectorMask<Float> m = F.indexInRange(cb, c);
        for (int q = 0; q < g.ow(); q++) FloatVector.fromArray(F, out, oOff + q * L).intoArray(y, yRow + q * c + cb, m);
    }

    /** As {@link #storeRow} but adding into {@code y} (the input gradient accumulates). */
    static void addRow(Conv2dGeometry g, float[] out, int oOff, int cb, float[] y, int yRow) {
        int c = g.c();
        VectorMask<Float> m = F.indexInRange(cb, c);
        for (int q = 0; q < g.ow(); q++) {
            int o = yRow + q * c + cb;
            FloatVector.fromArray(F, out, oOff + q * L).add(FloatVector.fromArray(F, y, o, m)).intoArray(y, o, m);
        }
    }

    /**
     * One output row of one channel block: {@code out[oOff + q·L …] = bias + Σ_{i,j} xp[row + i·dH·stride +
     * (q·sW + j·dW)·L …] · wp[(i·kw + j)·L …]} for {@code q < ow}, where {@code row} is the packed offset of the
     * row's first input row and {@code wp} holds {@link #packWeights}' layout at {@code wOff}.
     */
    static void forwardRow(Conv2dGeometry g, float[] xp, int row, float[] wp, int wOff, float[] out, int oOff) {
        int ow = g.ow(), kh = g.kh(), kw = g.kw(), step = g.strideW() * L;
        int rowStep = g.dilationH() * packedRowStride(g), colStep = g.dilationW() * L;
        int q = 0;
        if (kw == 7 && step == L && colStep == L) {
            for (; q + 8 <= ow; q += 8) forward8k7(xp, row + q * L, kh, rowStep, wp, wOff, out, oOff + q * L);
        } else {
            for (; q + 8 <= ow; q += 8) forward8(xp, row + q * step, step, kh, kw, rowStep, colStep, wp, wOff, out, oOff + q * L);
        }
        for (; q < ow; q++) forward1(xp, row + q * step, kh, kw, rowStep, colStep, wp, wOff, out, oOff + q * L);
    }

    /**
     * Eight consecutive output pixels (first input at {@code base}, {@code step} floats apart), all taps: eight
     * independent FMA chains per weight load, every load a full vector from the packed block.
     */
    private static void forward8(float[] xp, int base, int step, int kh, int kw, int rowStep, int colStep,
                                 float[] wp, int wOff, float[] out, int oOff) {
        FloatVector bias = FloatVector.fromArray(F, wp, wOff + kh * kw * L);
        FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
        for (int i = 0; i < kh; i++) {
            int wr = wOff + i * kw * L, xr = base + i * rowStep;
            for (int j = 0; j < kw; j++) {
                FloatVector wv = FloatVector.fromArray(F, wp, wr + j * L);
                int e = xr + j * colStep;
                a0 = FloatVector.fromArray(F, xp, e).fma(wv, a0);
                a1 = FloatVector.fromArray(F, xp, e + step).fma(wv, a1);
                a2 = FloatVector.fromArray(F, xp, e + 2 * step).fma(wv, a2);
                a3 = FloatVector.fromArray(F, xp, e + 3 * step).fma(wv, a3);
                a4 = FloatVector.fromArray(F, xp, e + 4 * step).fma(wv, a4);
                a5 = FloatVector.fromArray(F, xp, e + 5 * step).fma(wv, a5);
                a6 = FloatVector.fromArray(F, xp, e + 6 * step).fma(wv, a6);
                a7 = FloatVector.fromArray(F, xp, e + 7 * step).fma(wv, a7);
            }
        }
        a0.intoArray(out, oOff);
        a1.intoArray(out, oOff + L);
        a2.intoArray(out, oOff + 2 * L);
        a3.intoArray(out, oOff + 3 * L);
        a4.intoArray(out, oOff + 4 * L);
        a5.intoArray(out, oOff + 5 * L);
        a6.intoArray(out, oOff + 6 * L);
        a7.intoArray(out, oOff + 7 * L);
    }

    /**
     * Eight consecutive output pixels of a 7-wide filter at stride 1 and dilation 1 (the ConvNeXt and MetaFormer
     * depthwise layer): per kernel row, the seven weights stay in registers and each of the 14 input pixels the
     * row spans is loaded once and feeds every accumulator it reaches, 21 loads for 56 FMAs instead of 63.
     */
    private static void forward8k7(float[] xp, int base, int kh, int rowStep, float[] wp, int wOff,
                                   float[] out, int oOff) {
        FloatVector bias = FloatVector.fromArray(F, wp, wOff + kh * 7 * L);
        FloatVector a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
        for (int i = 0; i < kh; i++) {
            int wr = wOff + i * 7 * L, e = base + i * rowStep;
            FloatVector w0 = FloatVector.fromArray(F, wp, wr);
            FloatVector w1 = FloatVector.fromArray(F, wp, wr + 1 * L);
            FloatVector w2 = FloatVector.fromArray(F, wp, wr + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, wp, wr + 3 * L);
            FloatVector w4 = FloatVector.fromArray(F, wp, wr + 4 * L);
            FloatVector w5 = FloatVector.fromArray(F, wp, wr + 5 * L);
            FloatVector w6 = FloatVector.fromArray(F, wp, wr + 6 * L);
            FloatVector v;
            v = FloatVector.fromArray(F, xp, e);
            a0 = v.fma(w0, a0);
            v = FloatVector.fromArray(F, xp, e + 1 * L);
            a1 = v.fma(w0, a1);
            a0 = v.fma(w1, a0);
            v = FloatVector.fromArray(F, xp, e + 2 * L);
            a2 = v.fma(w0, a2);
            a1 = v.fma(w1, a1);
            a0 = v.fma(w2, a0);
            v = FloatVector.fromArray(F, xp, e + 3 * L);
            a3 = v.fma(w0, a3);
            a2 = v.fma(w1, a2);
            a1 = v.fma(w2, a1);
            a0 = v.fma(w3, a0);
            v = FloatVector.fromArray(F, xp, e + 4 * L);
            a4 = v.fma(w0, a4);
            a3 = v.fma(w1, a3);
            a2 = v.fma(w2, a2);
            a1 = v.fma(w3, a1);
            a0 = v.fma(w4, a0);
            v = FloatVector.fromArray(F, xp, e + 5 * L);
            a5 = v.fma(w0, a5);
            a4 = v.fma(w1, a4);
            a3 = v.fma(w2, a3);
            a2 = v.fma(w3, a2);
            a1 = v.fma(w4, a1);
            a0 = v.fma(w5, a0);
            v = FloatVector.fromArray(F, xp, e + 6 * L);
            a6 = v.fma(w0, a6);
            a5 = v.fma(w1, a5);
            a4 = v.fma(w2, a4);
            a3 = v.fma(w3, a3);
            a2 = v.fma(w4, a2);
            a1 = v.fma(w5, a1);
            a0 = v.fma(w6, a0);
            v = FloatVector.fromArray(F, xp, e + 7 * L);
            a7 = v.fma(w0, a7);
            a6 = v.fma(w1, a6);
            a5 = v.fma(w2, a5);
            a4 = v.fma(w3, a4);
            a3 = v.fma(w4, a3);
            a2 = v.fma(w5, a2);
            a1 = v.fma(w6, a1);
            v = FloatVector.fromArray(F, xp, e + 8 * L);
            a7 = v.fma(w1, a7);
            a6 = v.fma(w2, a6);
            a5 = v.fma(w3, a5);
            a4 = v.fma(w4, a4);
            a3 = v.fma(w5, a3);
            a2 = v.fma(w6, a2);
            v = FloatVector.fromArray(F, xp, e + 9 * L);
            a7 = v.fma(w2, a7);
            a6 = v.fma(w3, a6);
            a5 = v.fma(w4, a5);
            a4 = v.fma(w5, a4);
            a3 = v.fma(w6, a3);
            v = FloatVector.fromArray(F, xp, e + 10 * L);
            a7 = v.fma(w3, a7);
            a6 = v.fma(w4, a6);
            a5 = v.fma(w5, a5);
            a4 = v.fma(w6, a4);
            v = FloatVector.fromArray(F, xp, e + 11 * L);
            a7 = v.fma(w4, a7);
            a6 = v.fma(w5, a6);
            a5 = v.fma(w6, a5);
            v = FloatVector.fromArray(F, xp, e + 12 * L);
            a7 = v.fma(w5, a7);
            a6 = v.fma(w6, a6);
            v = FloatVector.fromArray(F, xp, e + 13 * L);
            a7 = v.fma(w6, a7);
        }
        a0.intoArray(out, oOff);
        a1.intoArray(out, oOff + L);
        a2.intoArray(out, oOff + 2 * L);
        a3.intoArray(out, oOff + 3 * L);
        a4.intoArray(out, oOff + 4 * L);
        a5.intoArray(out, oOff + 5 * L);
        a6.intoArray(out, oOff + 6 * L);
        a7.intoArray(out, oOff + 7 * L);
    }

    /** One output pixel, all taps: the row's tail. */
    private static void forward1(float[] xp, int base, int kh, int kw, int rowStep, int colStep,
                                 float[] wp, int wOff, float[] out, int oOff) {
        // Two accumulators over alternating kernel rows: one chain would wait on each FMA's latency.
        FloatVector a0 = FloatVector.fromArray(F, wp, wOff + kh * kw * L), a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 1 < kh; i += 2) {
            for (int j = 0; j < kw; j++) {
                int e = base + i * rowStep + j * colStep, wk = wOff + (i * kw + j) * L;
                a0 = FloatVector.fromArray(F, xp, e).fma(FloatVector.fromArray(F, wp, wk), a0);
                a1 = FloatVector.fromArray(F, xp, e + rowStep).fma(FloatVector.fromArray(F, wp, wk + kw * L), a1);
            }
        }
        for (; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                a0 = FloatVector.fromArray(F, xp, base + i * rowStep + j * colStep)
                        .fma(FloatVector.fromArray(F, wp, wOff + (i * kw + j) * L), a0);
            }
        }
        a0.add(a1).intoArray(out, oOff);
    }

    /**
     * Weight- and bias-gradient contributions of one output row of one channel block, added into the packed
     * partial {@code part[pOff …]} ({@code [kh·kw][L]} then the bias {@code [L]}): for each tap,
     * {@code Σ_q xp[row + tap offset + q·sW·L …] · dyp[dOff + q·L …]}.
     *
     * <p>Taps go eight at a time in flattened {@code (i, j)} order, whatever kw is: each dy load feeds eight
     * FMAs into eight accumulators, instead of one load of x and one of dy per FMA.
     */
    static void backwardWeightRow(Conv2dGeometry g, float[] xp, int row, float[] dyp, int dOff,
                                  float[] part, int pOff) {
        int ow = g.ow(), kw = g.kw(), taps = g.kh() * kw, step = g.strideW() * L;
        int rowStep = g.dilationH() * packedRowStride(g), colStep = g.dilationW() * L;
        int t = 0;
        for (; t + 8 <= taps; t += 8) {
            gradWeight8(xp, row, step, tapOffset(t, kw, rowStep, colStep), tapOffset(t + 1, kw, rowStep, colStep),
                    tapOffset(t + 2, kw, rowStep, colStep), tapOffset(t + 3, kw, rowStep, colStep),
                    tapOffset(t + 4, kw, rowStep, colStep), tapOffset(t + 5, kw, rowStep, colStep),
                    tapOffset(t + 6, kw, rowStep, colStep), tapOffset(t + 7, kw, rowStep, colStep),
                    dyp, dOff, ow, part, pOff + t * L);
        }
        for (; t < taps; t++) gradWeight1(xp, row + tapOffset(t, kw, rowStep, colStep), step, dyp, dOff, ow, part, pOff + t * L);
        sumPixels(dyp, dOff, ow, part, pOff + taps * L);
    }

    private static int tapOffset(int t, int kw, int rowStep, int colStep) {
        return (t / kw) * rowStep + (t % kw) * colStep;
    }

    /** Eight taps (input offsets {@code d0…d7} from {@code base}) × {@code count} pixels {@code step} floats apart. */
    private static void gradWeight8(float[] xp, int base, int step, int d0, int d1, int d2, int d3, int d4, int d5,
                                    int d6, int d7, float[] dyp, int dOff, int count, float[] part, int pOff) {
        FloatVector a0 = FloatVector.fromArray(F, part, pOff), a1 = FloatVector.fromArray(F, part, pOff + L);
        FloatVector a2 = FloatVector.fromArray(F, part, pOff + 2 * L), a3 = FloatVector.fromArray(F, part, pOff + 3 * L);
        FloatVector a4 = FloatVector.fromArray(F, part, pOff + 4 * L), a5 = FloatVector.fromArray(F, part, pOff + 5 * L);
        FloatVector a6 = FloatVector.fromArray(F, part, pOff + 6 * L), a7 = FloatVector.fromArray(F, part, pOff + 7 * L);
        for (int q = 0; q < count; q++) {
            FloatVector dv = FloatVector.fromArray(F, dyp, dOff + q * L);
            int e = base + q * step;
            a0 = FloatVector.fromArray(F, xp, e + d0).fma(dv, a0);
            a1 = FloatVector.fromArray(F, xp, e + d1).fma(dv, a1);
            a2 = FloatVector.fromArray(F, xp, e + d2).fma(dv, a2);
            a3 = FloatVector.fromArray(F, xp, e + d3).fma(dv, a3);
            a4 = FloatVector.fromArray(F, xp, e + d4).fma(dv, a4);
            a5 = FloatVector.fromArray(F, xp, e + d5).fma(dv, a5);
            a6 = FloatVector.fromArray(F, xp, e + d6).fma(dv, a6);
            a7 = FloatVector.fromArray(F, xp, e + d7).fma(dv, a7);
        }
        a0.intoArray(part, pOff);
        a1.intoArray(part, pOff + L);
        a2.intoArray(part, pOff + 2 * L);
        a3.intoArray(part, pOff + 3 * L);
        a4.intoArray(part, pOff + 4 * L);
        a5.intoArray(part, pOff + 5 * L);
        a6.intoArray(part, pOff + 6 * L);
        a7.intoArray(part, pOff + 7 * L);
    }

    /** One tap (input at {@code base}) × {@code count} pixels: the taps left over after groups of eight. */
    private static void gradWeight1(float[] xp, int base, int step, float[] dyp, int dOff, int count,
                                    float[] part, int pOff) {
        // Two accumulators over alternating pixels, so consecutive FMAs do not wait on each other.
        FloatVector a0 = FloatVector.fromArray(F, part, pOff), a1 = FloatVector.zero(F);
        int q = 0;
        for (; q + 1 < count; q += 2) {
            a0 = FloatVector.fromArray(F, xp, base + q * step).fma(FloatVector.fromArray(F, dyp, dOff + q * L), a0);
            a1 = FloatVector.fromArray(F, xp, base + (q + 1) * step).fma(FloatVector.fromArray(F, dyp, dOff + (q + 1) * L), a1);
        }
        if (q < count) a0 = FloatVector.fromArray(F, xp, base + q * step).fma(FloatVector.fromArray(F, dyp, dOff + q * L), a0);
        a0.add(a1).intoArray(part, pOff);
    }

    /** {@code acc[accOff …] += Σ_{q < count} a[aOff + q·L …]}, two accumulators. */
    private static void sumPixels(float[] a, int aOff, int count, float[] acc, int accOff) {
        FloatVector s0 = FloatVector.fromArray(F, acc, accOff), s1 = FloatVector.zero(F);
        int q = 0;
        for (; q + 1 < count; q += 2) {
            s0 = s0.add(FloatVector.fromArray(F, a, aOff + q * L));
            s1 = s1.add(FloatVector.fromArray(F, a, aOff + (q + 1) * L));
        }
        if (q < count) s0 = s0.add(FloatVector.fromArray(F, a, aOff + q * L));
        s0.add(s1).intoArray(acc, accOff);
    }

    /**
     * Input-gradient row {@code ih} of image {@code b} by gathering: {@code dx[b, ih, iw, :] += Σ dy[b, p, q, :]·w[i, j, :]}
     * over the taps that reach it ({@code p·sH − padH + i·dH = ih}, likewise for columns). Works for any stride.
     */
    static void backwardInputRow(Conv2dGeometry g, int b, int ih, float[] dy, int dyOff, float[] w, int wOff,
                                 float[] dx, int dxOff) {
        int c = g.c(), oh = g.oh(), ow = g.ow(), kw = g.kw();
        int sh = g.strideH(), sw = g.strideW();
        int dxRow = dxOff + (b * g.h() + ih) * g.w() * c;
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = F.indexInRange(cb, c);
            for (int iw = 0; iw < g.w(); iw++) {
                FloatVector a = FloatVector.zero(F);
                for (int i = 0; i < g.kh(); i++) {
                    int t = ih + g.padH() - i * g.dilationH();
                    if (t < 0 || t % sh != 0 || t / sh >= oh) continue;
                    int dyRow = dyOff + (b * oh + t / sh) * ow * c + cb;
                    int wr = wOff + i * kw * c + cb;
                    for (int j = 0; j < kw; j++) {
                        int u = iw + g.padW() - j * g.dilationW();
                        if (u < 0 || u % sw != 0 || u / sw >= ow) continue;
                        a = FloatVector.fromArray(F, dy, dyRow + (u / sw) * c, m).fma(FloatVector.fromArray(F, w, wr + j * c, m), a);
                    }
                }
                a.add(FloatVector.fromArray(F, dx, dxRow + iw * c + cb, m)).intoArray(dx, dxRow + iw * c + cb, m);
            }
        }
    }

}
