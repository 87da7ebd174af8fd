package io.github.basis4j.nn.init;

/**
 * The standard normal distribution function Φ and its inverse, in double precision, for
 * {@link Init#truncNormal}. Package-private: a numerical helper, not API.
 */
final class NormalDistribution {
    /** Φ(x) is 0 or 1 in double beyond these (Φ(-38.5) is below the smallest normal double; 1 - Φ(8.3) < 2^-53). */
    private static final double LOWER_LIMIT = -38.5;
    private static final double UPPER_LIMIT = 8.3;
    /** log(√(2π)). */
    private static final double LOG_SQRT_2PI = 0.91893853320467274178;

    // Acklam's rational approximation of Φ⁻¹: central region and tails, split at P_LOW.
    private static final double P_LOW = 0.02425;
    private static final double[] A = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    private static final double[] B = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01};
    private static final double[] C = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    private static final double[] D = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00};

    private NormalDistribution() {
    }

    /**
     * Φ(x) by Marsaglia's Taylor series ("Evaluating the normal distribution", J. Stat. Softw. 11(4), 2004):
     * Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …), summed until the terms stop changing the sum; absolute
     * error near 1e-15.
     */
    static double cdf(double x) {
        if (x < LOWER_LIMIT) return 0.0;
        if (x > UPPER_LIMIT) return 1.0;
        double s = x, t = 0, term = x, q = x * x, i = 1;
        while (s != t) {
            t = s;
            i += 2;
            term *= q / i;
            s = t + term;
        }
        return 0.5 + s * Math.exp(-0.5 * q - LOG_SQRT_2PI);
    }

    /**
     * Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.15e-9, far finer than the float
     * the initialisers store), refined by one Halley step on {@link #cdf} in the central region where
     * {@code cdf} is accurate in relative terms. Returns ±∞ at p = 0 or 1.
     */
    static double inverseCdf(double p) {
        if (p <= 0) return Double.NEGATIVE_INFINITY;
        if (p >= 1) return Double.POSITIVE_INFINITY;
        if (p < P_LOW) {
            double q = Math.sqrt(-2 * Math.log(p));
            return tail(q);
        }
        if (p > 1 - P_LOW) {
            double q = Math.sqrt(-2 * Math.log1p(-p));
            return -tail(q);
        }
        double q = p - 0.5;
        double r = q * q;
        double x = (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
        // Halley: e = Φ(x) - p, u = e·√(2π)·exp(x²/2), x -= u / (1 + x·u/2).
        double e = cdf(x) - p;
        double u = e * Math.exp(0.5 * x * x + LOG_SQRT_2PI);
        return x - u / (1 + 0.5 * x * u);
    }

    private static double tail(double q) {
        return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    }
}
