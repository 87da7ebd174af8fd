package io.github.basis4j.bench;

/**
 * Weight layout conversions for calling the convolution kernels directly (the scalar twin in {@code @Setup}),
 * as {@code ConvKernels} documents them: PyTorch's OIHW {@code [oc, icg, kh, kw]} and the kernels' HWIO
 * {@code [kh, kw, icg, oc]}, element {@code (o, ci, i, j)} at {@code ((o·icg + ci)·kh + i)·kw + j} in the first
 * and {@code ((i·kw + j)·icg + ci)·oc + o} in the second.
 */
final class TorchLayout {
    private TorchLayout() {
    }

    /** A new HWIO copy of the OIHW weights {@code w}. */
    static float[] oihwToHwio(float[] w, int oc, int icg, int kh, int kw) {
        float[] out = new float[w.length];
        for (int o = 0; o < oc; o++) {
            for (int ci = 0; ci < icg; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        out[((i * kw + j) * icg + ci) * oc + o] = w[((o * icg + ci) * kh + i) * kw + j];
                    }
                }
            }
        }
        return out;
    }

    /** A new OIHW copy of the HWIO weights {@code w}. */
    static float[] hwioToOihw(float[] w, int oc, int icg, int kh, int kw) {
        float[] out = new float[w.length];
        for (int o = 0; o < oc; o++) {
            for (int ci = 0; ci < icg; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        out[((o * icg + ci) * kh + i) * kw + j] = w[((i * kw + j) * icg + ci) * oc + o];
                    }
                }
            }
        }
        return out;
    }
}
