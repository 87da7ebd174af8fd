package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row kernels of the depthwise convolution, vectorised across channels: in NHWC the channels of one pixel
 * are contiguous, and every channel has its own filter, so a vector of channels is a vector of independent
 * convolutions that share all their addressing. Weights are {@code [kh, kw, c]}.
 *
 * <p>Padding is handled by clipping, not by a padded copy: a depthwise tap costs one FMA per element, so
 * copying the input would cost a noticeable share of the work. Rows of taps outside the image are skipped
 * per output row; columns are clipped only for the few pixels at the left and right edges, and the interior
 * runs in tiles of eight pixels whose taps are all inside.
 */
final class DepthwiseKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();

    private DepthwiseKernels() {
    }

    /** First tap index {@code i} with {@code pos + i·dil ≥ 0}, where {@code pos} may be negative. */
    static int firstTap(int pos, int dil) {
        return pos >= 0 ? 0 : (-pos + dil - 1) / dil;
    }

    /** One past the last tap index {@code i < k} with {@code pos + i·dil < size}. */
    static int endTap(int pos, int dil, int k, int size) {
        if (pos >= size) return 0;
        return Math.min(k, (size - 1 - pos) / dil + 1);
    }

    /**
     * Output row {@code p} of image {@code b}: {@code y[yRow + q·c + ch] = bias[ch] + Σ taps} for every column
     * {@code q}. {@code x} holds the whole input at {@code xOff}; {@code bias} is never null (zeros for none).
     *
     * <p>Loop order: pixel tiles outside, channel vectors inside. With channels outside, one vector's sweep
     * over a row touches pixels {@code c} floats apart, which for power-of-two channel counts all land in a
     * few L1 sets and evict each other; tile by tile, each pixel's channels are read contiguously.
     */
    static void forwardRow(Conv2dGeometry g, int b, int p, float[] x, int xOff, float[] w, int wOff,
                           float[] bias, int bOff, float[] y, int yRow) {
        int c = g.c(), ow = g.ow(), kw = g.kw(), sw = g.strideW(), dw = g.dilationW();
        int ih0 = p * g.strideH() - g.padH();
        int i0 = firstTap(ih0, g.dilationH()), i1 = endTap(ih0, g.dilationH(), g.kh(), g.h());
        // Interior columns: every horizontal tap inside the image.
        int qL = Math.min(ow, (g.padW() + sw - 1) / sw);
        int qR = Math.max(qL, Math.min(ow, Math.floorDiv(g.w() - 1 + g.padW() - (kw - 1) * dw, sw) + 1));
        int xImg = xOff + b * g.h() * g.w() * c;
        int step = sw * c;
        for (int q = 0; q < qL; q++) pixel(g, q, ih0, i0, i1, x, xImg, w, wOff, bias, bOff, y, yRow);
        int q = qL;
        for (; q + 8 <= qR; q += 8) {
            for (int cb = 0; cb < c; cb += L) {
                VectorMask<Float> m = F.indexInRange(cb, c);
                FloatVector init = FloatVector.fromArray(F, bias, bOff + cb, m);
                FloatVector a0 = init, a1 = init, a2 = init, a3 = init, a4 = init, a5 = init, a6 = init, a7 = init;
                for (int i = i0; i < i1; i++) {
                    int xr = xImg + (ih0 + i * g.dilationH()) * g.w() * c + (q * sw - g.padW()) * c + cb;
                    int wr = wOff + i * kw * c + cb;
                    for (int j = 0; j < kw; j++) {
                        FloatVector wv = FloatVector.fromArray(F, w, wr + j * c, m);
                        int xo = xr + j * dw * c;
                        a0 = FloatVector.fromArray(F, x, xo, m).fma(wv, a0);
                        a1 = FloatVector.fromArray(F, x, xo + step, m).fma(wv, a1);
                        a2 = FloatVector.fromArray(F, x, xo + 2 * step, m).fma(wv, a2);
                        a3 = FloatVector.fromArray(F, x, xo + 3 * step, m).fma(wv, a3);
                        a4 = FloatVector.fromArray(F, x, xo + 4 * step, m).fma(wv, a4);
                        a5 = FloatVector.fromArray(F, x, xo + 5 * step, m).fma(wv, a5);
                        a6 = FloatVector.fromArray(F, x, xo + 6 * step, m).fma(wv, a6);
                        a7 = FloatVector.fromArray(F, x, xo + 7 * step, m).fma(wv, a7);
                    }
                }
                int yo = yRow + q * c + cb;
                a0.intoArray(y, yo, m);
                a1.intoArray(y, yo + c, m);
                a2.intoArray(y, yo + 2 * c, m);
                a3.intoArray(y, yo + 3 * c, m);
                a4.intoArray(y, yo + 4 * c, m);
                a5.intoArray(y, yo + 5 * c, m);
                a6.intoArray(y, yo + 6 * c, m);
                a7.intoArray(y, yo + 7 * c, m);
            }
        }
        for (; q < ow; q++) pixel(g, q, ih0, i0, i1, x, xImg, w, wOff, bias, bOff, y, yRow);
    }

    /** One output pixel, all channels, with its horizontal taps clipped to the image: the edges and the interior's tail. */
    private static void pixel(Conv2dGeometry g, int q, int ih0, int i0, int i1, float[] x, int xImg,
                              float[] w, int wOff, float[] bias, int bOff, float[] y, int yRow) {
        int c = g.c(), kw = g.kw(), dw = g.dilationW();
        int iw0 = q * g.strideW() - g.padW();
        int j0 = firstTap(iw0, dw), j1 = endTap(iw0, dw, kw, g.w());
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = F.indexInRange(cb, c);
            FloatVector a = FloatVector.fromArray(F, bias, bOff + cb, m);
            for (int i = i0; i < i1; i++) {
                int xr = xImg + ((ih0 + i * g.dilationH()) * g.w() + iw0) * c + cb;
                int wr = wOff + i * kw * c + cb;
                for (int j = j0; j < j1; j++) {
                    a = FloatVector.fromArray(F, x, xr + j * dw * c, m).fma(FloatVector.fromArray(F, w, wr + j * c, m), a);
                }
            }
            a.intoArray(y, yRow + q * c + cb, m);
        }
    }

    private static void store(FloatVector a, float[] y, int off, boolean accumulate, VectorMask<Float> m) {
        if (accumulate) a = a.add(FloatVector.fromArray(F, y, off, m));
        a.intoArray(y, off, m);
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
                store(a, dx, dxRow + iw * c + cb, true, m);
            }
        }
    }

    /**
     * Weight- and bias-gradient contributions of output row {@code p} of image {@code b}, added into a
     * partial {@code [kh, kw, c]} at {@code pw} followed by {@code [c]} at {@code pb}.
     */
    static void backwardWeightRow(Conv2dGeometry g, int b, int p, float[] x, int xOff, float[] dy, int dyOff,
                                  float[] part, int pw, int pb) {
        int c = g.c(), ow = g.ow(), kw = g.kw(), sw = g.strideW(), dw = g.dilationW();
        int ih0 = p * g.strideH() - g.padH();
        int i0 = firstTap(ih0, g.dilationH()), i1 = endTap(ih0, g.dilationH(), g.kh(), g.h());
        int dyRow = dyOff + (b * g.oh() + p) * ow * c;
        int xImg = xOff + b * g.h() * g.w() * c;
        for (int cb = 0; cb < c; cb += L) {
            VectorMask<Float> m = F.indexInRange(cb, c);
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            int q = 0;
            for (; q + 1 < ow; q += 2) {
                s0 = s0.add(FloatVector.fromArray(F, dy, dyRow + q * c + cb, m));
                s1 = s1.add(FloatVector.fromArray(F, dy, dyRow + (q + 1) * c + cb, m));
            }
            if (q < ow) s0 = s0.add(FloatVector.fromArray(F, dy, dyRow + q * c + cb, m));
            s0.add(s1).add(FloatVector.fromArray(F, part, pb + cb, m)).intoArray(part, pb + cb, m);
            for (int i = i0; i < i1; i++) {
                int xr = xImg + (ih0 + i * g.dilationH()) * g.w() * c + cb;
                for (int j = 0; j < kw; j++) {
                    // Output columns whose tap j lands inside the image: q·sw − padW + j·dw in [0, w).
                    int off = j * dw - g.padW();
                    int qa = off >= 0 ? 0 : (-off + sw - 1) / sw;
                    int qb = Math.min(ow, Math.floorDiv(g.w() - 1 - off, sw) + 1);
                    // Two accumulators over alternating columns: one chain would wait on each FMA's latency.
                    FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
                    int qq = qa;
                    for (; qq + 1 < qb; qq += 2) {
                        a0 = FloatVector.fromArray(F, x, xr + (qq * sw + off) * c, m)
                                .fma(FloatVector.fromArray(F, dy, dyRow + qq * c + cb, m), a0);
                        a1 = FloatVector.fromArray(F, x, xr + ((qq + 1) * sw + off) * c, m)
                                .fma(FloatVector.fromArray(F, dy, dyRow + (qq + 1) * c + cb, m), a1);
                    }
                    if (qq < qb) {
                        a0 = FloatVector.fromArray(F, x, xr + (qq * sw + off) * c, m)
                                .fma(FloatVector.fromArray(F, dy, dyRow + qq * c + cb, m), a0);
                    }
                    int po = pw + (i * kw + j) * c + cb;
                    a0.add(a1).add(FloatVector.fromArray(F, part, po, m)).intoArray(part, po, m);
                }
            }
        }
    }
}
