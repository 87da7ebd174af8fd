package io.github.basis4j.simd.spi;

/**
 * Batch-norm and layer-norm statistics and affine maps with their backwards; Gram products and the
 * {@code (B·Bᵀ − I)²} penalty of orthogonality regularisers with its gradient.
 *
 * <p>Layouts: normalisation kernels see their input as a row-major matrix {@code [m, c]}: for an NHWC
 * feature map {@code m = n·h·w} rows of {@code c} channels. Batch norm reduces over rows (one statistic
 * per channel, PyTorch {@code BatchNorm2d}); layer norm reduces over the channels of each row (one
 * statistic per row, PyTorch {@code LayerNorm(c)} and MetaFormer's {@code LayerNormGeneral} with
 * {@code normalized_dim=(-1,)}).
 *
 * <p>Numerics: every reduction accumulates in double. Row reductions are cut into chunks whose size
 * depends on {@code m} and {@code c} only; one partial per chunk is kept and the partials are combined
 * in chunk order, so 1 and N threads give the same bits.
 *
 * <p>Forward kernels overwrite their outputs. Backward kernels add into their gradient buffers
 * ({@code +=}); the caller zeroes them first. A {@code null} weight means 1, a {@code null} bias 0, a
 * {@code null} gradient buffer is not computed.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarNormStats} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaNormStats} (Vector API, lanes across channels); the
 * {@code io.github.basis4j.simd.ops.NormStats} facade validates.
 */
public interface NormKernels {
    /**
     * Batch statistics per channel of x [m, c]: {@code mean[ch] = Σ_i x[i, ch] / m} and the biased
     * variance {@code variance[ch] = Σ_i (x[i, ch] − mean[ch])² / m} (two passes, the second around the
     * double-precision mean), which is what training-mode batch norm normalises with. {@code m ≥ 1}.
     */
    void batchNormStatistics(float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                             float[] variance, int varianceOff);

    /**
     * PyTorch's running-statistics update after a training step over {@code m > 1} rows:
     * {@code runningMean = (1 − momentum)·runningMean + momentum·mean} and
     * {@code runningVar = (1 − momentum)·runningVar + momentum·variance·m/(m − 1)} (the unbiased
     * variance), evaluated in double. mean and variance are the biased batch statistics of
     * {@link #batchNormStatistics}; all arrays hold c elements.
     */
    void batchNormUpdateRunning(float[] mean, int meanOff, float[] variance, int varianceOff, int c, long m,
                                double momentum, float[] runningMean, int runningMeanOff,
                                float[] runningVar, int runningVarOff);

    /**
     * Normalise and scale: {@code y[i, ch] = (x[i, ch] − mean[ch]) / √(variance[ch] + eps) · weight[ch] + bias[ch]},
     * evaluated as {@code x·α + β} with per-channel {@code α = weight/√(variance + eps)} and
     * {@code β = bias − mean·α} computed in double (PyTorch's CPU form). Training passes the batch
     * statistics, evaluation the running ones. x and y are [m, c]; y may be x (in place).
     */
    void batchNormForward(float[] x, int xOff, int m, int c, float[] mean, int meanOff, float[] variance,
                          int varianceOff, double eps, float[] weight, int weightOff, float[] bias, int biasOff,
                          float[] y, int yOff);

    /**
     * Backward of training-mode batch norm, through the batch statistics (mean and variance are those
     * of x). With {@code σ⁻¹ = 1/√(variance + eps)}, {@code x̂ = (x − mean)·σ⁻¹}, {@code Σdy} and
     * {@code Σdy·x̂} per channel over the m rows:
     * {@code dx += (dy − Σdy/m − x̂·Σ(dy·x̂)/m)·σ⁻¹·weight}, {@code dweight += Σ dy·x̂},
     * {@code dbias += Σ dy}. dy, x, dx are [m, c]; dweight, dbias [c].
     */
    void batchNormBackward(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                           float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                           float[] dx, int dxOff, float[] dweight, int dweightOff, float[] dbias, int dbiasOff);

    /**
     * {@link #batchNormBackward} with the input gradient written over dy instead of added into a buffer:
     * {@code dy ← (dy − Σdy/m − x̂·Σ(dy·x̂)/m)·σ⁻¹·weight} (the sums are complete before dy is written),
     * {@code dweight += Σ dy·x̂}, {@code dbias += Σ dy}. Autograd uses it to turn the output gradient it owns
     * into the input's, with no new buffer.
     */
    void batchNormBackwardInPlace(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                  float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                                  float[] dweight, int dweightOff, float[] dbias, int dbiasOff);

    /**
     * Backward of evaluation-mode batch norm, whose statistics are constants (the running ones):
     * {@code dx += dy·weight/√(variance + eps)}, {@code dweight += Σ dy·x̂}, {@code dbias += Σ dy}.
     */
    void batchNormBackwardEval(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                               float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                               float[] dx, int dxOff, float[] dweight, int dweightOff, float[] dbias, int dbiasOff);

    /**
     * Layer norm over the channels of each row of x [m, c]:
     * {@code mean[i] = Σ_ch x[i, ch] / c}, {@code rstd[i] = 1/√(Σ_ch (x[i, ch] − mean[i])²/c + eps)},
     * {@code y[i, ch] = (x[i, ch] − mean[i])·rstd[i]·weight[ch] + bias[ch]}. mean and rstd ([m]) are
     * saved for the backward. y may be x.
     */
    void layerNormForward(float[] x, int xOff, int m, int c, double eps, float[] weight, int weightOff,
                          float[] bias, int biasOff, float[] y, int yOff, float[] mean, int meanOff,
                          float[] rstd, int rstdOff);

    /**
     * Backward of {@link #layerNormForward} given its saved mean and rstd. With
     * {@code x̂ = (x − mean)·rstd} and {@code g = dy·weight}:
     * {@code dx += (g − mean_ch(g) − x̂·mean_ch(g·x̂))·rstd}, {@code dweight += Σ_rows dy·x̂},
     * {@code dbias += Σ_rows dy}.
     */
    void layerNormBackward(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] weight, int weightOff,
                           float[] mean, int meanOff, float[] rstd, int rstdOff, float[] dx, int dxOff,
                           float[] dweight, int dweightOff, float[] dbias, int dbiasOff);

    /**
     * Gram product and masked orthogonality penalty of B [r, d] (one flattened filter per row):
     * writes {@code G = B·Bᵀ} [r, r] into g and returns
     * {@code Σ_ij M_ij·(G_ij − δ_ij)²} accumulated in double, where M [r, r] is {@code mask} (all ones
     * when {@code null}). The mask selects and weights the entries a regulariser sums; dividing by the
     * number of selected entries is the caller's scale. g is kept for {@link #gramPenaltyBackward}.
     */
    double gramPenaltyForward(float[] b, int bOff, int r, int d, float[] mask, int maskOff, float[] g, int gOff);

    /**
     * Gradient of {@code scale · Σ_ij M_ij·(G_ij − δ_ij)²} with respect to B, given {@code G = B·Bᵀ} in
     * g: with {@code E = M∘(G − I)}, {@code db += 2·scale·(E + Eᵀ)·B}, which is
     * {@code 4·scale·(G − I)·B} for an all-ones (or any symmetric) mask. {@code work} ([r, r]) is
     * overwritten with {@code E + Eᵀ}; g is left as it was.
     */
    void gramPenaltyBackward(float[] b, int bOff, int r, int d, float[] mask, int maskOff, float[] g, int gOff,
                             float scale, float[] work, int workOff, float[] db, int dbOff);
}
