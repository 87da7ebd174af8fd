package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ConvKernels;

/**
 * Plain-loop {@link ConvKernels}: the test oracle for {@code PanamaConvolutions} and the fallback.
 *
 * <p>Layouts as in {@link ConvKernels}: NHWC activations, packed HWIO weights {@code [kh, kw, c/groups, oc]}
 * ({@code [kh, kw, c]} for depthwise). Every sum runs in float in a fixed order (taps row by row, then input
 * channels), so the results do not depend on the thread count.
 *
 * <p>Threading: forward kernels split the {@code n·oh} output rows into fixed chunks; input-gradient kernels
 * split by image (each image's {@code dx} is written by one chunk); weight-gradient kernels keep one partial
 * sum per chunk of images and add the partials into {@code dw} in chunk order.
 */
public final class ScalarConvolutions implements ConvKernels {
    /** Output rows per parallel chunk of the forward kernels: enough work to amortise a fork. */
    private static final int ROW_GRAIN = 4;
    /**
     * Most weight-gradient partials kept at once: images are grouped so that at most this many partial
     * copies of the weights exist, which bounds the extra memory to 16 × the weights.
     */
    private static final int MAX_PARTIALS = 16;

    @Override
    public void conv2dForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                              float[] y, int yOff) {
        int oh = g.oh(), ow = g.ow(), oc = g.oc(), c = g.c(), icg = g.icg(), ocg = g.ocg();
        Parallel.forRange(g.n() * oh, ROW_GRAIN, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, p = row % oh;
                for (int q = 0; q < ow; q++) {
                    int yp = yOff + ((b * oh + p) * ow + q) * oc;
                    for (int o = 0; o < oc; o++) y[yp + o] = bias == null ? 0f : bias[biasOff + o];
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                        if (ih < 0 || ih >= g.h()) continue;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                            if (iw < 0 || iw >= g.w()) continue;
                            int xp = xOff + ((b * g.h() + ih) * g.w() + iw) * c;
                            int wp = wOff + (i * g.kw() + j) * icg * oc;
                            for (int grp = 0; grp < g.groups(); grp++) {
                                for (int ci = 0; ci < icg; ci++) {
                                    float xv = x[xp + grp * icg + ci];
                                    int wr = wp + ci * oc + grp * ocg;
                                    int yr = yp + grp * ocg;
                                    for (int o = 0; o < ocg; o++) y[yr + o] += xv * w[wr + o];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void conv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int oh = g.oh(), ow = g.ow(), oc = g.oc(), c = g.c(), icg = g.icg(), ocg = g.ocg();
        // One chunk per image: an output pixel scatters into several input pixels, which neighbouring output
        // pixels share, so only whole images are disjoint.
        Parallel.forRange(g.n(), 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        int dyp = dyOff + ((b * oh + p) * ow + q) * oc;
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                                if (iw < 0 || iw >= g.w()) continue;
                                int dxp = dxOff + ((b * g.h() + ih) * g.w() + iw) * c;
                                int wp = wOff + (i * g.kw() + j) * icg * oc;
                                for (int grp = 0; grp < g.groups(); grp++) {
                                    for (int ci = 0; ci < icg; ci++) {
                                        int wr = wp + ci * oc + grp * ocg;
                                        int dr = dyp + grp * ocg;
                                        float s = 0f;
                                        for (int o = 0; o < ocg; o++) s += dy[dr + o] * w[wr + o];
                                        dx[dxp + grp * icg + ci] += s;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void conv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                     float[] dw, int dwOff, float[] dBias, int dBiasOff) {
        int oh = g.oh(), ow = g.ow(), oc = g.oc(), c = g.c(), icg = g.icg(), ocg = g.ocg();
        int wsize = g.weightSize();
        int grain = Math.max(1, (g.n() + MAX_PARTIALS - 1) / MAX_PARTIALS);
        int chunks = Parallel.chunkCount(g.n(), grain);
        // Per chunk: the weight partial, then the bias partial.
        float[] partial = new float[chunks * (wsize + oc)];
        Parallel.forChunks(g.n(), grain, (chunk, from, to) -> {
            int pw = chunk * (wsize + oc), pb = pw + wsize;
            for (int b = from; b < to; b++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        int dyp = dyOff + ((b * oh + p) * ow + q) * oc;
                        for (int o = 0; o < oc; o++) partial[pb + o] += dy[dyp + o];
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                                if (iw < 0 || iw >= g.w()) continue;
                                int xp = xOff + ((b * g.h() + ih) * g.w() + iw) * c;
                                int wp = pw + (i * g.kw() + j) * icg * oc;
                                for (int grp = 0; grp < g.groups(); grp++) {
                                    for (int ci = 0; ci < icg; ci++) {
                                        float xv = x[xp + grp * icg + ci];
                                        int wr = wp + ci * oc + grp * ocg;
                                        int dr = dyp + grp * ocg;
                                        for (int o = 0; o < ocg; o++) partial[wr + o] += xv * dy[dr + o];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        addPartials(partial, chunks, wsize, oc, dw, dwOff, dBias, dBiasOff);
    }

    @Override
    public void depthwiseConv2dForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias,
                                       int biasOff, float[] y, int yOff) {
        assert g.isDepthwise();
        int oh = g.oh(), ow = g.ow(), c = g.c();
        Parallel.forRange(g.n() * oh, ROW_GRAIN, (from, to) -> {
            for (int row = from; row < to; row++) {
                int b = row / oh, p = row % oh;
                for (int q = 0; q < ow; q++) {
                    int yp = yOff + ((b * oh + p) * ow + q) * c;
                    for (int ch = 0; ch < c; ch++) y[yp + ch] = bias == null ? 0f : bias[biasOff + ch];
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                        if (ih < 0 || ih >= g.h()) continue;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                            if (iw < 0 || iw >= g.w()) continue;
                            int xp = xOff + ((b * g.h() + ih) * g.w() + iw) * c;
                            int wp = wOff + (i * g.kw() + j) * c;
                            for (int ch = 0; ch < c; ch++) y[yp + ch] += x[xp + ch] * w[wp + ch];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff,
                                             float[] dx, int dxOff) {
        assert g.isDepthwise();
        int oh = g.oh(), ow = g.ow(), c = g.c();
        Parallel.forRange(g.n(), 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        int dyp = dyOff + ((b * oh + p) * ow + q) * c;
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                                if (iw < 0 || iw >= g.w()) continue;
                                int dxp = dxOff + ((b * g.h() + ih) * g.w() + iw) * c;
                                int wp = wOff + (i * g.kw() + j) * c;
                                for (int ch = 0; ch < c; ch++) dx[dxp + ch] += dy[dyp + ch] * w[wp + ch];
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                              float[] dw, int dwOff, float[] dBias, int dBiasOff) {
        assert g.isDepthwise();
        int oh = g.oh(), ow = g.ow(), c = g.c();
        int wsize = g.kh() * g.kw() * c;
        int grain = Math.max(1, (g.n() + MAX_PARTIALS - 1) / MAX_PARTIALS);
        int chunks = Parallel.chunkCount(g.n(), grain);
        float[] partial = new float[chunks * (wsize + c)];
        Parallel.forChunks(g.n(), grain, (chunk, from, to) -> {
            int pw = chunk * (wsize + c), pb = pw + wsize;
            for (int b = from; b < to; b++) {
                for (int p = 0; p < oh; p++) {
                    for (int q = 0; q < ow; q++) {
                        int dyp = dyOff + ((b * oh + p) * ow + q) * c;
                        for (int ch = 0; ch < c; ch++) partial[pb + ch] += dy[dyp + ch];
                        for (int i = 0; i < g.kh(); i++) {
                            int ih = p * g.strideH() - g.padH() + i * g.dilationH();
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int j = 0; j < g.kw(); j++) {
                                int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                                if (iw < 0 || iw >= g.w()) continue;
                                int xp = xOff + ((b * g.h() + ih) * g.w() + iw) * c;
                                int wp = pw + (i * g.kw() + j) * c;
                                for (int ch = 0; ch < c; ch++) partial[wp + ch] += x[xp + ch] * dy[dyp + ch];
                            }
                        }
                    }
                }
            }
        });
        addPartials(partial, chunks, wsize, c, dw, dwOff, dBias, dBiasOff);
    }

    /** Adds per-chunk partials (weights then bias, {@code wsize + nb} floats each) into the gradients in chunk order. */
    private static void addPartials(float[] partial, int chunks, int wsize, int nb,
                                    float[] dw, int dwOff, float[] dBias, int dBiasOff) {
        for (int ch = 0; ch < chunks; ch++) {
            int pw = ch * (wsize + nb);
            for (int i = 0; i < wsize; i++) dw[dwOff + i] += partial[pw + i];
            if (dBias != null) {
                for (int o = 0; o < nb; o++) dBias[dBiasOff + o] += partial[pw + wsize + o];
            }
        }
    }
}
