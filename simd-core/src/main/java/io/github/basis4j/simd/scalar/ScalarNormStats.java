package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.GemmKernels;
import io.github.basis4j.simd.spi.NormKernels;

/**
 * Plain-loop {@link NormKernels}: the test oracle and the fallback; {@code PanamaNormStats} mirrors
 * every method.
 *
 * <p>Batch-norm reductions run over row chunks of {@link #rowGrain(int)} rows, each chunk summing its
 * rows in order into one double partial per channel; {@link #sumChunks} then adds the partials in chunk
 * order. The twin uses the same chunks and per-lane order, so the batch-norm kernels agree bit for bit;
 * layer norm reduces along a row, which the twin does lane-parallel, so those agree to rounding.
 *
 * <p>Elementwise steps are written as separate multiplies and adds (never {@code Math.fma}) because
 * the twin does the same, which keeps the two bit-identical where the reduction order allows.
 *
 * <p>The Gram kernels run their products through the {@link GemmKernels} given at construction, so
 * the backend's fastest GEMM does the {@code r²·d} work.
 */
public final class ScalarNormStats implements NormKernels {
    /** Elements per parallel chunk of a row reduction: a few L1-sized blocks, enough to amortise a fork. */
    static final int ELEMENTS_PER_CHUNK = 1 << 14;

    private final GemmKernels gemm;

    /** Kernels whose Gram products go through {@code gemm}. */
    public ScalarNormStats(GemmKernels gemm) {
        this.gemm = gemm;
    }

    /** Rows per parallel chunk for rows of {@code c} channels; depends on c alone, never on the threads. */
    public static int rowGrain(int c) {
        return Math.max(1, ELEMENTS_PER_CHUNK / Math.max(1, c));
    }

    /**
     * Rows per chunk of the layer-norm forward, which normalises each row on its own (any grouping gives the same
     * bits). Coarser than {@link #rowGrain}: the pass is memory-bound, its output was just zero-filled in the caller's
     * cache, and a second thread writing part of it moved those lines between cores; at DFFormer's batch-1 maps a
     * chunk of 16K elements made the model's layer norms slower on two threads than on one.
     */
    public static int layerNormRowGrain(int c) {
        return Math.max(1, LAYER_NORM_ELEMENTS_PER_CHUNK / Math.max(1, c));
    }

    /** Elements per chunk of {@link #layerNormRowGrain}. */
    static final int LAYER_NORM_ELEMENTS_PER_CHUNK = 1 << 16;

    /**
     * {@code out[ch] = Σ_k part[(k·stride) + off + ch]} for {@code k = 0 … chunks−1}, added in chunk order
     * (the deterministic combine of per-chunk partials).
     */
    public static void sumChunks(double[] part, int chunks, int stride, int off, int c, double[] out) {
        java.util.Arrays.fill(out, 0, c, 0.0);
        for (int k = 0; k < chunks; k++) {
            int p = k * stride + off;
            for (int ch = 0; ch < c; ch++) out[ch] += part[p + ch];
        }
    }

    /** {@code 1/√(variance[ch] + eps)} in double for each of c channels. */
    public static double[] invStd(float[] variance, int varianceOff, int c, double eps) {
        double[] s = new double[c];
        for (int ch = 0; ch < c; ch++) s[ch] = 1.0 / Math.sqrt(variance[varianceOff + ch] + eps);
        return s;
    }

    /** Widens c floats to double (the saved mean, as the centre of the double reductions). */
    public static double[] widen(float[] a, int aOff, int c) {
        double[] d = new double[c];
        for (int ch = 0; ch < c; ch++) d[ch] = a[aOff + ch];
        return d;
    }

    @Override
    public void batchNormStatistics(float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                    float[] variance, int varianceOff) {
        assert m >= 1 && c >= 1;
        int grain = rowGrain(c), chunks = Parallel.chunkCount(m, grain);
        double[] part = new double[chunks * c];
        double[] sum = new double[c];
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * c;
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c;
                for (int ch = 0; ch < c; ch++) part[p + ch] += x[xo + ch];
            }
        });
        sumChunks(part, chunks, c, 0, c, sum);
        double[] mu = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mu[ch] = sum[ch] / m;
            mean[meanOff + ch] = (float) mu[ch];
        }
        // Second pass around the double mean: Σ(x − μ)² does not cancel the way Σx² − mΣμ² does.
        java.util.Arrays.fill(part, 0.0);
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * c;
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c;
                for (int ch = 0; ch < c; ch++) {
                    double d = x[xo + ch] - mu[ch];
                    part[p + ch] += d * d;
                }
            }
        });
        sumChunks(part, chunks, c, 0, c, sum);
        for (int ch = 0; ch < c; ch++) variance[varianceOff + ch] = (float) (sum[ch] / m);
    }

    @Override
    public void batchNormUpdateRunning(float[] mean, int meanOff, float[] variance, int varianceOff, int c, long m,
                                       double momentum, float[] runningMean, int runningMeanOff,
                                       float[] runningVar, int runningVarOff) {
        assert m > 1;
        double bessel = (double) m / (m - 1);
        for (int ch = 0; ch < c; ch++) {
            runningMean[runningMeanOff + ch] =
                    (float) ((1 - momentum) * runningMean[runningMeanOff + ch] + momentum * mean[meanOff + ch]);
            runningVar[runningVarOff + ch] =
                    (float) ((1 - momentum) * runningVar[runningVarOff + ch] + momentum * variance[varianceOff + ch] * bessel);
        }
    }

    /**
     * Per-channel {@code alpha = weight/√(variance + eps)} and {@code beta = bias − mean·alpha}, computed in
     * double and rounded once; null weight is 1, null bias 0.
     */
    public static void affineCoefficients(float[] mean, int meanOff, float[] variance, int varianceOff, double eps,
                                          float[] weight, int weightOff, float[] bias, int biasOff, int c,
                                          float[] alpha, float[] beta) {
        for (int ch = 0; ch < c; ch++) {
            double a = (weight == null ? 1.0 : weight[weightOff + ch]) / Math.sqrt(variance[varianceOff + ch] + eps);
            alpha[ch] = (float) a;
            beta[ch] = (float) ((bias == null ? 0.0 : bias[biasOff + ch]) - mean[meanOff + ch] * a);
        }
    }

    @Override
    public void batchNormForward(float[] x, int xOff, int m, int c, float[] mean, int meanOff, float[] variance,
                                 int varianceOff, double eps, float[] weight, int weightOff, float[] bias, int biasOff,
                                 float[] y, int yOff) {
        float[] alpha = new float[c], beta = new float[c];
        affineCoefficients(mean, meanOff, variance, varianceOff, eps, weight, weightOff, bias, biasOff, c, alpha, beta);
        Parallel.forRange(m, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = yOff + r * c;
                for (int ch = 0; ch < c; ch++) y[yo + ch] = x[xo + ch] * alpha[ch] + beta[ch];
            }
        });
    }

    /**
     * Per-chunk partials of {@code Σ dy} (at {@code k·2c}) and {@code Σ dy·(x − mean)} (at {@code k·2c + c})
     * in double, combined in chunk order into {@code sumDy} and {@code dot}.
     */
    private static void batchNormGradSums(float[] dy, int dyOff, float[] x, int xOff, int m, int c, double[] mu,
                                          double[] sumDy, double[] dot) {
        int grain = rowGrain(c), chunks = Parallel.chunkCount(m, grain);
        double[] part = new double[chunks * 2 * c];
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * 2 * c;
            for (int r = from; r < to; r++) {
                int o = r * c;
                for (int ch = 0; ch < c; ch++) {
                    double g = dy[dyOff + o + ch];
                    part[p + ch] += g;
                    part[p + c + ch] += g * (x[xOff + o + ch] - mu[ch]);
                }
            }
        });
        sumChunks(part, chunks, 2 * c, 0, c, sumDy);
        sumChunks(part, chunks, 2 * c, c, c, dot);
    }

    /** {@code dweight += dot·σ⁻¹}, {@code dbias += sumDy} (either may be null). */
    static void addParameterGrads(double[] sumDy, double[] dot, double[] inv, int c,
                                  float[] dweight, int dweightOff, float[] dbias, int dbiasOff) {
        for (int ch = 0; ch < c; ch++) {
            if (dweight != null) dweight[dweightOff + ch] += (float) (dot[ch] * inv[ch]);
            if (dbias != null) dbias[dbiasOff + ch] += (float) sumDy[ch];
        }
    }

    @Override
    public void batchNormBackward(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                  float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                                  float[] dx, int dxOff, float[] dweight, int dweightOff, float[] dbias, int dbiasOff) {
        double[] mu = widen(mean, meanOff, c), inv = invStd(variance, varianceOff, c, eps);
        double[] sumDy = new double[c], dot = new double[c];
        batchNormGradSums(dy, dyOff, x, xOff, m, c, mu, sumDy, dot);
        addParameterGrads(sumDy, dot, inv, c, dweight, dweightOff, dbias, dbiasOff);
        if (dx == null) return;
        float[] scale = new float[c], proj = new float[c], meanDy = new float[c];
        trainInputCoefficients(sumDy, dot, inv, weight, weightOff, m, c, scale, proj, meanDy);
        Parallel.forRange(m, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * c;
                for (int ch = 0; ch < c; ch++) {
                    float centred = (x[xOff + o + ch] - mean[meanOff + ch]) * proj[ch];
                    dx[dxOff + o + ch] += (dy[dyOff + o + ch] - meanDy[ch] - centred) * scale[ch];
                }
            }
        });
    }

    @Override
    public void batchNormBackwardInPlace(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                         float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                                         float[] dweight, int dweightOff, float[] dbias, int dbiasOff) {
        double[] mu = widen(mean, meanOff, c), inv = invStd(variance, varianceOff, c, eps);
        double[] sumDy = new double[c], dot = new double[c];
        batchNormGradSums(dy, dyOff, x, xOff, m, c, mu, sumDy, dot);
        addParameterGrads(sumDy, dot, inv, c, dweight, dweightOff, dbias, dbiasOff);
        float[] scale = new float[c], proj = new float[c], meanDy = new float[c];
        trainInputCoefficients(sumDy, dot, inv, weight, weightOff, m, c, scale, proj, meanDy);
        Parallel.forRange(m, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * c;
                for (int ch = 0; ch < c; ch++) {
                    float centred = (x[xOff + o + ch] - mean[meanOff + ch]) * proj[ch];
                    dy[dyOff + o + ch] = (dy[dyOff + o + ch] - meanDy[ch] - centred) * scale[ch];
                }
            }
        });
    }

    /**
     * The per-channel constants of the training-mode input gradient, rounded once from double:
     * {@code scale = σ⁻¹·weight}, {@code proj = Σ(dy·(x − mean))·σ⁻²/m} (the projection onto x̂, divided by
     * σ⁻¹ so it multiplies the raw centred input), {@code meanDy = Σdy/m}.
     */
    public static void trainInputCoefficients(double[] sumDy, double[] dot, double[] inv, float[] weight, int weightOff,
                                              int m, int c, float[] scale, float[] proj, float[] meanDy) {
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = (float) (inv[ch] * (weight == null ? 1.0 : weight[weightOff + ch]));
            proj[ch] = (float) (dot[ch] * inv[ch] * inv[ch] / m);
            meanDy[ch] = (float) (sumDy[ch] / m);
        }
    }

    @Override
    public void batchNormBackwardEval(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                      float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                                      float[] dx, int dxOff, float[] dweight, int dweightOff, float[] dbias, int dbiasOff) {
        double[] mu = widen(mean, meanOff, c), inv = invStd(variance, varianceOff, c, eps);
        if (dweight != null || dbias != null) {
            double[] sumDy = new double[c], dot = new double[c];
            batchNormGradSums(dy, dyOff, x, xOff, m, c, mu, sumDy, dot);
            addParameterGrads(sumDy, dot, inv, c, dweight, dweightOff, dbias, dbiasOff);
        }
        if (dx == null) return;
        float[] scale = new float[c];
        for (int ch = 0; ch < c; ch++) scale[ch] = (float) (inv[ch] * (weight == null ? 1.0 : weight[weightOff + ch]));
        Parallel.forRange(m, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * c;
                for (int ch = 0; ch < c; ch++) dx[dxOff + o + ch] += dy[dyOff + o + ch] * scale[ch];
            }
        });
    }

    @Override
    public void layerNormForward(float[] x, int xOff, int m, int c, double eps, float[] weight, int weightOff,
                                 float[] bias, int biasOff, float[] y, int yOff, float[] mean, int meanOff,
                                 float[] rstd, int rstdOff) {
        Parallel.forRange(m, layerNormRowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = yOff + r * c;
                double s = 0;
                for (int ch = 0; ch < c; ch++) s += x[xo + ch];
                double mu = s / c, v = 0;
                for (int ch = 0; ch < c; ch++) {
                    double d = x[xo + ch] - mu;
                    v += d * d;
                }
                float mf = (float) mu, rs = (float) (1.0 / Math.sqrt(v / c + eps));
                mean[meanOff + r] = mf;
                rstd[rstdOff + r] = rs;
                for (int ch = 0; ch < c; ch++) {
                    float n = (x[xo + ch] - mf) * rs;
                    if (weight != null) n = n * weight[weightOff + ch];
                    if (bias != null) n = n + bias[biasOff + ch];
                    y[yo + ch] = n;
                }
            }
        });
    }

    @Override
    public void layerNormBackward(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] weight, int weightOff,
                                  float[] mean, int meanOff, float[] rstd, int rstdOff, float[] dx, int dxOff,
                                  float[] dweight, int dweightOff, float[] dbias, int dbiasOff) {
        int grain = rowGrain(c), chunks = Parallel.chunkCount(m, grain);
        // Per chunk: Σ dy·x̂ at k·2c, Σ dy at k·2c + c.
        double[] part = new double[chunks * 2 * c];
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * 2 * c;
            for (int r = from; r < to; r++) {
                int o = r * c;
                float mu = mean[meanOff + r], rs = rstd[rstdOff + r];
                double sg = 0, sgx = 0;
                for (int ch = 0; ch < c; ch++) {
                    float g = dy[dyOff + o + ch], xh = (x[xOff + o + ch] - mu) * rs;
                    part[p + ch] += (double) g * xh;
                    part[p + c + ch] += g;
                    if (weight != null) g = g * weight[weightOff + ch];
                    sg += g;
                    sgx += (double) g * xh;
                }
                if (dx == null) continue;
                float meanG = (float) (sg / c), meanGx = (float) (sgx / c);
                for (int ch = 0; ch < c; ch++) {
                    float g = dy[dyOff + o + ch], xh = (x[xOff + o + ch] - mu) * rs;
                    if (weight != null) g = g * weight[weightOff + ch];
                    dx[dxOff + o + ch] += (g - meanG - xh * meanGx) * rs;
                }
            }
        });
        double[] sum = new double[c];
        if (dweight != null) {
            sumChunks(part, chunks, 2 * c, 0, c, sum);
            for (int ch = 0; ch < c; ch++) dweight[dweightOff + ch] += (float) sum[ch];
        }
        if (dbias != null) {
            sumChunks(part, chunks, 2 * c, c, c, sum);
            for (int ch = 0; ch < c; ch++) dbias[dbiasOff + ch] += (float) sum[ch];
        }
    }

    @Override
    public double gramPenaltyForward(float[] b, int bOff, int r, int d, float[] mask, int maskOff, float[] g, int gOff) {
        gemm.sgemm(false, true, r, r, d, 1f, b, bOff, d, b, bOff, d, 0f, g, gOff, r);
        double s = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double e = g[gOff + i * r + j] - (i == j ? 1.0 : 0.0);
                s += (mask == null ? 1.0 : mask[maskOff + i * r + j]) * e * e;
            }
        }
        return s;
    }

    @Override
    public void gramPenaltyBackward(float[] b, int bOff, int r, int d, float[] mask, int maskOff, float[] g, int gOff,
                                    float scale, float[] work, int workOff, float[] db, int dbOff) {
        // ∂/∂G_ij of Σ M_ij (G_ij − δ_ij)² is 2 M_ij (G_ij − δ_ij) = 2 E_ij; G = B·Bᵀ sends a G-gradient
        // H to B as (H + Hᵀ)·B, hence 2·(E + Eᵀ)·B.
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double eij = (g[gOff + i * r + j] - (i == j ? 1.0 : 0.0)) * (mask == null ? 1.0 : mask[maskOff + i * r + j]);
                double eji = (g[gOff + j * r + i] - (i == j ? 1.0 : 0.0)) * (mask == null ? 1.0 : mask[maskOff + j * r + i]);
                work[workOff + i * r + j] = (float) (eij + eji);
            }
        }
        gemm.sgemm(false, false, r, d, r, 2f * scale, work, workOff, r, b, bOff, d, 1f, db, dbOff, d);
    }
}
