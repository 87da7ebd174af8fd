package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Norm;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Batch normalisation over the channel axis of channel-last maps, mirroring
 * {@code torch.nn.BatchNorm2d(c, eps, momentum, affine, track_running_stats)} (Ioffe and Szegedy 2015):
 * {@code y = (x − μ)/√(σ² + eps)·weight + bias} per channel.
 *
 * <p>Shapes: x {@code [n, h, w, c]} → y {@code [n, h, w, c]}.
 *
 * <p>State, in PyTorch's order: parameters {@code weight [c]} (ones) and {@code bias [c]} (zeros) when
 * affine; buffers {@code running_mean [c]} (zeros), {@code running_var [c]} (ones) and
 * {@code num_batches_tracked []} (0) when tracking running statistics. {@code num_batches_tracked} is an
 * int64 in PyTorch and a float here: it counts batches exactly up to 2²⁴.
 *
 * <p>Training: each forward counts one batch, normalises with the batch mean and biased variance, and moves
 * the running statistics by {@code running ← (1 − f)·running + f·batch} (unbiased variance), where f is the
 * momentum or, with {@link Builder#optCumulativeAverage()} ({@code momentum=None}), {@code 1/num_batches_tracked}.
 * Evaluation normalises with the running statistics; without them (not tracking) it uses batch statistics,
 * as PyTorch does.
 *
 * <p>The functional twin is {@link Norm#batchNorm2d}.
 */
public final class BatchNorm2d extends Module {
    /** PyTorch's default eps. */
    public static final double DEFAULT_EPS = 1e-5;
    /** PyTorch's default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.1;

    private final int numFeatures;
    private final double eps;
    private final double momentum;
    private final boolean cumulative;
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    /** {@code BatchNorm2d(c)} with PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(builder().setNumFeatures(numFeatures).validate());
    }

    private BatchNorm2d(Builder b) {
        this.numFeatures = b.numFeatures;
        this.eps = b.eps;
        this.momentum = b.momentum;
        this.cumulative = b.cumulative;
        int c = b.numFeatures;
        this.weight = b.affine ? registerParameter("weight", new Parameter(Tensor.full(Shape.of(c), 1f))) : null;
        this.bias = b.affine ? registerParameter("bias", Shape.of(c)) : null;
        if (b.trackRunningStats) {
            this.runningMean = registerBuffer("running_mean", Tensor.zeros(c));
            this.runningVar = registerBuffer("running_var", Tensor.full(Shape.of(c), 1f));
            this.numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros());
        } else {
            this.runningMean = null;
            this.runningVar = null;
            this.numBatchesTracked = null;
        }
    }

    /** A builder; {@code setNumFeatures} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** x {@code [n, h, w, c]} → {@code [n, h, w, c]}; in training mode also updates the running statistics. */
    @Override
    public Variable forward(Variable x) {
        boolean tracking = runningMean != null;
        double factor = 0.0;
        if (isTraining() && tracking) {
            // Counted before the update, as PyTorch does, so the cumulative factor of the first batch is 1.
            numBatchesTracked.set(0, numBatchesTracked.get(0) + 1f);
            factor = cumulative ? 1.0 / numBatchesTracked.get(0) : momentum;
        }
        boolean batchStats = isTraining() || !tracking;
        return Norm.batchNorm2d(x, weight, bias, runningMean, runningVar, batchStats, factor, eps);
    }

    /** Channels c. */
    public int numFeatures() {
        return numFeatures;
    }

    /** The value added to the variance before the square root. */
    public double eps() {
        return eps;
    }

    /** The momentum, or NaN for the cumulative average ({@code momentum=None}). */
    public double momentum() {
        return cumulative ? Double.NaN : momentum;
    }

    /** The scale {@code [c]}, or null when not affine. */
    public Parameter weight() {
        return weight;
    }

    /** The shift {@code [c]}, or null when not affine. */
    public Parameter bias() {
        return bias;
    }

    /** The running mean {@code [c]} (live), or null when not tracking. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running unbiased variance {@code [c]} (live), or null when not tracking. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** Training batches seen (0 when not tracking). */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : (long) numBatchesTracked.get(0);
    }

    /** Options of a {@link BatchNorm2d}; defaults are PyTorch's. */
    public static final class Builder {
        private int numFeatures = -1;
        private double eps = DEFAULT_EPS;
        private double momentum = DEFAULT_MOMENTUM;
        private boolean cumulative;
        private boolean affine = true;
        private boolean trackRunningStats = true;

        private Builder() {
        }

        /** Channels c (required). */
        public Builder setNumFeatures(int c) {
            this.numFeatures = c;
            return this;
        }

        /** The value added to the variance before the square root (default 1e-5). */
        public Builder optEps(double eps) {
            this.eps = eps;
            return this;
        }

        /** The weight of the newest batch in the running statistics (default 0.1). */
        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            this.cumulative = false;
            return this;
        }

        /** A cumulative moving average of all batches ({@code momentum=None} in PyTorch). */
        public Builder optCumulativeAverage() {
            this.cumulative = true;
            return this;
        }

        /** Whether the layer has learnable weight and bias (default true). */
        public Builder optAffine(boolean affine) {
            this.affine = affine;
            return this;
        }

        /** Whether the layer keeps running statistics (default true). */
        public Builder optTrackRunningStats(boolean track) {
            this.trackRunningStats = track;
            return this;
        }

        /** Validates the options and builds the layer. */
        public BatchNorm2d build() {
            return new BatchNorm2d(validate());
        }

        private Builder validate() {
            if (numFeatures < 1) throw new IllegalArgumentException("BatchNorm2d: numFeatures must be set and >= 1, got " + numFeatures);
            if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("BatchNorm2d: eps must be finite and > 0, got " + eps);
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1], got " + momentum);
            }
            return this;
        }
    }
}
