package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Parallel;
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

    /**
     * Output channels per block of {@link #packInto} and {@link #addUnpacked}: one 64-byte line of HWIO
     * output channels, so each (tap, input channel) writes or reads whole lines.
     */
    private static final int CHANNEL_BLOCK = 16;
    /** Weights per parallel chunk of the repacking: below about this much a fork costs more than it saves. */
    private static final int PACK_CHUNK_FLOATS = 64 * 1024;

    /**
     * OIHW at {@code src[srcOff]} → HWIO in {@code dst}. Blocked by {@link #CHANNEL_BLOCK} output channels: a
     * loop over output channels outermost wrote HWIO with a stride of {@code oc} floats, a cache (and, at
     * 2 KiB strides, a 4K-aliasing) miss per element, measured at about 15 ns a weight for a 3×3 320→512
     * layer, longer than the convolution itself at batch 1. Within a block the sixteen OIHW filters are read
     * as sixteen sequential streams and each HWIO line is written whole. Blocks write disjoint elements, so
     * splitting them over threads cannot change the result.
     */
    static void packInto(float[] src, int srcOff, int oc, int icg, int kh, int kw, float[] dst) {
        int taps = kh * kw, filter = icg * taps, blocks = (oc + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
        int grain = Math.max(1, PACK_CHUNK_FLOATS / Math.max(1, CHANNEL_BLOCK * filter));
        Parallel.forRange(blocks, grain, (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int o0 = blk * CHANNEL_BLOCK, o1 = Math.min(oc, o0 + CHANNEL_BLOCK);
                for (int ci = 0; ci < icg; ci++) {
                    for (int t = 0; t < taps; t++) {
                        int d = (t * icg + ci) * oc, s = srcOff + ci * taps + t;
                        for (int o = o0; o < o1; o++) dst[d + o] = src[s + o * filter];
                    }
                }
            }
        });
    }

    /**
     * {@code dst (OIHW) += src (HWIO)}: a weight gradient computed in the kernels' layout, returned in PyTorch's.
     * Blocked and split like {@link #packInto}, for the same reason.
     */
    static void addUnpacked(float[] src, int oc, int icg, int kh, int kw, float[] dst, int dstOff) {
        int taps = kh * kw, filter = icg * taps, blocks = (oc + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
        int grain = Math.max(1, PACK_CHUNK_FLOATS / Math.max(1, CHANNEL_BLOCK * filter));
        Parallel.forRange(blocks, grain, (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int o0 = blk * CHANNEL_BLOCK, o1 = Math.min(oc, o0 + CHANNEL_BLOCK);
                for (int ci = 0; ci < icg; ci++) {
                    for (int t = 0; t < taps; t++) {
                        int s = (t * icg + ci) * oc, d = dstOff + ci * taps + t;
                        for (int o = o0; o < o1; o++) dst[d + o * filter] += src[s + o];
                    }
                }
            }
        });
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
