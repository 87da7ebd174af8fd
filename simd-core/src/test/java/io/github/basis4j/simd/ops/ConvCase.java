package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;

import java.util.ArrayList;
import java.util.List;

/**
 * One convolution configuration of the tests, and the naive double-precision oracle: direct loops over
 * NHWC input and PyTorch-layout weights {@code [oc, c/groups, kh, kw]}, written from the definition.
 */
record ConvCase(int n, int h, int w, int c, int oc, int kh, int kw, int strideH, int strideW,
                int padH, int padW, int dilationH, int dilationW, int groups) {

    static ConvCase of(int n, int h, int w, int c, int oc, int k, int stride, int pad, int dilation, int groups) {
        return new ConvCase(n, h, w, c, oc, k, k, stride, stride, pad, pad, dilation, dilation, groups);
    }

    Conv2dParams params() {
        return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, groups);
    }

    Conv2dGeometry geometry() {
        return new Conv2dGeometry(n, h, w, c, oc, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups);
    }

    int oh() {
        return Math.floorDiv(h + 2 * padH - dilationH * (kh - 1) - 1, strideH) + 1;
    }

    int ow() {
        return Math.floorDiv(w + 2 * padW - dilationW * (kw - 1) - 1, strideW) + 1;
    }

    boolean valid() {
        return oh() >= 1 && ow() >= 1 && c % groups == 0 && oc % groups == 0;
    }

    int xSize() {
        return n * h * w * c;
    }

    int ySize() {
        return n * oh() * ow() * oc;
    }

    int wSize() {
        return oc * (c / groups) * kh * kw;
    }

    /** Σ over taps straight from the definition, in double; {@code bias} may be null. */
    double[] forward(double[] x, double[] wt, double[] bias) {
        int oh = oh(), ow = ow(), icg = c / groups, ocg = oc / groups;
        double[] y = new double[ySize()];
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < oh; p++) {
                for (int q = 0; q < ow; q++) {
                    for (int o = 0; o < oc; o++) {
                        int grp = o / ocg;
                        double s = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < icg; ci++) {
                            for (int i = 0; i < kh; i++) {
                                int ih = p * strideH - padH + i * dilationH;
                                if (ih < 0 || ih >= h) continue;
                                for (int j = 0; j < kw; j++) {
                                    int iw = q * strideW - padW + j * dilationW;
                                    if (iw < 0 || iw >= w) continue;
                                    s += x[((b * h + ih) * w + iw) * c + grp * icg + ci] * wt[((o * icg + ci) * kh + i) * kw + j];
                                }
                            }
                        }
                        y[((b * oh + p) * ow + q) * oc + o] = s;
                    }
                }
            }
        }
        return y;
    }

    /** OIHW → HWIO, written independently of the facade's packer. */
    float[] hwio(float[] oihw) {
        int icg = c / groups;
        float[] out = new float[oihw.length];
        for (int o = 0; o < oc; o++) {
            for (int ci = 0; ci < icg; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        out[((i * kw + j) * icg + ci) * oc + o] = oihw[((o * icg + ci) * kh + i) * kw + j];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The forward sweep: kernels 1, 3, 5, 7 and rectangular, strides 1–3, padding 0–3, dilation 1–2,
     * groups 1, 2 and depthwise, channel counts 1, 3, 17, 33, 64, batch 1 and 3, spatial sizes 1–13.
     */
    static List<ConvCase> sweep() {
        List<ConvCase> cases = new ArrayList<>(List.of(
                of(1, 5, 5, 3, 16, 3, 1, 1, 1, 1),
                of(3, 7, 7, 17, 33, 3, 1, 1, 1, 1),
                of(1, 13, 13, 33, 17, 5, 2, 2, 1, 1),
                of(3, 13, 7, 3, 5, 7, 1, 3, 1, 1),
                of(1, 1, 1, 17, 16, 1, 1, 0, 1, 1),
                of(3, 5, 7, 33, 31, 1, 1, 0, 1, 1),
                of(1, 13, 13, 16, 32, 1, 2, 0, 1, 1),
                of(1, 1, 1, 8, 8, 3, 1, 1, 1, 1),
                of(3, 7, 7, 64, 64, 3, 1, 1, 1, 1),
                of(1, 13, 13, 32, 16, 3, 1, 2, 2, 1),
                of(3, 13, 5, 6, 10, 3, 3, 1, 2, 2),
                of(1, 7, 7, 34, 66, 3, 2, 1, 1, 2),
                of(3, 7, 13, 17, 17, 3, 1, 1, 1, 17),
                of(1, 13, 13, 33, 33, 5, 1, 2, 1, 33),
                of(3, 7, 7, 64, 64, 7, 1, 3, 1, 64),
                of(1, 13, 13, 16, 16, 3, 2, 1, 1, 16),
                of(1, 13, 13, 3, 3, 7, 3, 3, 2, 3),
                of(1, 5, 5, 1, 1, 3, 1, 1, 1, 1),
                new ConvCase(3, 7, 13, 5, 7, 1, 3, 1, 2, 0, 1, 1, 1, 1),
                new ConvCase(1, 13, 7, 4, 6, 3, 2, 2, 1, 1, 0, 1, 2, 2),
                new ConvCase(3, 5, 13, 17, 17, 2, 5, 1, 3, 0, 2, 2, 1, 17),
                // 3×3 over 2048 channels: one tile's weights exceed the direct kernel's cache budget at every
                // vector width, so the vector backend takes its im2col + GEMM path.
                of(2, 3, 3, 2048, 16, 3, 2, 1, 1, 1)));
        return cases;
    }
}
