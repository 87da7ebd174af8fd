package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.PoolGeometry;
import io.github.basis4j.simd.spi.PoolKernels;
import java.util.Arrays;

/**
 * Plain-loop {@link PoolKernels}: the test oracle and the fallback. {@code PanamaPooling} mirrors
 * every method and sums each element over its window in the same order, so the two agree bit for bit.
 *
 * <p>Windows are walked outermost and channels innermost, with the output row itself as the running
 * maximum or sum: the reads are contiguous runs of c floats and no scratch is needed.
 *
 * <p>Threading: forwards split the {@code n·outH} output rows into chunks of about
 * {@link #ELEMENTS_PER_CHUNK} window reads; backwards split the batch, one sample per chunk.
 */
public final class ScalarPooling implements PoolKernels {
    /** Work per parallel chunk of a forward, in element reads: large enough to amortise a fork. */
    static final int ELEMENTS_PER_CHUNK = 1 << 15;

    /** Output rows per chunk for a forward whose rows cost {@code readsPerRow} element reads each. */
    public static int rowGrain(long readsPerRow) {
        return (int) Math.max(1, ELEMENTS_PER_CHUNK / Math.max(1, readsPerRow));
    }

    @Override
    public void maxPool2dForward(float[] x, int xOff, PoolGeometry g, float[] y, int yOff, int[] argmax, int argmaxOff) {
        int h = g.h(), w = g.w(), c = g.c(), outH = g.outH(), outW = g.outW();
        Parallel.forRange(g.n() * outH, rowGrain((long) outW * g.kernelH() * g.kernelW() * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / outH, oy = row % outH;
                int h0 = oy * g.strideH() - g.padH(), h1 = Math.min(h0 + g.kernelH(), h);
                h0 = Math.max(h0, 0);
                for (int ox = 0; ox < outW; ox++) {
                    int w0 = ox * g.strideW() - g.padW(), w1 = Math.min(w0 + g.kernelW(), w);
                    w0 = Math.max(w0, 0);
                    int yo = yOff + (row * outW + ox) * c, ao = argmaxOff + (row * outW + ox) * c;
                    // PyTorch starts from −∞ with the first real element's index, so an all −∞ window
                    // still points into itself.
                    Arrays.fill(y, yo, yo + c, Float.NEGATIVE_INFINITY);
                    Arrays.fill(argmax, ao, ao + c, h0 * w + w0);
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            int xo = xOff + ((b * h + ih) * w + iw) * c, idx = ih * w + iw;
                            for (int ch = 0; ch < c; ch++) {
                                float v = x[xo + ch];
                                if (v > y[yo + ch] || Float.isNaN(v)) {
                                    y[yo + ch] = v;
                                    argmax[ao + ch] = idx;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void maxPool2dBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff, PoolGeometry g, float[] dx, int dxOff) {
        int plane = g.h() * g.w(), c = g.c(), outPlane = g.outH() * g.outW();
        Parallel.forRange(g.n(), 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                int dxb = dxOff + b * plane * c;
                for (int p = 0; p < outPlane; p++) {
                    int o = (b * outPlane + p) * c;
                    for (int ch = 0; ch < c; ch++) {
                        dx[dxb + argmax[argmaxOff + o + ch] * c + ch] += dy[dyOff + o + ch];
                    }
                }
            }
        });
    }

    /** PyTorch's AvgPool2d divisor for the window starting at (h0, w0) before clipping. */
    static int avgDivisor(PoolGeometry g, int h0, int w0, boolean countIncludePad) {
        int h1 = Math.min(h0 + g.kernelH(), g.h() + g.padH()), w1 = Math.min(w0 + g.kernelW(), g.w() + g.padW());
        if (countIncludePad) return (h1 - h0) * (w1 - w0);
        return (Math.min(h1, g.h()) - Math.max(h0, 0)) * (Math.min(w1, g.w()) - Math.max(w0, 0));
    }

    @Override
    public void avgPool2dForward(float[] x, int xOff, PoolGeometry g, boolean countIncludePad, float[] y, int yOff) {
        int h = g.h(), w = g.w(), c = g.c(), outH = g.outH(), outW = g.outW();
        Parallel.forRange(g.n() * outH, rowGrain((long) outW * g.kernelH() * g.kernelW() * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / outH, hs = (row % outH) * g.strideH() - g.padH();
                for (int ox = 0; ox < outW; ox++) {
                    int ws = ox * g.strideW() - g.padW();
                    float div = avgDivisor(g, hs, ws, countIncludePad);
                    int yo = yOff + (row * outW + ox) * c;
                    windowMean(x, xOff + b * h * w * c, w, c, Math.max(hs, 0), Math.min(hs + g.kernelH(), h),
                            Math.max(ws, 0), Math.min(ws + g.kernelW(), w), div, y, yo);
                }
            }
        });
    }

    /** {@code y[yo + ch] = Σ_window plane[ih, iw, ch] / div}, summed in row-major window order. */
    private static void windowMean(float[] x, int planeOff, int w, int c, int h0, int h1, int w0, int w1, float div,
                                   float[] y, int yo) {
        Arrays.fill(y, yo, yo + c, 0f);
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int xo = planeOff + (ih * w + iw) * c;
                for (int ch = 0; ch < c; ch++) y[yo + ch] += x[xo + ch];
            }
        }
        for (int ch = 0; ch < c; ch++) y[yo + ch] /= div;
    }

    @Override
    public void avgPool2dBackward(float[] dy, int dyOff, PoolGeometry g, boolean countIncludePad, float[] dx, int dxOff) {
        int h = g.h(), w = g.w(), c = g.c(), outH = g.outH(), outW = g.outW();
        Parallel.forRange(g.n(), 1, (from, to) -> {
            float[] share = new float[c];
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    int hs = oy * g.strideH() - g.padH();
                    for (int ox = 0; ox < outW; ox++) {
                        int ws = ox * g.strideW() - g.padW();
                        float div = avgDivisor(g, hs, ws, countIncludePad);
                        int dyo = dyOff + ((b * outH + oy) * outW + ox) * c;
                        for (int ch = 0; ch < c; ch++) share[ch] = dy[dyo + ch] / div;
                        windowAdd(share, dx, dxOff + b * h * w * c, w, c, Math.max(hs, 0), Math.min(hs + g.kernelH(), h),
                                Math.max(ws, 0), Math.min(ws + g.kernelW(), w));
                    }
                }
            }
        });
    }

    /** {@code plane[ih, iw, ch] += share[ch]} over the window. */
    private static void windowAdd(float[] share, float[] dx, int planeOff, int w, int c, int h0, int h1, int w0, int w1) {
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int o = planeOff + (ih * w + iw) * c;
                for (int ch = 0; ch < c; ch++) dx[o + ch] += share[ch];
            }
        }
    }

    /** First input index of adaptive window {@code i} of {@code out} over {@code size}: ⌊i·size/out⌋. */
    public static int adaptiveStart(int i, int size, int out) {
        return (int) ((long) i * size / out);
    }

    /** One past the last input index of adaptive window {@code i}: ⌈(i+1)·size/out⌉. */
    public static int adaptiveEnd(int i, int size, int out) {
        return (int) (((long) (i + 1) * size + out - 1) / out);
    }

    @Override
    public void adaptiveAvgPool2dForward(float[] x, int xOff, int n, int h, int w, int c, int outH, int outW,
                                         float[] y, int yOff) {
        // The largest adaptive window is at most ⌈h/outH⌉ + 1 rows by ⌈w/outW⌉ + 1 columns.
        long reads = (long) outW * (h / outH + 2) * (w / outW + 2) * c;
        Parallel.forRange(n * outH, rowGrain(reads), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / outH, oy = row % outH;
                int h0 = adaptiveStart(oy, h, outH), h1 = adaptiveEnd(oy, h, outH);
                for (int ox = 0; ox < outW; ox++) {
                    int w0 = adaptiveStart(ox, w, outW), w1 = adaptiveEnd(ox, w, outW);
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
            float[] share = new float[c];
            for (int b = from; b < to; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    int h0 = adaptiveStart(oy, h, outH), h1 = adaptiveEnd(oy, h, outH);
                    for (int ox = 0; ox < outW; ox++) {
                        int w0 = adaptiveStart(ox, w, outW), w1 = adaptiveEnd(ox, w, outW);
                        float div = (h1 - h0) * (w1 - w0);
                        int dyo = dyOff + ((b * outH + oy) * outW + ox) * c;
                        for (int ch = 0; ch < c; ch++) share[ch] = dy[dyo + ch] / div;
                        windowAdd(share, dx, dxOff + b * h * w * c, w, c, h0, h1, w0, w1);
                    }
                }
            }
        });
    }

    @Override
    public void globalMeanForward(float[] x, int xOff, int n, int h, int w, int c, float[] y, int yOff) {
        Parallel.forRange(n, rowGrain((long) h * w * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                windowMean(x, xOff + b * h * w * c, w, c, 0, h, 0, w, (float) (h * w), y, yOff + b * c);
            }
        });
    }

    @Override
    public void globalMeanBackward(float[] dy, int dyOff, int n, int h, int w, int c, float[] dx, int dxOff) {
        float div = h * w;
        Parallel.forRange(n, rowGrain((long) h * w * c), (from, to) -> {
            float[] share = new float[c];
            for (int b = from; b < to; b++) {
                for (int ch = 0; ch < c; ch++) share[ch] = dy[dyOff + b * c + ch] / div;
                windowAdd(share, dx, dxOff + b * h * w * c, w, c, 0, h, 0, w);
            }
        });
    }

    @Override
    public void pad2dForward(float[] x, int xOff, int n, int h, int w, int c, int top, int bottom, int left, int right,
                             float[] y, int yOff) {
        int oh = top + h + bottom, rowLen = (left + w + right) * c;
        Parallel.forRange(n * oh, rowGrain(rowLen), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, ih = row % oh - top, yo = yOff + row * rowLen;
                if (ih < 0 || ih >= h) {
                    Arrays.fill(y, yo, yo + rowLen, 0f);
                    continue;
                }
                Arrays.fill(y, yo, yo + left * c, 0f);
                System.arraycopy(x, xOff + (b * h + ih) * w * c, y, yo + left * c, w * c);
                Arrays.fill(y, yo + (left + w) * c, yo + rowLen, 0f);
            }
        });
    }

    @Override
    public void pad2dBackward(float[] dy, int dyOff, int n, int h, int w, int c, int top, int bottom, int left, int right,
                              float[] dx, int dxOff) {
        int oh = top + h + bottom, rowLen = (left + w + right) * c;
        Parallel.forRange(n * h, rowGrain((long) w * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / h, ih = row % h;
                int src = dyOff + (b * oh + ih + top) * rowLen + left * c, dst = dxOff + row * w * c;
                for (int i = 0; i < w * c; i++) dx[dst + i] += dy[src + i];
            }
        });
    }

    @Override
    public void subsamplePadChannelsForward(float[] x, int xOff, int n, int h, int w, int c, int strideH, int strideW,
                                            int before, int after, float[] y, int yOff) {
        int oh = ceilDiv(h, strideH), ow = ceilDiv(w, strideW), oc = before + c + after;
        Parallel.forRange(n * oh, rowGrain((long) ow * oc), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, ih = (row % oh) * strideH;
                for (int ox = 0; ox < ow; ox++) {
                    int yo = yOff + (row * ow + ox) * oc;
                    Arrays.fill(y, yo, yo + before, 0f);
                    System.arraycopy(x, xOff + ((b * h + ih) * w + ox * strideW) * c, y, yo + before, c);
                    Arrays.fill(y, yo + before + c, yo + oc, 0f);
                }
            }
        });
    }

    @Override
    public void subsamplePadChannelsBackward(float[] dy, int dyOff, int n, int h, int w, int c, int strideH, int strideW,
                                             int before, int after, float[] dx, int dxOff) {
        int oh = ceilDiv(h, strideH), ow = ceilDiv(w, strideW), oc = before + c + after;
        Parallel.forRange(n * oh, rowGrain((long) ow * c), (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, ih = (row % oh) * strideH;
                for (int ox = 0; ox < ow; ox++) {
                    int src = dyOff + (row * ow + ox) * oc + before, dst = dxOff + ((b * h + ih) * w + ox * strideW) * c;
                    for (int ch = 0; ch < c; ch++) dx[dst + ch] += dy[src + ch];
                }
            }
        });
    }

    /** ⌈a / b⌉ for positive operands: the length of {@code x[::b]} over a axis of length a. */
    public static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
