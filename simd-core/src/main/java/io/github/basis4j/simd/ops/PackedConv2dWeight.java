package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;

/**
 * Convolution weights repacked once from PyTorch's {@code [oc, ic/groups, kh, kw]} into the kernels' HWIO
 * layout {@code [kh, kw, ic/groups, oc]} (element {@code (o, ci, i, j)} moves to {@code ((i·kw + j)·icg + ci)·oc + o}),
 * for inference where the same weights serve many calls. A depthwise filter {@code [c, 1, kh, kw]} becomes
 * {@code [kh, kw, c]}, the same formula with {@code icg = 1}.
 *
 * <p>The packed copy does not follow later changes to the source tensor; pack again after an update.
 */
public final class PackedConv2dWeight {
    private final float[] data;
    private final int oc, icg, kh, kw;

    private PackedConv2dWeight(float[] data, int oc, int icg, int kh, int kw) {
        this.data = data;
        this.oc = oc;
        this.icg = icg;
        this.kh = kh;
        this.kw = kw;
    }

    /** Packs a rank-4 {@code [oc, ic/groups, kh, kw]} weight tensor. */
    public static PackedConv2dWeight pack(Tensor weight) {
        if (weight == null || weight.rank() != 4) {
            throw new IllegalArgumentException("conv2d: weight must be a rank-4 [oc, ic/groups, kh, kw] tensor, got "
                    + (weight == null ? "null" : "shape " + weight.shape()));
        }
        int oc = weight.dim(0), icg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        if (oc < 1 || icg < 1 || kh < 1 || kw < 1) {
            throw new IllegalArgumentException("conv2d: weight must have no empty dimension, got " + weight.shape());
        }
        float[] hwio = new float[weight.size()];
        packInto(weight.data(), weight.offset(), oc, icg, kh, kw, hwio);
        return new PackedConv2dWeight(hwio, oc, icg, kh, kw);
    }

    /** OIHW at {@code src[srcOff]} → HWIO in {@code dst}. */
    static void packInto(float[] src, int srcOff, int oc, int icg, int kh, int kw, float[] dst) {
        for (int o = 0; o < oc; o++) {
            for (int ci = 0; ci < icg; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        dst[((i * kw + j) * icg + ci) * oc + o] = src[srcOff + ((o * icg + ci) * kh + i) * kw + j];
                    }
                }
            }
        }
    }

    /** {@code dst (OIHW) += src (HWIO)}: a weight gradient computed in the kernels' layout, returned in PyTorch's. */
    static void addUnpacked(float[] src, int oc, int icg, int kh, int kw, float[] dst, int dstOff) {
        for (int o = 0; o < oc; o++) {
            for (int ci = 0; ci < icg; ci++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        dst[dstOff + ((o * icg + ci) * kh + i) * kw + j] += src[((i * kw + j) * icg + ci) * oc + o];
                    }
                }
            }
        }
    }

    /** The HWIO data (shared, not copied). */
    float[] data() {
        return data;
    }

    /** Output channels. */
    public int oc() {
        return oc;
    }

    /** Input channels per group. */
    public int icPerGroup() {
        return icg;
    }

    /** Kernel height. */
    public int kh() {
        return kh;
    }

    /** Kernel width. */
    public int kw() {
        return kw;
    }

    /** The PyTorch shape this was packed from, {@code [oc, ic/groups, kh, kw]}. */
    public int[] torchShape() {
        return new int[] {oc, icg, kh, kw};
    }
}
