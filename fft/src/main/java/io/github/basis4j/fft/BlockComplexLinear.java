package io.github.basis4j.fft;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Gemm;

/**
 * A block-diagonal complex linear map over the channels of every frequency bin of a half spectrum, with a complex
 * bias: one layer of the spectral MLP of AFNO (Guibas et al., "Adaptive Fourier Neural Operators", arXiv 2111.13587)
 * as DFFormer's {@code AFNO2D} token mixer writes it ({@code okojoalg/dfformer}, {@code models/dfformer.py}):
 * <pre>
 *   y[.., b, o] = Σ_i x[.., b, i] · (W[0, b, i, o] + j·W[1, b, i, o]) + (B[0, b, o] + j·B[1, b, o])
 * </pre>
 * for each of the nb channel blocks b (channel {@code b·in + i} of the input, {@code b·out + o} of the output).
 *
 * <p><b>Layouts.</b> Spectra are planar per bin as everywhere in this module: {@code [N, H, Wc, 2, C]} holds the C
 * real parts of a bin, then its C imaginary parts. The weight {@code [2, nb, in, out]} and bias {@code [2, nb, out]}
 * are the reference's {@code w1}/{@code w2} and {@code b1}/{@code b2}: index 0 the real part, 1 the imaginary part.
 *
 * <p><b>How.</b> A complex product is a real one of twice the size, {@code [xr, xi] · [[W0, W1], [-W1, W0]] =
 * [xr·W0 - xi·W1, xr·W1 + xi·W0]}, so each block is one real GEMM of the bins' {@code [xr, xi]} rows against a
 * {@code [2·in, 2·out]} matrix, and all blocks are one strided-batched {@link Gemm#gemmBatched} call. The rows are
 * gathered per block into a scratch tensor and the products scattered back: copies only, the arithmetic is the
 * GEMM's. Rounding differs from the reference's four separate einsums by the order of the sums only.
 *
 * <p>Results do not depend on the thread count ({@link Gemm} is bit-identical for any; the bias sums run in
 * row order). Backward adds into its gradient tensors.
 */
public final class BlockComplexLinear {
    private BlockComplexLinear() {
    }

    /**
     * The map applied to every bin, as a new tensor.
     *
     * @param x      half spectrum {@code [N, H, Wc, 2, nb·in]}
     * @param weight {@code [2, nb, in, out]}
     * @param bias   {@code [2, nb, out]}, or null for none
     * @return {@code [N, H, Wc, 2, nb·out]}
     * @throws IllegalArgumentException naming the argument, the shape expected and the shape received
     */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias) {
        Dims d = dims("blockComplexLinear", x, weight, bias);
        // Every row of every block starts from the bias; the GEMM then accumulates onto it (beta = 1).
        Tensor rows = Tensor.zeros(d.nb, d.rows, 2 * d.out);
        if (bias != null) {
            float[] r = rows.data(), bv = bias.data();
            int bOff = bias.offset();
            for (int b = 0; b < d.nb; b++) {
                for (int row = 0; row < d.rows; row++) {
                    int dst = (b * d.rows + row) * 2 * d.out;
                    System.arraycopy(bv, bOff + b * d.out, r, dst, d.out);
                    System.arraycopy(bv, bOff + (d.nb + b) * d.out, r, dst + d.out, d.out);
                }
            }
        }
        Gemm.gemmBatched(false, false, 1f, gather(x, d.rows, d.nb, d.in), realWeight(weight, d), bias == null ? 0f : 1f, rows);
        Tensor y = Tensor.zeros(outShape(x, d));
        scatter(rows, y, d.rows, d.nb, d.out, false);
        return y;
    }

    /**
     * Gradients of {@link #forward}: {@code gradX += gradY · Mᵀ}, {@code gradWeight += xᵀ · gradY} folded back to the
     * complex parts, {@code gradBias += Σ_bins gradY}, per block, with M the real form of the weight.
     *
     * @param x          the forward's input {@code [N, H, Wc, 2, nb·in]}
     * @param weight     the forward's weight {@code [2, nb, in, out]}
     * @param gradY      gradient of the loss with respect to the output, {@code [N, H, Wc, 2, nb·out]}
     * @param gradX      shaped like x, or null
     * @param gradWeight shaped like weight, or null
     * @param gradBias   {@code [2, nb, out]}, or null
     */
    public static void backward(Tensor x, Tensor weight, Tensor gradY, Tensor gradX, Tensor gradWeight, Tensor gradBias) {
        String op = "blockComplexLinearBackward";
        Dims d = dims(op, x, weight, gradBias);
        requireShape(op, "gradY", gradY, outShape(x, d));
        if (gradX != null) requireShape(op, "gradX", gradX, x.shape());
        if (gradWeight != null) requireShape(op, "gradWeight", gradWeight, weight.shape());
        Tensor g = gather(gradY, d.rows, d.nb, d.out);
        if (gradX != null) {
            Tensor dRows = Tensor.zeros(d.nb, d.rows, 2 * d.in);
            Gemm.gemmBatched(false, true, 1f, g, realWeight(weight, d), 0f, dRows);
            scatter(dRows, gradX, d.rows, d.nb, d.in, true);
        }
        if (gradWeight != null) {
            Tensor dm = Tensor.zeros(d.nb, 2 * d.in, 2 * d.out);
            Gemm.gemmBatched(true, false, 1f, gather(x, d.rows, d.nb, d.in), g, 0f, dm);
            foldRealWeightGradient(dm, gradWeight, d);
        }
        if (gradBias != null) {
            float[] gv = g.data(), db = gradBias.data();
            int dbOff = gradBias.offset();
            for (int b = 0; b < d.nb; b++) {
                for (int part = 0; part < 2; part++) {
                    int dst = dbOff + (part * d.nb + b) * d.out;
                    for (int row = 0; row < d.rows; row++) {
                        int src = (b * d.rows + row) * 2 * d.out + part * d.out;
                        for (int o = 0; o < d.out; o++) db[dst + o] += gv[src + o];
                    }
                }
            }
        }
    }

    /** Per block, the bins' {@code [re, im]} rows: {@code [nb, rows, 2·width]} from a spectrum of nb·width channels. */
    private static Tensor gather(Tensor spec, int rows, int nb, int width) {
        int c = nb * width;
        Tensor out = Tensor.zeros(nb, rows, 2 * width);
        float[] s = spec.data(), o = out.data();
        int sOff = spec.offset();
        for (int row = 0; row < rows; row++) {
            int re = sOff + row * 2 * c;
            for (int b = 0; b < nb; b++) {
                int dst = (b * rows + row) * 2 * width;
                System.arraycopy(s, re + b * width, o, dst, width);
                System.arraycopy(s, re + c + b * width, o, dst + width, width);
            }
        }
        return out;
    }

    /** The inverse of {@link #gather}: writes (or, with {@code add}, adds) {@code [nb, rows, 2·width]} into a spectrum. */
    private static void scatter(Tensor blocks, Tensor spec, int rows, int nb, int width, boolean add) {
        int c = nb * width;
        float[] s = spec.data(), bl = blocks.data();
        int sOff = spec.offset();
        for (int row = 0; row < rows; row++) {
            int re = sOff + row * 2 * c;
            for (int b = 0; b < nb; b++) {
                int src = (b * rows + row) * 2 * width;
                if (add) {
                    for (int i = 0; i < width; i++) {
                        s[re + b * width + i] += bl[src + i];
                        s[re + c + b * width + i] += bl[src + width + i];
                    }
                } else {
                    System.arraycopy(bl, src, s, re + b * width, width);
                    System.arraycopy(bl, src + width, s, re + c + b * width, width);
                }
            }
        }
    }

    /** {@code M[b] = [[W0, W1], [-W1, W0]]}, {@code [nb, 2·in, 2·out]}, from the complex weight {@code [2, nb, in, out]}. */
    private static Tensor realWeight(Tensor weight, Dims d) {
        Tensor m = Tensor.zeros(d.nb, 2 * d.in, 2 * d.out);
        float[] w = weight.data(), mv = m.data();
        int wOff = weight.offset(), imOff = d.nb * d.in * d.out, cols = 2 * d.out;
        for (int b = 0; b < d.nb; b++) {
            for (int i = 0; i < d.in; i++) {
                int src = wOff + (b * d.in + i) * d.out;
                int top = (b * 2 * d.in + i) * cols, bottom = top + d.in * cols;
                for (int o = 0; o < d.out; o++) {
                    float re = w[src + o], im = w[src + imOff + o];
                    mv[top + o] = re;
                    mv[top + d.out + o] = im;
                    mv[bottom + o] = -im;
                    mv[bottom + d.out + o] = re;
                }
            }
        }
        return m;
    }

    /** The adjoint of {@link #realWeight}: {@code dW0 += dM₀₀ + dM₁₁}, {@code dW1 += dM₀₁ - dM₁₀}. */
    private static void foldRealWeightGradient(Tensor dm, Tensor gradWeight, Dims d) {
        float[] g = gradWeight.data(), mv = dm.data();
        int gOff = gradWeight.offset(), imOff = d.nb * d.in * d.out, cols = 2 * d.out;
        for (int b = 0; b < d.nb; b++) {
            for (int i = 0; i < d.in; i++) {
                int dst = gOff + (b * d.in + i) * d.out;
                int top = (b * 2 * d.in + i) * cols, bottom = top + d.in * cols;
                for (int o = 0; o < d.out; o++) {
                    g[dst + o] += mv[top + o] + mv[bottom + d.out + o];
                    g[dst + imOff + o] += mv[top + d.out + o] - mv[bottom + o];
                }
            }
        }
    }

    private record Dims(int rows, int nb, int in, int out) {
    }

    private static Dims dims(String op, Tensor x, Tensor weight, Tensor bias) {
        if (x == null || weight == null) throw new IllegalArgumentException(op + ": x and weight must not be null");
        if (x.rank() != 5 || x.dim(3) != 2 || x.dim(4) < 1) {
            throw new IllegalArgumentException(op + ": x must be a half spectrum [N, H, Wc, 2, C] (rank 5, planar re/im), got " + x.shape());
        }
        if (weight.rank() != 4 || weight.dim(0) != 2 || weight.dim(1) < 1 || weight.dim(2) < 1 || weight.dim(3) < 1) {
            throw new IllegalArgumentException(op + ": weight must be [2, nb, in, out] (real and imaginary parts), got " + weight.shape());
        }
        int nb = weight.dim(1), in = weight.dim(2), out = weight.dim(3);
        if (x.dim(4) != nb * in) {
            throw new IllegalArgumentException(op + ": x must have nb·in = " + nb + "·" + in + " = " + nb * in
                    + " channels to match weight " + weight.shape() + ", got " + x.shape());
        }
        if (bias != null) requireShape(op, "bias", bias, Shape.of(2, nb, out));
        return new Dims(x.dim(0) * x.dim(1) * x.dim(2), nb, in, out);
    }

    private static Shape outShape(Tensor x, Dims d) {
        return Shape.of(x.dim(0), x.dim(1), x.dim(2), 2, d.nb * d.out);
    }

    private static void requireShape(String op, String name, Tensor t, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + expected + ", got " + t.shape());
        }
    }
}
