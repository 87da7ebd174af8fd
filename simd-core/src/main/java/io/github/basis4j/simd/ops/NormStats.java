package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.NormKernels;

/**
 * Normalisation statistics on channel-last tensors, with their backwards: batch norm (training and
 * evaluation), layer norm over the channel axis, and the Gram penalty of orthogonality regularisers.
 * Validates every argument and delegates to the current backend's {@link NormKernels}.
 *
 * <p>A tensor of rank ≥ 2 with c channels on its last axis is seen as {@code [m, c]}, {@code m} the
 * product of the other axes ({@code n·h·w} for an NHWC map). Batch norm keeps one statistic per channel
 * (PyTorch {@code BatchNorm2d}/{@code BatchNorm1d}); layer norm one per row (PyTorch
 * {@code LayerNorm(c)}, MetaFormer's {@code LayerNormGeneral(normalized_dim=(-1,))}).
 *
 * <p>Weights and biases are {@code [c]} and may be {@code null} (1 and 0); a {@code null} gradient
 * buffer is skipped. Forwards overwrite their outputs, backwards add ({@code +=}).
 */
public final class NormStats {
    /** PyTorch's default batch-norm momentum. */
    public static final double DEFAULT_MOMENTUM = 0.1;
    /** PyTorch's default batch-norm epsilon. */
    public static final double DEFAULT_BATCH_NORM_EPS = 1e-5;

    private NormStats() {
    }

    private static NormKernels kernels() {
        return Backends.current().norm();
    }

    private static int channels(String op, String name, Tensor x) {
        Checks.notNull(op, name, x);
        if (x.rank() < 2 || x.dim(-1) < 1) {
            throw new IllegalArgumentException(op + ": " + name + " must have rank >= 2 with channels (>= 1) on its last axis, got shape " + x.shape());
        }
        return x.dim(-1);
    }

    private static void vector(String op, String name, Tensor t, int c, boolean nullable) {
        if (t == null && nullable) return;
        Checks.shape(op, name, "[c]", t, c);
    }

    private static void same(String op, String name, Tensor t, Tensor like, String likeName) {
        Checks.notNull(op, name, t);
        if (!t.shape().equals(like.shape())) {
            throw new IllegalArgumentException(op + ": " + name + " must have the shape of " + likeName + " " + like.shape() + ", got " + t.shape());
        }
    }

    private static void eps(String op, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new IllegalArgumentException(op + ": eps must be finite and >= 0, got " + eps);
    }

    private static float[] data(Tensor t) {
        return t == null ? null : t.data();
    }

    private static int off(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    /**
     * Batch statistics of x [..., c]: per-channel mean and biased variance (what training-mode batch norm
     * normalises with) into mean and variance [c].
     */
    public static void batchNormStatistics(Tensor x, Tensor mean, Tensor variance) {
        String op = "batchNormStatistics";
        int c = channels(op, "x", x), m = x.size() / c;
        Checks.atLeast(op, "the number of rows of x", m, 1);
        vector(op, "mean", mean, c, false);
        vector(op, "variance", variance, c, false);
        kernels().batchNormStatistics(x.data(), x.offset(), m, c, mean.data(), mean.offset(), variance.data(), variance.offset());
    }

    /**
     * PyTorch's running update after a batch of {@code m > 1} rows: {@code running = (1 − momentum)·running
     * + momentum·stat}, with the unbiased variance {@code variance·m/(m − 1)} for runningVar.
     */
    public static void batchNormUpdateRunning(Tensor mean, Tensor variance, long m, double momentum,
                                              Tensor runningMean, Tensor runningVar) {
        String op = "batchNormUpdateRunning";
        Checks.notNull(op, "mean", mean);
        int c = mean.size();
        vector(op, "mean", mean, c, false);
        vector(op, "variance", variance, c, false);
        vector(op, "runningMean", runningMean, c, false);
        vector(op, "runningVar", runningVar, c, false);
        if (m < 2) throw new IllegalArgumentException(op + ": m must be > 1 (the unbiased variance needs two values per channel), got " + m);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
        kernels().batchNormUpdateRunning(mean.data(), mean.offset(), variance.data(), variance.offset(), c, m, momentum,
                runningMean.data(), runningMean.offset(), runningVar.data(), runningVar.offset());
    }

    /**
     * {@code y = (x − mean)/√(variance + eps)·weight + bias} per channel; x, y [..., c] (y may be x), the
     * rest [c]. Evaluation passes the running statistics, training the batch ones.
     */
    public static void batchNormForward(Tensor x, Tensor mean, Tensor variance, double eps, Tensor weight, Tensor bias,
                                        Tensor y) {
        String op = "batchNormForward";
        int c = channels(op, "x", x);
        vector(op, "mean", mean, c, false);
        vector(op, "variance", variance, c, false);
        vector(op, "weight", weight, c, true);
        vector(op, "bias", bias, c, true);
        eps(op, eps);
        same(op, "y", y, x, "x");
        kernels().batchNormForward(x.data(), x.offset(), x.size() / c, c, mean.data(), mean.offset(), variance.data(),
                variance.offset(), eps, data(weight), off(weight), data(bias), off(bias), y.data(), y.offset());
    }

    /**
     * One training-mode batch-norm forward, PyTorch's {@code BatchNorm2d.train()}: batch statistics of x
     * into saveMean and saveVariance ([c], kept for {@link #batchNormBackward}), the running statistics
     * updated when given (both or neither; m must then exceed 1), then y normalised with the batch
     * statistics.
     */
    public static void batchNormTrainForward(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                             double momentum, double eps, Tensor y, Tensor saveMean, Tensor saveVariance) {
        String op = "batchNormTrainForward";
        int c = channels(op, "x", x);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(op + ": runningMean and runningVar must be given together, got only "
                    + (runningMean == null ? "runningVar" : "runningMean"));
        }
        batchNormStatistics(x, saveMean, saveVariance);
        if (runningMean != null) batchNormUpdateRunning(saveMean, saveVariance, x.size() / c, momentum, runningMean, runningVar);
        batchNormForward(x, saveMean, saveVariance, eps, weight, bias, y);
    }

    private static void backwardArgs(String op, Tensor dy, Tensor x, Tensor mean, Tensor variance, double eps,
                                     Tensor weight, Tensor dx, Tensor dweight, Tensor dbias, int c) {
        same(op, "dy", dy, x, "x");
        vector(op, "mean", mean, c, false);
        vector(op, "variance", variance, c, false);
        vector(op, "weight", weight, c, true);
        vector(op, "dweight", dweight, c, true);
        vector(op, "dbias", dbias, c, true);
        eps(op, eps);
        if (dx != null) {
            same(op, "dx", dx, x, "x");
            Checks.disjoint(op, "dx", dx, "dy", dy);
            Checks.disjoint(op, "dx", dx, "x", x);
        }
    }

    /**
     * Backward of training-mode batch norm through its batch statistics (mean, variance from
     * {@link #batchNormStatistics} of the same x): {@code dx += (dy − mean(dy) − x̂·mean(dy·x̂))·weight/σ},
     * {@code dweight += Σ dy·x̂}, {@code dbias += Σ dy}, sums over the rows.
     */
    public static void batchNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor variance, double eps, Tensor weight,
                                         Tensor dx, Tensor dweight, Tensor dbias) {
        String op = "batchNormBackward";
        int c = channels(op, "x", x);
        backwardArgs(op, dy, x, mean, variance, eps, weight, dx, dweight, dbias, c);
        kernels().batchNormBackward(dy.data(), dy.offset(), x.data(), x.offset(), x.size() / c, c, mean.data(), mean.offset(),
                variance.data(), variance.offset(), eps, data(weight), off(weight), data(dx), off(dx),
                data(dweight), off(dweight), data(dbias), off(dbias));
    }

    /**
     * {@link #batchNormBackward} that writes the input gradient over dy: {@code dy ← (dy − mean(dy) −
     * x̂·mean(dy·x̂))·weight/σ}; {@code dweight += Σ dy·x̂}, {@code dbias += Σ dy} (null to skip), the sums
     * taken from dy before it is overwritten. dy must not overlap x.
     */
    public static void batchNormBackwardInPlace(Tensor dy, Tensor x, Tensor mean, Tensor variance, double eps, Tensor weight,
                                                Tensor dweight, Tensor dbias) {
        String op = "batchNormBackwardInPlace";
        int c = channels(op, "x", x);
        backwardArgs(op, dy, x, mean, variance, eps, weight, null, dweight, dbias, c);
        Checks.disjoint(op, "dy", dy, "x", x);
        kernels().batchNormBackwardInPlace(dy.data(), dy.offset(), x.data(), x.offset(), x.size() / c, c, mean.data(), mean.offset(),
                variance.data(), variance.offset(), eps, data(weight), off(weight), data(dweight), off(dweight), data(dbias), off(dbias));
    }

    /**
     * Backward of evaluation-mode batch norm (constant running statistics):
     * {@code dx += dy·weight/σ}, {@code dweight += Σ dy·x̂}, {@code dbias += Σ dy}.
     */
    public static void batchNormBackwardEval(Tensor dy, Tensor x, Tensor mean, Tensor variance, double eps, Tensor weight,
                                             Tensor dx, Tensor dweight, Tensor dbias) {
        String op = "batchNormBackwardEval";
        int c = channels(op, "x", x);
        backwardArgs(op, dy, x, mean, variance, eps, weight, dx, dweight, dbias, c);
        kernels().batchNormBackwardEval(dy.data(), dy.offset(), x.data(), x.offset(), x.size() / c, c, mean.data(), mean.offset(),
                variance.data(), variance.offset(), eps, data(weight), off(weight), data(dx), off(dx),
                data(dweight), off(dweight), data(dbias), off(dbias));
    }

    private static void rowVector(String op, String name, Tensor t, int m) {
        Checks.notNull(op, name, t);
        if (t.size() != m) {
            throw new IllegalArgumentException(op + ": " + name + " must hold one value per row, " + m + " (x's shape without its last axis), got shape " + t.shape());
        }
    }

    /**
     * Layer norm over the last (channel) axis of x [..., c] into y (may be x):
     * {@code y = (x − mean)/√(var + eps)·weight + bias}, statistics per row, biased variance. mean and rstd
     * (m values, e.g. shaped [n, h, w]) receive each row's mean and {@code 1/√(var + eps)} for the backward.
     * DFFormer's blocks use {@code eps = 1e-6} and no bias.
     */
    public static void layerNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor y, Tensor mean, Tensor rstd) {
        String op = "layerNorm";
        int c = channels(op, "x", x), m = x.size() / c;
        vector(op, "weight", weight, c, true);
        vector(op, "bias", bias, c, true);
        eps(op, eps);
        same(op, "y", y, x, "x");
        rowVector(op, "mean", mean, m);
        rowVector(op, "rstd", rstd, m);
        kernels().layerNormForward(x.data(), x.offset(), m, c, eps, data(weight), off(weight), data(bias), off(bias),
                y.data(), y.offset(), mean.data(), mean.offset(), rstd.data(), rstd.offset());
    }

    /**
     * Backward of {@link #layerNorm} from its saved mean and rstd: {@code dx += (g − mean_c(g) − x̂·mean_c(g·x̂))·rstd}
     * with {@code g = dy·weight}, {@code dweight += Σ_rows dy·x̂}, {@code dbias += Σ_rows dy}.
     */
    public static void layerNormBackward(Tensor dy, Tensor x, Tensor weight, Tensor mean, Tensor rstd,
                                         Tensor dx, Tensor dweight, Tensor dbias) {
        String op = "layerNormBackward";
        int c = channels(op, "x", x), m = x.size() / c;
        same(op, "dy", dy, x, "x");
        vector(op, "weight", weight, c, true);
        rowVector(op, "mean", mean, m);
        rowVector(op, "rstd", rstd, m);
        vector(op, "dweight", dweight, c, true);
        vector(op, "dbias", dbias, c, true);
        if (dx != null) {
            same(op, "dx", dx, x, "x");
            Checks.disjoint(op, "dx", dx, "dy", dy);
            Checks.disjoint(op, "dx", dx, "x", x);
        }
        kernels().layerNormBackward(dy.data(), dy.offset(), x.data(), x.offset(), m, c, data(weight), off(weight),
                mean.data(), mean.offset(), rstd.data(), rstd.offset(), data(dx), off(dx),
                data(dweight), off(dweight), data(dbias), off(dbias));
    }

    private static int gramRows(String op, Tensor b) {
        Checks.notNull(op, "b", b);
        if (b.rank() < 2 || b.dim(0) < 1 || b.size() == 0) {
            throw new IllegalArgumentException(op + ": b must have rank >= 2 with at least one non-empty filter per row, got shape " + b.shape());
        }
        return b.dim(0);
    }

    /**
     * The Gram penalty of an orthogonality regulariser. b holds r filters on its first axis, each
     * flattened ({@code b.view(r, -1)} in PyTorch: [r, d]); {@code g} ([r, r]) receives {@code G = B·Bᵀ}
     * and the result is {@code Σ_ij M_ij·(G_ij − δ_ij)²} (in double), M = mask [r, r] or all ones when
     * {@code null}. The mean {@code mean((B·Bᵀ − I)²)} of the DSFB paper is this over {@code r²}.
     *
     * <p>The DSFB reference ({@code ssregibility/Net_RL2} at commit {@code 936a886}, {@code train_cifar10.py}:
     * {@code train_basis_double} lines 139–198, {@code train_basis_single} lines 235–293) concatenates,
     * per residual stage, the shared basis filters then each later block's two unique bases
     * ({@code basis_conv1}, {@code basis_conv2}) into {@code B = cat(...).view(r, -1)}, computes
     * {@code D = (B·Bᵀ − I)²} and sums {@code D[0:s, :]} (shared rows against every filter, each
     * shared/unique pair once) plus each unique basis's diagonal block {@code D[u:u+k, u:u+k]}; no
     * unique/unique entry across bases is penalised. The sum over the three stages is divided by the
     * number of entries summed over the three stages ({@code cnt_sim}), then multiplied by
     * {@code lambdaR} (default 10) and added to the cross-entropy. Its shared-only variant
     * ({@code train_basis_sharedonly}, lines 330–368) and {@code train_cifar100.py} /
     * {@code train_ilsvrc.py} sum {@code D[0:s, 0:s]} over the shared filters alone.
     * {@link #dsfbGramMask} builds that selection for one stage; the scale
     * {@code lambdaR / Σ cnt_sim} is the caller's.
     */
    public static double gramPenalty(Tensor b, Tensor mask, Tensor g) {
        String op = "gramPenalty";
        int r = gramRows(op, b), d = b.size() / r;
        if (mask != null) Checks.shape(op, "mask", "[r, r]", mask, r, r);
        Checks.shape(op, "g", "[r, r]", g, r, r);
        Checks.disjoint(op, "g", g, "b", b);
        return kernels().gramPenaltyForward(b.data(), b.offset(), r, d, data(mask), off(mask), g.data(), g.offset());
    }

    /**
     * Gradient of {@code scale·gramPenalty(b, mask)} added into db (b's shape): with
     * {@code E = M∘(G − I)}, {@code db += 2·scale·(E + Eᵀ)·B}, i.e. {@code 4·scale·(G − I)·B} for a
     * symmetric mask. g must hold {@code B·Bᵀ} from {@link #gramPenalty} on the same b.
     */
    public static void gramPenaltyBackward(Tensor b, Tensor mask, Tensor g, float scale, Tensor db) {
        String op = "gramPenaltyBackward";
        int r = gramRows(op, b), d = b.size() / r;
        if (mask != null) Checks.shape(op, "mask", "[r, r]", mask, r, r);
        Checks.shape(op, "g", "[r, r]", g, r, r);
        same(op, "db", db, b, "b");
        Checks.disjoint(op, "db", db, "b", b);
        Checks.disjoint(op, "db", db, "g", g);
        if (!Float.isFinite(scale)) throw new IllegalArgumentException(op + ": scale must be finite, got " + scale);
        float[] work = new float[r * r];
        kernels().gramPenaltyBackward(b.data(), b.offset(), r, d, data(mask), off(mask), g.data(), g.offset(), scale,
                work, 0, db.data(), db.offset());
    }

    /**
     * The DSFB reference's selection of Gram entries for one stage whose B stacks {@code shared} shared
     * filters, then {@code uniqueBases} unique bases of {@code uniquePerBasis} filters each: ones on rows
     * {@code [0, shared)} (all columns) and on each unique basis's diagonal block, zeros elsewhere.
     * {@code uniqueBases = 0} selects everything (the shared-only penalty). The number of ones,
     * {@code shared·r + uniqueBases·uniquePerBasis²}, is the reference's {@code cnt_sim} for the stage.
     */
    public static Tensor dsfbGramMask(int shared, int uniquePerBasis, int uniqueBases) {
        String op = "dsfbGramMask";
        Checks.atLeast(op, "shared", shared, 1);
        Checks.atLeast(op, "uniquePerBasis", uniquePerBasis, 0);
        Checks.atLeast(op, "uniqueBases", uniqueBases, 0);
        int r = shared + uniquePerBasis * uniqueBases;
        Tensor mask = Tensor.zeros(r, r);
        float[] a = mask.data();
        java.util.Arrays.fill(a, 0, shared * r, 1f);
        for (int k = 0; k < uniqueBases; k++) {
            int u = shared + k * uniquePerBasis;
            for (int i = u; i < u + uniquePerBasis; i++) java.util.Arrays.fill(a, i * r + u, i * r + u + uniquePerBasis, 1f);
        }
        return mask;
    }
}
