package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.scalar.ScalarPooling;
import io.github.basis4j.simd.spi.PoolGeometry;
import io.github.basis4j.simd.spi.PoolKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link PoolKernels}; each method mirrors its twin in {@link ScalarPooling} with lanes
 * across channels. Per channel the window is visited in the same row-major order as the twin, so
 * results agree bit for bit.
 *
 * <p>Each block of {@code LANES} channels keeps its running maximum (with the argmax) or sum in a
 * register while the window is walked; the channel tail runs the same loop one channel at a time.
 * The pure copies (zero padding, subsampling) and the max-pool scatter stay with the scalar twin:
 * {@code System.arraycopy} is already vectorised by the JIT, and a scatter through per-lane indices
 * has no SIMD form that beats it.
 *
 * <p>Threading is the twin's: the same chunks over {@link Parallel}.
 */
public final class PanamaPooling implements PoolKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    /** Integer lanes of the same shape, so one float mask maps lane for lane onto the argmax lanes. */
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final int L = F.length();

    private final ScalarPooling scalar = new ScalarPooling();

    @Override
    public void maxPool2dForward(float[] x, int xOff, PoolGeometry g, float[] y, int yOff, int[] argmax, int argmaxOff) {
        int h = g.h(), w = g.w(), c = g.c(), outH = g.outH(), outW = g.outW();
        Parallel.forRange(g.n() * outH, ScalarPooling.rowGrain((long) outW * g.kernelH() * g.kernelW() * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / outH, oy = row % outH;
                int h0 = oy * g.strideH() - g.padH(), h1 = Math.min(h0 + g.kernelH(), h);
                h0 = Math.max(h0, 0);
                for (int ox = 0; ox < outW; ox++) {
                    int w0 = ox * g.strideW() - g.padW(), w1 = Math.min(w0 + g.kernelW(), w);
                    w0 = Math.max(w0, 0);
                    int o = (row * outW + ox) * c, plane = xOff + b * h * w * c;
                    int ch = 0;
                    for (; ch <= c - L; ch += L) {
                        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                        IntVector idx = IntVector.broadcast(I, h0 * w + w0);
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                FloatVector v = FloatVector.fromArray(F, x, plane + (ih * w + iw) * c + ch);
                                // Strictly greater keeps the first of equal maxima; NaN wins as in PyTorch.
                                VectorMask<Float> win = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                                max = max.blend(v, win);
                                idx = idx.blend(ih * w + iw, win.cast(I));
                            }
                        }
                        max.intoArray(y, yOff + o + ch);
                        idx.intoArray(argmax, argmaxOff + o + ch);
                    }
                    for (; ch < c; ch++) {
                        float max = Float.NEGATIVE_INFINITY;
                        int idx = h0 * w + w0;
                        for (int ih = h0; ih < h1; ih++) {
                            for (int iw = w0; iw < w1; iw++) {
                                float v = x[plane + (ih * w + iw) * c + ch];
                                if (v > max || Float.isNaN(v)) {
                                    max = v;
                                    idx = ih * w + iw;
                                }
                            }
                        }
                        y[yOff + o + ch] = max;
                        argmax[argmaxOff + o + ch] = idx;
                    }
                }
            }
        });
    }

    @Override
    public void maxPool2dBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff, PoolGeometry g, float[] dx, int dxOff) {
        scalar.maxPool2dBackward(dy, dyOff, argmax, argmaxOff, g, dx, dxOff);
    }

    /** PyTorch's AvgPool2d divisor, as in the twin. */
    private static int avgDivisor(PoolGeometry g, int h0, int w0, boolean countIncludePad) {
        int h1 = Math.min(h0 + g.kernelH(), g.h() + g.padH()), w1 = Math.min(w0 + g.kernelW(), g.w() + g.padW());
        if (countIncludePad) return (h1 - h0) * (w1 - w0);
        return (Math.min(h1, g.h()) - Math.max(h0, 0)) * (Math.min(w1, g.w()) - Math.max(w0, 0));
    }

    @Override
    public void avgPool2dForward(float[] x, int xOff, PoolGeometry g, boolean countIncludePad, float[] y, int yOff) {
        int h = g.h(), w = g.w(), c = g.c(), outH = g.outH(), outW = g.outW();
        Parallel.forRange(g.n() * outH, ScalarPooling.rowGrain((long) outW * g.kernelH() * g.kernelW() * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / outH, hs = (row % outH) * g.strideH() - g.padH();
                for (int ox = 0; ox < outW; ox++) {
                    int ws = ox * g.strideW() - g.padW();
                    float div = avgDivisor(g, hs, ws, countIncludePad);
                    windowMean(x, xOff + b * h * w * c, w, c, Math.max(hs, 0), Math.min(hs + g.kernelH(), h),
                            Math.max(ws, 0), Math.min(ws + g.kernelW(), w), div, y, yOff + (row * outW + ox) * c);
                }
            }
        });
    }

    /** {@code y[yo + ch] = Σ_window plane[ih, iw, ch] / div}, each lane summed in row-major window order. */
    private static void windowMean(float[] x, int planeOff, int w, int c, int h0, int h1, int w0, int w1, float div,
                                   float[] y, int yo) {
        int ch = 0;
        for (; ch <= c - L; ch += L) {
            FloatVector sum = FloatVector.zero(F);
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0; iw < w1; iw++) {
                    sum = sum.add(FloatVector.fromArray(F, x, planeOff + (ih * w + iw) * c + ch));
                }
            }
            sum.div(div).intoArray(y, yo + ch);
        }
        for (; ch < c; ch++) {
            float sum = 0f;
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0; iw < w1; iw++) sum += x[planeOff + (ih * w + iw) * c + ch];
            }
            y[yo + ch] = sum / div;
        }
    }

    /** {@code plane[ih, iw, ch] += dy[dyo + ch] / div} over the window. */
    private static void windowAdd(float[] dy, int dyo, float div, float[] dx, int planeOff, int w, int c,
                                  int h0, int h1, int w0, int w1) {
        int ch = 0;
        for (; ch <= c - L; ch += L) {
            FloatVector share = FloatVector.fromArray(F, dy, dyo + ch).div(div);
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0; iw < w1; iw++) {
                    int o = planeOff + (ih * w + iw) * c + ch;
                    FloatVector.fromArray(F, dx, o).add(share).intoArray(dx, o);
                }
            }
        }
        for (; ch < c; ch++) {
            float share = dy[dyo + ch] / div;
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0; iw < w1; iw++) dx[planeOff + (ih * w + iw) * c + ch] += share;
            }
        }
    }

    @Override
    public void avgPool2dBackward(float[] dy, int dyOff, PoolGeometry g, boolean countIncludePad, float[] dx, int dxOff) {
        int h = g.h(), w = g.w(), c = g.c(), outH = g.outH(), outW = g.outW();
        Parallel.forRange(g.n(), 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    int hs = oy * g.strideH() - g.padH();
                    for (int ox = 0; ox < outW; ox++) {
                        int ws = ox * g.strideW() - g.padW();
                        windowAdd(dy, dyOff + ((b * outH + oy) * outW + ox) * c, avgDivisor(g, hs, ws, countIncludePad),
                                dx, dxOff + b * h * w * c, w, c, Math.max(hs, 0), Math.min(hs + g.kernelH(), h),
                                Math.max(ws, 0), Math.min(ws + g.kernelW(), w));
                    }
                }
            }
        });
    }

    @Override
    public void adaptiveAvgPool2dForward(float[] x, int xOff, int n, int h, int w, int c, int outH, int outW,
                                         float[] y, int yOff) {
        long reads = (long) outW * (h / outH + 2) * (w / outW + 2) * c;
        Parallel.forRange(n * outH, ScalarPooling.rowGrain(reads), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / outH, oy = row % outH;
                int h0 = ScalarPooling.adaptiveStart(oy, h, outH), h1 = ScalarPooling.adaptiveEnd(oy, h, outH);
                for (int ox = 0; ox < outW; ox++) {
                    int w0 = ScalarPooling.adaptiveStart(ox, w, outW), w1 = ScalarPooling.adaptiveEnd(ox, w, outW);
                    windowMean(x, xOff + b * h * w * c, w, c, h0, h1, w0, w1, (float) ((h1 - h0) * (w1 - w0)),
                            y, yOff + (row * outW + ox) * c);
                }
            }
        });
    }

    @Override
    public void adaptiveAvgPool2dBackward(float[] dy, int dyOff, int n, int h, int w, int c, int outH, int outW,
                                          float[] dx, int dxOff) {
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    int h0 = ScalarPooling.adaptiveStart(oy, h, outH), h1 = ScalarPooling.adaptiveEnd(oy, h, outH);
                    for (int ox = 0; ox < outW; ox++) {
                        int w0 = ScalarPooling.adaptiveStart(ox, w, outW), w1 = ScalarPooling.adaptiveEnd(ox, w, outW);
                        windowAdd(dy, dyOff + ((b * outH + oy) * outW + ox) * c, (float) ((h1 - h0) * (w1 - w0)),
                                dx, dxOff + b * h * w * c, w, c, h0, h1, w0, w1);
                    }
                }
            }
        });
    }

    @Override
    public void globalMeanForward(float[] x, int xOff, int n, int h, int w, int c, float[] y, int yOff) {
        Parallel.forRange(n, ScalarPooling.rowGrain((long) h * w * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                windowMean(x, xOff + b * h * w * c, w, c, 0, h, 0, w, (float) (h * w), y, yOff + b * c);
            }
        });
    }

    @Override
    public void globalMeanBackward(float[] dy, int dyOff, int n, int h, int w, int c, float[] dx, int dxOff) {
        Parallel.forRange(n, ScalarPooling.rowGrain((long) h * w * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                windowAdd(dy, dyOff + b * c, (float) (h * w), dx, dxOff + b * h * w * c, w, c, 0, h, 0, w);
            }
        });
    }

    @Override
    public void pad2dForward(float[] x, int xOff, int n, int h, int w, int c, int top, int bottom, int left, int right,
                             float[] y, int yOff) {
        scalar.pad2dForward(x, xOff, n, h, w, c, top, bottom, left, right, y, yOff);
    }

    @Override
    public void pad2dBackward(float[] dy, int dyOff, int n, int h, int w, int c, int top, int bottom, int left, int right,
                              float[] dx, int dxOff) {
        int oh = top + h + bottom, rowLen = (left + w + right) * c;
        Parallel.forRange(n * h, ScalarPooling.rowGrain((long) w * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / h, ih = row % h;
                addInto(dy, dyOff + (b * oh + ih + top) * rowLen + left * c, dx, dxOff + row * w * c, w * c);
            }
        });
    }

    @Override
    public void subsamplePadChannelsForward(float[] x, int xOff, int n, int h, int w, int c, int strideH, int strideW,
                                            int before, int after, float[] y, int yOff) {
        scalar.subsamplePadChannelsForward(x, xOff, n, h, w, c, strideH, strideW, before, after, y, yOff);
    }

    @Override
    public void subsamplePadChannelsBackward(float[] dy, int dyOff, int n, int h, int w, int c, int strideH, int strideW,
                                             int before, int after, float[] dx, int dxOff) {
        int oh = ScalarPooling.ceilDiv(h, strideH), ow = ScalarPooling.ceilDiv(w, strideW), oc = before + c + after;
        Parallel.forRange(n * oh, ScalarPooling.rowGrain((long) ow * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, ih = (row % oh) * strideH;
                for (int ox = 0; ox < ow; ox++) {
                    addInto(dy, dyOff + (row * ow + ox) * oc + before, dx, dxOff + ((b * h + ih) * w + ox * strideW) * c, c);
                }
            }
        });
    }

    /** {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < len}. */
    static void addInto(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector.fromArray(F, dst, dstOff + i).add(FloatVector.fromArray(F, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) dst[dstOff + i] += src[srcOff + i];
    }
}
