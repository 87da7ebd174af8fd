package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.WinogradKernels;

/**
 * 3×3 convolution weights transformed once for Winograd's F(2×2, 3×3) ({@link WinogradKernels}):
 * {@code U = G·g·Gᵀ} for every filter slice {@code g = w[o, i]} of PyTorch's {@code [oc, ic, 3, 3]} layout,
 * computed in double and rounded once to float, stored as {@code [16, ic, ocp]}: element {@code (ε, i, o)},
 * {@code ε = 4·row + column} of the 4×4 {@code U}, at {@code (ε·ic + i)·ocp + o}, where {@code ocp} is oc
 * rounded up to {@link WinogradKernels#OC_ALIGN} and the padding holds zeros. With
 * {@code G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]}, row 1 of {@code G·g} is half the sum of g's rows,
 * row 2 half their alternating sum.
 *
 * <p>The transformed copy does not follow later changes to the source weights; pack again after an update.
 * Used through {@link Convolutions#conv2dWinograd3x3}.
 */
public final class WinogradConv3x3Weight {
    private static final String OP = "conv2dWinograd3x3";
    private static final int K = 3;
    private final float[] data;
    private final int oc, ic;

    private WinogradConv3x3Weight(float[] data, int oc, int ic) {
        this.data = data;
        this.oc = oc;
        this.ic = ic;
    }

    /** Transforms a rank-4 {@code [oc, ic, 3, 3]} weight tensor. */
    public static WinogradConv3x3Weight pack(Tensor weight) {
        if (weight == null || weight.rank() != 4 || weight.dim(0) < 1 || weight.dim(1) < 1 || weight.dim(2) != K || weight.dim(3) != K) {
            throw new IllegalArgumentException(OP + ": weight must be a rank-4 [oc, ic, 3, 3] tensor with oc, ic >= 1, got "
                    + (weight == null ? "null" : "shape " + weight.shape()));
        }
        double[] w = new double[weight.size()];
        for (int i = 0; i < w.length; i++) w[i] = weight.get(i);
        return transform(w, weight.dim(0), weight.dim(1));
    }

    /**
     * Transforms weights given in double, {@code [oc, ic, 3, 3]} row-major ({@code oihw.length == oc·ic·9}), so
     * that weights computed in double (folded batch norms) round to float only once.
     */
    public static WinogradConv3x3Weight pack(double[] oihw, int oc, int ic) {
        if (oc < 1 || ic < 1) throw new IllegalArgumentException(OP + ": oc and ic must be >= 1, got oc = " + oc + ", ic = " + ic);
        if (oihw == null || oihw.length != (long) oc * ic * K * K) {
            throw new IllegalArgumentException(OP + ": weight must hold oc·ic·9 = " + (long) oc * ic * K * K + " values for [" + oc + ", " + ic
                    + ", 3, 3], got " + (oihw == null ? "null" : oihw.length));
        }
        return transform(oihw, oc, ic);
    }

    private static WinogradConv3x3Weight transform(double[] w, int oc, int ic) {
        int ocp = (oc + WinogradKernels.OC_ALIGN - 1) / WinogradKernels.OC_ALIGN * WinogradKernels.OC_ALIGN;
        float[] u = new float[WinogradKernels.TILE_ELEMENTS * ic * ocp];
        double[] gg = new double[4 * K];
        for (int o = 0; o < oc; o++) {
            for (int i = 0; i < ic; i++) {
                int s = (o * ic + i) * K * K;
                // G·g: 4 × 3, column by column.
                for (int j = 0; j < K; j++) {
                    double g0 = w[s + j], g1 = w[s + K + j], g2 = w[s + 2 * K + j];
                    gg[j] = g0;
                    gg[K + j] = 0.5 * (g0 + g1 + g2);
                    gg[2 * K + j] = 0.5 * (g0 - g1 + g2);
                    gg[3 * K + j] = g2;
                }
                // (G·g)·Gᵀ: 4 × 4, row by row.
                for (int r = 0; r < 4; r++) {
                    double h0 = gg[r * K], h1 = gg[r * K + 1], h2 = gg[r * K + 2];
                    int at = (4 * r * ic + i) * ocp + o, step = ic * ocp;
                    u[at] = (float) h0;
                    u[at + step] = (float) (0.5 * (h0 + h1 + h2));
                    u[at + 2 * step] = (float) (0.5 * (h0 - h1 + h2));
                    u[at + 3 * step] = (float) h2;
                }
            }
        }
        return new WinogradConv3x3Weight(u, oc, ic);
    }

    /** The transformed weights {@code [16, ic, ocp]} (shared, not copied; do not modify). */
    public float[] data() {
        return data;
    }

    /** Output channels. */
    public int outChannels() {
        return oc;
    }

    /** Input channels. */
    public int inChannels() {
        return ic;
    }

    /** The PyTorch shape of the source weights, {@code [oc, ic, 3, 3]}. */
    public int[] torchShape() {
        return new int[] {oc, ic, K, K};
    }
}
