package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.scalar.ScalarNormStats;
import io.github.basis4j.simd.spi.GemmKernels;
import io.github.basis4j.simd.spi.NormKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link NormKernels}; each method mirrors its twin in {@link ScalarNormStats}, with lanes
 * across channels.
 *
 * <p>Double accumulation: a float vector is widened into two double vectors of the same bit size
 * (lanes {@code [0, L/2)} and {@code [L/2, L)}), so every lane adds in double in the same order as the
 * twin's scalar loop. Batch-norm reductions walk a chunk's rows with one block of channels held in
 * registers (strided loads, no store-to-load chain through the partials array), writing each block's
 * chunk partial once. Batch norm uses the twin's chunks and combine and therefore matches it bit for
 * bit; layer norm sums along a row in several lanes at once, so its statistics match to rounding.
 *
 * <p>The running-statistics update (c scalars) and the Gram penalty's {@code r²} elementwise part stay
 * with the scalar code: their cost is nothing next to the {@code r²·d} GEMM, which goes through the
 * backend's {@link GemmKernels} given at construction.
 */
public final class PanamaNormStats implements NormKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    /** Doubles of the same bit size as {@link #F}: half as many lanes. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final int L = F.length();
    private static final int DL = D.length();

    private final ScalarNormStats scalar;

    /** Kernels whose Gram products go through {@code gemm}. */
    public PanamaNormStats(GemmKernels gemm) {
        this.scalar = new ScalarNormStats(gemm);
    }

    private static DoubleVector lowHalf(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
    }

    private static DoubleVector highHalf(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
    }

    /** {@code acc[o + i] += lo[i]} and {@code acc[o + DL + i] += hi[i]}: one float vector's worth of lanes. */
    private static void accumulate(double[] acc, int o, DoubleVector lo, DoubleVector hi) {
        DoubleVector.fromArray(D, acc, o).add(lo).intoArray(acc, o);
        DoubleVector.fromArray(D, acc, o + DL).add(hi).intoArray(acc, o + DL);
    }

    @Override
    public void batchNormStatistics(float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                    float[] variance, int varianceOff) {
        assert m >= 1 && c >= 1;
        int grain = ScalarNormStats.rowGrain(c), chunks = Parallel.chunkCount(m, grain);
        double[] part = new double[chunks * c];
        double[] sum = new double[c];
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * c, ch = 0;
            for (; ch <= c - L; ch += L) {
                DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
                for (int r = from; r < to; r++) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + r * c + ch);
                    lo = lo.add(lowHalf(v));
                    hi = hi.add(highHalf(v));
                }
                lo.intoArray(part, p + ch);
                hi.intoArray(part, p + ch + DL);
            }
            for (; ch < c; ch++) {
                double s = 0;
                for (int r = from; r < to; r++) s += x[xOff + r * c + ch];
                part[p + ch] = s;
            }
        });
        ScalarNormStats.sumChunks(part, chunks, c, 0, c, sum);
        double[] mu = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mu[ch] = sum[ch] / m;
            mean[meanOff + ch] = (float) mu[ch];
        }
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * c, ch = 0;
            for (; ch <= c - L; ch += L) {
                DoubleVector muLo = DoubleVector.fromArray(D, mu, ch), muHi = DoubleVector.fromArray(D, mu, ch + DL);
                DoubleVector lo = DoubleVector.zero(D), hi = DoubleVector.zero(D);
                for (int r = from; r < to; r++) {
                    FloatVector v = FloatVector.fromArray(F, x, xOff + r * c + ch);
                    DoubleVector dlo = lowHalf(v).sub(muLo), dhi = highHalf(v).sub(muHi);
                    lo = lo.add(dlo.mul(dlo));
                    hi = hi.add(dhi.mul(dhi));
                }
                lo.intoArray(part, p + ch);
                hi.intoArray(part, p + ch + DL);
            }
            for (; ch < c; ch++) {
                double s = 0;
                for (int r = from; r < to; r++) {
                    double d = x[xOff + r * c + ch] - mu[ch];
                    s += d * d;
                }
                part[p + ch] = s;
            }
        });
        ScalarNormStats.sumChunks(part, chunks, c, 0, c, sum);
        for (int ch = 0; ch < c; ch++) variance[varianceOff + ch] = (float) (sum[ch] / m);
    }

    @Override
    public void batchNormUpdateRunning(float[] mean, int meanOff, float[] variance, int varianceOff, int c, long m,
                                       double momentum, float[] runningMean, int runningMeanOff,
                                       float[] runningVar, int runningVarOff) {
        scalar.batchNormUpdateRunning(mean, meanOff, variance, varianceOff, c, m, momentum,
                runningMean, runningMeanOff, runningVar, runningVarOff);
    }

    @Override
    public void batchNormForward(float[] x, int xOff, int m, int c, float[] mean, int meanOff, float[] variance,
                                 int varianceOff, double eps, float[] weight, int weightOff, float[] bias, int biasOff,
                                 float[] y, int yOff) {
        float[] alpha = new float[c], beta = new float[c];
        ScalarNormStats.affineCoefficients(mean, meanOff, variance, varianceOff, eps, weight, weightOff, bias, biasOff,
                c, alpha, beta);
        Parallel.forRange(m, ScalarNormStats.rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = yOff + r * c, ch = 0;
                for (; ch <= c - L; ch += L) {
                    FloatVector.fromArray(F, x, xo + ch).mul(FloatVector.fromArray(F, alpha, ch))
                            .add(FloatVector.fromArray(F, beta, ch)).intoArray(y, yo + ch);
                }
                for (; ch < c; ch++) y[yo + ch] = x[xo + ch] * alpha[ch] + beta[ch];
            }
        });
    }

    /** The twin's per-chunk {@code Σ dy} and {@code Σ dy·(x − mean)} in double, combined in chunk order. */
    private static void batchNormGradSums(float[] dy, int dyOff, float[] x, int xOff, int m, int c, double[] mu,
                                          double[] sumDy, double[] dot) {
        int grain = ScalarNormStats.rowGrain(c), chunks = Parallel.chunkCount(m, grain);
        double[] part = new double[chunks * 2 * c];
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * 2 * c, ch = 0;
            for (; ch <= c - L; ch += L) {
                DoubleVector muLo = DoubleVector.fromArray(D, mu, ch), muHi = DoubleVector.fromArray(D, mu, ch + DL);
                DoubleVector sLo = DoubleVector.zero(D), sHi = DoubleVector.zero(D);
                DoubleVector dLo = DoubleVector.zero(D), dHi = DoubleVector.zero(D);
                for (int r = from; r < to; r++) {
                    FloatVector g = FloatVector.fromArray(F, dy, dyOff + r * c + ch);
                    FloatVector v = FloatVector.fromArray(F, x, xOff + r * c + ch);
                    DoubleVector glo = lowHalf(g), ghi = highHalf(g);
                    sLo = sLo.add(glo);
                    sHi = sHi.add(ghi);
                    dLo = dLo.add(glo.mul(lowHalf(v).sub(muLo)));
                    dHi = dHi.add(ghi.mul(highHalf(v).sub(muHi)));
                }
                sLo.intoArray(part, p + ch);
                sHi.intoArray(part, p + ch + DL);
                dLo.intoArray(part, p + c + ch);
                dHi.intoArray(part, p + c + ch + DL);
            }
            for (; ch < c; ch++) {
                double s = 0, d = 0;
                for (int r = from; r < to; r++) {
                    double g = dy[dyOff + r * c + ch];
                    s += g;
                    d += g * (x[xOff + r * c + ch] - mu[ch]);
                }
                part[p + ch] = s;
                part[p + c + ch] = d;
            }
        });
        ScalarNormStats.sumChunks(part, chunks, 2 * c, 0, c, sumDy);
        ScalarNormStats.sumChunks(part, chunks, 2 * c, c, c, dot);
    }

    /** {@code dweight += dot·σ⁻¹}, {@code dbias += sumDy}, as in the twin. */
    private static void addParameterGrads(double[] sumDy, double[] dot, double[] inv, int c,
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
        double[] mu = ScalarNormStats.widen(mean, meanOff, c), inv = ScalarNormStats.invStd(variance, varianceOff, c, eps);
        double[] sumDy = new double[c], dot = new double[c];
        batchNormGradSums(dy, dyOff, x, xOff, m, c, mu, sumDy, dot);
        addParameterGrads(sumDy, dot, inv, c, dweight, dweightOff, dbias, dbiasOff);
        if (dx == null) return;
        float[] scale = new float[c], proj = new float[c], meanDy = new float[c];
        ScalarNormStats.trainInputCoefficients(sumDy, dot, inv, weight, weightOff, m, c, scale, proj, meanDy);
        Parallel.forRange(m, ScalarNormStats.rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * c, ch = 0;
                for (; ch <= c - L; ch += L) {
                    FloatVector centred = FloatVector.fromArray(F, x, xOff + o + ch)
                            .sub(FloatVector.fromArray(F, mean, meanOff + ch)).mul(FloatVector.fromArray(F, proj, ch));
                    FloatVector g = FloatVector.fromArray(F, dy, dyOff + o + ch).sub(FloatVector.fromArray(F, meanDy, ch))
                            .sub(centred).mul(FloatVector.fromArray(F, scale, ch));
                    FloatVector.fromArray(F, dx, dxOff + o + ch).add(g).intoArray(dx, dxOff + o + ch);
                }
                for (; ch < c; ch++) {
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
        double[] mu = ScalarNormStats.widen(mean, meanOff, c), inv = ScalarNormStats.invStd(variance, varianceOff, c, eps);
        double[] sumDy = new double[c], dot = new double[c];
        batchNormGradSums(dy, dyOff, x, xOff, m, c, mu, sumDy, dot);
        addParameterGrads(sumDy, dot, inv, c, dweight, dweightOff, dbias, dbiasOff);
        float[] scale = new float[c], proj = new float[c], meanDy = new float[c];
        ScalarNormStats.trainInputCoefficients(sumDy, dot, inv, weight, weightOff, m, c, scale, proj, meanDy);
        Parallel.forRange(m, ScalarNormStats.rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * c, ch = 0;
                for (; ch <= c - L; ch += L) {
                    FloatVector centred = FloatVector.fromArray(F, x, xOff + o + ch)
                            .sub(FloatVector.fromArray(F, mean, meanOff + ch)).mul(FloatVector.fromArray(F, proj, ch));
                    FloatVector.fromArray(F, dy, dyOff + o + ch).sub(FloatVector.fromArray(F, meanDy, ch))
                            .sub(centred).mul(FloatVector.fromArray(F, scale, ch)).intoArray(dy, dyOff + o + ch);
                }
                for (; ch < c; ch++) {
                    float centred = (x[xOff + o + ch] - mean[meanOff + ch]) * proj[ch];
                    dy[dyOff + o + ch] = (dy[dyOff + o + ch] - meanDy[ch] - centred) * scale[ch];
                }
            }
        });
    }

    @Override
    public void batchNormBackwardEval(float[] dy, int dyOff, float[] x, int xOff, int m, int c, float[] mean, int meanOff,
                                      float[] variance, int varianceOff, double eps, float[] weight, int weightOff,
                                      float[] dx, int dxOff, float[] dweight, int dweightOff, float[] dbias, int dbiasOff) {
        double[] mu = ScalarNormStats.widen(mean, meanOff, c), inv = ScalarNormStats.invStd(variance, varianceOff, c, eps);
        if (dweight != null || dbias != null) {
            double[] sumDy = new double[c], dot = new double[c];
            batchNormGradSums(dy, dyOff, x, xOff, m, c, mu, sumDy, dot);
            addParameterGrads(sumDy, dot, inv, c, dweight, dweightOff, dbias, dbiasOff);
        }
        if (dx == null) return;
        float[] scale = new float[c];
        for (int ch = 0; ch < c; ch++) scale[ch] = (float) (inv[ch] * (weight == null ? 1.0 : weight[weightOff + ch]));
        Parallel.forRange(m, ScalarNormStats.rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * c, ch = 0;
                for (; ch <= c - L; ch += L) {
                    FloatVector.fromArray(F, dx, dxOff + o + ch)
                            .add(FloatVector.fromArray(F, dy, dyOff + o + ch).mul(FloatVector.fromArray(F, scale, ch)))
                            .intoArray(dx, dxOff + o + ch);
                }
                for (; ch < c; ch++) dx[dxOff + o + ch] += dy[dyOff + o + ch] * scale[ch];
            }
        });
    }

    @Override
    public void layerNormForward(float[] x, int xOff, int m, int c, double eps, float[] weight, int weightOff,
                                 float[] bias, int biasOff, float[] y, int yOff, float[] mean, int meanOff,
                                 float[] rstd, int rstdOff) {
        Parallel.forRange(m, ScalarNormStats.layerNormRowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xo = xOff + r * c, yo = yOff + r * c;
                // Two double accumulators (the two halves of a float vector), reduced once per row.
                DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
                int ch = 0;
                for (; ch <= c - L; ch += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + ch);
                    s0 = s0.add(lowHalf(v));
                    s1 = s1.add(highHalf(v));
                }
                double s = PanamaLanes.sum(s0.add(s1));
                for (; ch < c; ch++) s += x[xo + ch];
                double mu = s / c;
                DoubleVector muV = DoubleVector.broadcast(D, mu);
                s0 = DoubleVector.zero(D);
                s1 = DoubleVector.zero(D);
                for (ch = 0; ch <= c - L; ch += L) {
                    FloatVector v = FloatVector.fromArray(F, x, xo + ch);
                    DoubleVector lo = lowHalf(v).sub(muV), hi = highHalf(v).sub(muV);
                    s0 = s0.add(lo.mul(lo));
                    s1 = s1.add(hi.mul(hi));
                }
                double v2 = PanamaLanes.sum(s0.add(s1));
                for (; ch < c; ch++) {
                    double d = x[xo + ch] - mu;
                    v2 += d * d;
                }
                float mf = (float) mu, rs = (float) (1.0 / Math.sqrt(v2 / c + eps));
                mean[meanOff + r] = mf;
                rstd[rstdOff + r] = rs;
                for (ch = 0; ch <= c - L; ch += L) {
                    FloatVector n = FloatVector.fromArray(F, x, xo + ch).sub(mf).mul(rs);
                    if (weight != null) n = n.mul(FloatVector.fromArray(F, weight, weightOff + ch));
                    if (bias != null) n = n.add(FloatVector.fromArray(F, bias, biasOff + ch));
                    n.intoArray(y, yo + ch);
                }
                for (; ch < c; ch++) {
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
        int grain = ScalarNormStats.rowGrain(c), chunks = Parallel.chunkCount(m, grain);
        double[] part = new double[chunks * 2 * c];
        Parallel.forChunks(m, grain, (k, from, to) -> {
            int p = k * 2 * c;
            for (int r = from; r < to; r++) {
                int o = r * c;
                float mu = mean[meanOff + r], rs = rstd[rstdOff + r];
                DoubleVector sg0 = DoubleVector.zero(D), sg1 = DoubleVector.zero(D);
                DoubleVector sgx0 = DoubleVector.zero(D), sgx1 = DoubleVector.zero(D);
                int ch = 0;
                for (; ch <= c - L; ch += L) {
                    FloatVector g = FloatVector.fromArray(F, dy, dyOff + o + ch);
                    FloatVector xh = FloatVector.fromArray(F, x, xOff + o + ch).sub(mu).mul(rs);
                    DoubleVector xlo = lowHalf(xh), xhi = highHalf(xh);
                    DoubleVector glo = lowHalf(g), ghi = highHalf(g);
                    accumulate(part, p + ch, glo.mul(xlo), ghi.mul(xhi));
                    accumulate(part, p + c + ch, glo, ghi);
                    if (weight != null) {
                        g = g.mul(FloatVector.fromArray(F, weight, weightOff + ch));
                        glo = lowHalf(g);
                        ghi = highHalf(g);
                    }
                    sg0 = sg0.add(glo);
                    sg1 = sg1.add(ghi);
                    sgx0 = sgx0.add(glo.mul(xlo));
                    sgx1 = sgx1.add(ghi.mul(xhi));
                }
                double sg = PanamaLanes.sum(sg0.add(sg1));
                double sgx = PanamaLanes.sum(sgx0.add(sgx1));
                for (; ch < c; ch++) {
                    float g = dy[dyOff + o + ch], xh = (x[xOff + o + ch] - mu) * rs;
                    part[p + ch] += (double) g * xh;
                    part[p + c + ch] += g;
                    if (weight != null) g = g * weight[weightOff + ch];
                    sg += g;
                    sgx += (double) g * xh;
                }
                if (dx == null) continue;
                float meanG = (float) (sg / c), meanGx = (float) (sgx / c);
                for (ch = 0; ch <= c - L; ch += L) {
                    FloatVector g = FloatVector.fromArray(F, dy, dyOff + o + ch);
                    if (weight != null) g = g.mul(FloatVector.fromArray(F, weight, weightOff + ch));
                    FloatVector xh = FloatVector.fromArray(F, x, xOff + o + ch).sub(mu).mul(rs);
                    FloatVector d = g.sub(meanG).sub(xh.mul(meanGx)).mul(rs);
                    FloatVector.fromArray(F, dx, dxOff + o + ch).add(d).intoArray(dx, dxOff + o + ch);
                }
                for (; ch < c; ch++) {
                    float g = dy[dyOff + o + ch], xh = (x[xOff + o + ch] - mu) * rs;
                    if (weight != null) g = g * weight[weightOff + ch];
                    dx[dxOff + o + ch] += (g - meanG - xh * meanGx) * rs;
                }
            }
        });
        double[] sum = new double[c];
        if (dweight != null) {
            ScalarNormStats.sumChunks(part, chunks, 2 * c, 0, c, sum);
            for (int ch = 0; ch < c; ch++) dweight[dweightOff + ch] += (float) sum[ch];
        }
        if (dbias != null) {
            ScalarNormStats.sumChunks(part, chunks, 2 * c, c, c, sum);
            for (int ch = 0; ch < c; ch++) dbias[dbiasOff + ch] += (float) sum[ch];
        }
    }

    @Override
    public double gramPenaltyForward(float[] b, int bOff, int r, int d, float[] mask, int maskOff, float[] g, int gOff) {
        return scalar.gramPenaltyForward(b, bOff, r, d, mask, maskOff, g, gOff);
    }

    @Override
    public void gramPenaltyBackward(float[] b, int bOff, int r, int d, float[] mask, int maskOff, float[] g, int gOff,
                                    float scale, float[] work, int workOff, float[] db, int dbOff) {
        scalar.gramPenaltyBackward(b, bOff, r, d, mask, maskOff, g, gOff, scale, work, workOff, db, dbOff);
    }
}
