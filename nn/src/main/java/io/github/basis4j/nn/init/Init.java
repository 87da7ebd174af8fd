package io.github.basis4j.nn.init;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Weight initialisers with the formulas of {@code torch.nn.init}, filling a {@link Tensor} in place.
 *
 * <p>Layouts: weights are in PyTorch's layout, {@code [out, in]} for linears and
 * {@code [OC, IC/groups, KH, KW]} for convolutions; fans follow {@link Fans#of(Shape)}. Initialise before
 * repacking a weight into a kernel layout.
 *
 * <p>Randomness: every draw comes from the {@link Rng} passed in, so a seed reproduces a network exactly.
 * The distributions (and their parameters) are PyTorch's, but PyTorch's random stream (its Mersenne Twister
 * and Philox kernels) is not reproduced: the same seed gives different numbers from torch. Samples are
 * drawn in double and rounded to float, in row-major order.
 *
 * <p>Not thread-safe with respect to the {@link Rng}; each call fills its tensor on the calling thread.
 */
public final class Init {
    /** PyTorch's default negative slope for {@code calculate_gain('leaky_relu')} when none is given. */
    public static final double DEFAULT_LEAKY_RELU_SLOPE = 0.01;

    private static final double SQRT3 = Math.sqrt(3.0);

    private Init() {
    }

    /**
     * The recommended gain of {@code torch.nn.init.calculate_gain(nonlinearity, param)}: 1 for linear,
     * convolutions and sigmoid, 5/3 for tanh, √2 for ReLU, √(2 / (1 + param²)) for leaky ReLU with
     * negative slope {@code param}, 3/4 for SELU. {@code param} is used by {@link Nonlinearity#LEAKY_RELU} only.
     */
    public static double gain(Nonlinearity nonlinearity, double param) {
        return switch (nonlinearity) {
            case LINEAR, CONV, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> {
                if (!Double.isFinite(param)) {
                    throw new IllegalArgumentException("init.gain: leaky_relu slope must be finite, got " + param);
                }
                yield Math.sqrt(2.0 / (1.0 + param * param));
            }
            case SELU -> 3.0 / 4.0;
        };
    }

    /** {@link #gain(Nonlinearity, double)} with PyTorch's default leaky-ReLU slope 0.01. */
    public static double gain(Nonlinearity nonlinearity) {
        return gain(nonlinearity, DEFAULT_LEAKY_RELU_SLOPE);
    }

    /** Fills {@code t} with {@code value} ({@code nn.init.constant_}). */
    public static void constant(Tensor t, float value) {
        t.fill(value);
    }

    /** Fills {@code t} with zeros ({@code nn.init.zeros_}). */
    public static void zeros(Tensor t) {
        t.fill(0f);
    }

    /** Fills {@code t} with ones ({@code nn.init.ones_}). */
    public static void ones(Tensor t) {
        t.fill(1f);
    }

    /** Independent samples of U[lo, hi] ({@code nn.init.uniform_}); {@code lo <= hi}. */
    public static void uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(lo <= hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("init.uniform: need finite lo <= hi, got lo=" + lo + " hi=" + hi);
        }
        fillUniform(t, lo, hi, rng);
    }

    /** Independent samples of N(mean, std²) ({@code nn.init.normal_}); {@code std >= 0}. */
    public static void normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("init.normal: need finite mean and std >= 0, got mean=" + mean + " std=" + std);
        }
        fillNormal(t, mean, std, rng);
    }

    /**
     * {@code nn.init.kaiming_uniform_(t, a, mode, nonlinearity)}: U[-bound, bound] with
     * {@code bound = gain · √3 / √fan}, {@code gain = gain(nonlinearity, a)}. PyTorch's layer default
     * ({@code nn.Linear}, {@code nn.Conv2d}) is {@code a = √5, FAN_IN, LEAKY_RELU}, i.e. bound 1/√fan_in.
     *
     * @param a the negative slope of the rectifier after this layer (leaky ReLU only)
     */
    public static void kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Rng rng) {
        double std = kaimingStd("kaimingUniform", t, a, mode, nonlinearity);
        double bound = SQRT3 * std;
        fillUniform(t, -bound, bound, rng);
    }

    /**
     * {@code nn.init.kaiming_normal_(t, a, mode, nonlinearity)}: N(0, std²) with
     * {@code std = gain(nonlinearity, a) / √fan} (He et al. 2015).
     */
    public static void kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Rng rng) {
        fillNormal(t, 0.0, kaimingStd("kaimingNormal", t, a, mode, nonlinearity), rng);
    }

    /** The standard deviation Kaiming initialisation uses for a weight of this shape. */
    public static double kaimingStd(Shape shape, double a, FanMode mode, Nonlinearity nonlinearity) {
        long fan = Fans.of(shape).get(mode);
        if (fan == 0) {
            throw new IllegalArgumentException("init.kaiming: " + mode + " of shape " + shape + " is 0");
        }
        return gain(nonlinearity, a) / Math.sqrt(fan);
    }

    private static double kaimingStd(String op, Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        try {
            return kaimingStd(t.shape(), a, mode, nonlinearity);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code nn.init.xavier_uniform_(t, gain)}: U[-a, a] with {@code a = gain · √(6 / (fan_in + fan_out))}
     * (Glorot and Bengio 2010).
     */
    public static void xavierUniform(Tensor t, double gain, Rng rng) {
        double bound = SQRT3 * xavierStd("xavierUniform", t.shape(), gain);
        fillUniform(t, -bound, bound, rng);
    }

    /** {@code nn.init.xavier_normal_(t, gain)}: N(0, std²) with {@code std = gain · √(2 / (fan_in + fan_out))}. */
    public static void xavierNormal(Tensor t, double gain, Rng rng) {
        fillNormal(t, 0.0, xavierStd("xavierNormal", t.shape(), gain), rng);
    }

    private static double xavierStd(String op, Shape shape, double gain) {
        if (!(gain >= 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException(op + ": gain must be finite and >= 0, got " + gain);
        }
        Fans f;
        try {
            f = Fans.of(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
        if (f.fanIn() + f.fanOut() == 0) throw new IllegalArgumentException(op + ": shape " + shape + " has no fans");
        return gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
    }

    /**
     * {@code nn.init.trunc_normal_(t, mean, std, a, b)} (also timm's): N(mean, std²) conditioned on
     * {@code a <= x <= b}. The bounds are absolute values, not multiples of {@code std}: timm's usual
     * {@code trunc_normal_(w, std=.02)} keeps the defaults a = -2, b = 2, i.e. ±100 standard deviations,
     * which truncates nothing.
     *
     * <p>Method, as PyTorch's: draw {@code p} uniformly in [Φ(α), Φ(β)] with α = (a - mean)/std,
     * β = (b - mean)/std, return {@code mean + std · Φ⁻¹(p)}, clamped to [a, b] against rounding.
     */
    public static void truncNormal(Tensor t, double mean, double std, double a, double b, Rng rng) {
        if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("truncNormal: need finite mean and std > 0, got mean=" + mean + " std=" + std);
        }
        if (!(a < b)) throw new IllegalArgumentException("truncNormal: need a < b, got a=" + a + " b=" + b);
        double lo = NormalDistribution.cdf((a - mean) / std);
        double hi = NormalDistribution.cdf((b - mean) / std);
        if (!(hi > lo)) {
            throw new IllegalArgumentException("truncNormal: [" + a + ", " + b + "] holds no probability mass of N(" + mean
                    + ", " + std + "²) in double precision");
        }
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0, n = t.size(); i < n; i++) {
            double p = lo + (hi - lo) * rng.nextDouble();
            double x = mean + std * NormalDistribution.inverseCdf(p);
            d[off + i] = (float) Math.min(Math.max(x, a), b);
        }
    }

    /** {@link #truncNormal(Tensor, double, double, double, double, Rng)} with PyTorch's defaults a = -2, b = 2. */
    public static void truncNormal(Tensor t, double mean, double std, Rng rng) {
        truncNormal(t, mean, std, -2.0, 2.0, rng);
    }

    /**
     * {@code nn.init.orthogonal_(t, gain)} (Saxe et al. 2013): {@code t} viewed as a matrix
     * {@code [rows, cols] = [dim(0), size/dim(0)]} becomes {@code gain · Q} with orthonormal rows (if
     * rows ≤ cols) or columns (if rows ≥ cols).
     *
     * <p>Algorithm, as PyTorch's: fill a [rows, cols] matrix with N(0, 1) samples, transpose it when
     * rows &lt; cols, take its thin QR decomposition (Householder, in double), multiply each column of Q by
     * the sign of the matching diagonal element of R so the factorisation is unique, transpose back. This
     * makes Q Haar-distributed, the same distribution torch draws from, though not the same numbers.
     */
    public static void orthogonal(Tensor t, double gain, Rng rng) {
        if (t.rank() < 2) {
            throw new IllegalArgumentException("orthogonal: only tensors of rank >= 2 are supported, got shape " + t.shape());
        }
        if (!Double.isFinite(gain)) throw new IllegalArgumentException("orthogonal: gain must be finite, got " + gain);
        if (t.size() == 0) return;
        int rows = t.dim(0);
        int cols = t.size() / rows;
        boolean wide = rows < cols;
        int m = wide ? cols : rows;
        int n = wide ? rows : cols;
        // a is the (possibly transposed) m x n matrix, m >= n, row-major. Sampling in the untransposed
        // order keeps the stream the same as filling the [rows, cols] matrix row by row.
        double[] a = new double[m * n];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double g = rng.nextGaussian();
                if (wide) a[c * n + r] = g;
                else a[r * n + c] = g;
            }
        }
        double[] q = Householder.thinQWithPositiveDiagonalR(a, m, n);
        float[] d = t.data();
        int off = t.offset();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = wide ? q[c * n + r] : q[r * n + c];
                d[off + r * cols + c] = (float) (gain * v);
            }
        }
    }

    private static void fillUniform(Tensor t, double lo, double hi, Rng rng) {
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0, n = t.size(); i < n; i++) d[off + i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }

    private static void fillNormal(Tensor t, double mean, double std, Rng rng) {
        float[] d = t.data();
        int off = t.offset();
        for (int i = 0, n = t.size(); i < n; i++) d[off + i] = (float) (mean + std * rng.nextGaussian());
    }
}
