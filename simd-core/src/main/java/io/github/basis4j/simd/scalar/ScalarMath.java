package io.github.basis4j.simd.scalar;

/**
 * The error function and the normal CDF for the scalar kernels, and the polynomial coefficients that the
 * vector twin ({@code io.github.basis4j.simd.panama.PanamaMath}) shares, so the two cannot drift apart.
 * Java has no {@code Math.erf}.
 *
 * <p>The approximation (coefficients fitted by {@code tools/fit_float_math.py}, near-minimax in
 * relative error, rounded to float):
 * <ul>
 *   <li>{@code |x| < 1}: {@code erf(x) = x + x·(E0 + x²·E(x²))}, E0 = 2/√π − 1 rounded to float and E of
 *       degree 5 fitted around it; max relative error 9.6e-9. Ending on {@code x + x·(…)} keeps the
 *       float evaluation of the vector twin to one final rounding on top of a small correction.</li>
 *   <li>{@code 0 ≤ t ≤ 10.5}: {@code erfc(t) = exp(−t²)·R(q) / (1 + 2t)} with {@code q = (t − 2)/(t + 2)}
 *       and R of degree 11; max relative error of R 1.3e-8. The substitution maps [0, ∞) onto [−1, 1)
 *       where {@code erfc(t)·exp(t²)·(1 + 2t)} is smooth and bounded (it tends to 2/√π), so one
 *       polynomial covers the whole tail down to float underflow at t ≈ 10.05.</li>
 *   <li>{@code |x| ≥ 1}: {@code erf(x) = sign(x)·(1 − erfc(|x|))}, no cancellation since erfc(1) ≈ 0.16.</li>
 * </ul>
 * Here the polynomials are evaluated in double and {@code exp(−t²)} comes from {@link Math#exp}, so the
 * only errors are the fit and the final rounding: under one ulp. The vector twin evaluates in float.
 */
public final class ScalarMath {
    /** Below this |x| erf uses its odd Taylor-like polynomial, above it 1 − erfc. */
    public static final float ERF_SMALL_LIMIT = 1f;
    /** erfc(t) rounds to zero in float beyond t ≈ 10.05; the fit covers t ≤ 10.5. */
    public static final float ERFC_CUTOFF = 10.5f;
    /** The K of the erfc substitution {@code q = (t − K)/(t + K)}. */
    public static final float ERFC_K = 2f;

    /** {@code 2/√π − 1}, the fixed constant term of {@code erf(x)/x − 1}. */
    public static final float ERF_E0 = 0.12837917f;
    /** Coefficients of E(s), {@code erf(x) = x + x·(E0 + s·E(s))} with s = x², for |x| < 1, lowest degree first. */
    public static final float ERF_E1 = -0.37612626f, ERF_E2 = 0.112835936f, ERF_E3 = -0.026854107f,
            ERF_E4 = 0.005188814f, ERF_E5 = -0.0008014049f, ERF_E6 = 7.8656325e-05f;

    /** Coefficients of R(q), {@code erfc(t) = exp(−t²)·R(q)/(1 + 2t)}, lowest degree first. */
    public static final float ERFC_R0 = 1.2769784f, ERFC_R1 = -0.09276382f, ERFC_R2 = -0.16603053f,
            ERFC_R3 = 0.16405101f, ERFC_R4 = -0.054217834f, ERFC_R5 = -0.008030651f, ERFC_R6 = 0.008709283f,
            ERFC_R7 = 0.0012520766f, ERFC_R8 = -0.0014216531f, ERFC_R9 = -0.00040035116f,
            ERFC_R10 = 0.0001704861f, ERFC_R11 = 7.987478e-05f;

    /** 1/√2, the scale from a normal variate to the erf argument. */
    static final double INV_SQRT2 = 0.7071067811865476;
    /** 1/√(2π), the standard normal density at 0. */
    static final double INV_SQRT_2PI = 0.3989422804014327;

    private ScalarMath() {
    }

    /** {@code erf(x)}, within about one ulp; erf(±∞) = ±1, NaN gives NaN. */
    public static float erf(float x) {
        double t = Math.abs((double) x);
        if (t < ERF_SMALL_LIMIT) {
            double s = (double) x * x;
            return (float) (x + x * (ERF_E0 + s * erfSmallPoly(s)));
        }
        return (float) Math.copySign(1 - erfcPositive(t), x);
    }

    /** {@code erfc(t)} for t ≥ 0 (NaN passes through), in double from the float fit. */
    static double erfcPositive(double t) {
        if (t > ERFC_CUTOFF) return 0;
        double q = (t - ERFC_K) / (t + ERFC_K);
        double r = ERFC_R11;
        r = r * q + ERFC_R10;
        r = r * q + ERFC_R9;
        r = r * q + ERFC_R8;
        r = r * q + ERFC_R7;
        r = r * q + ERFC_R6;
        r = r * q + ERFC_R5;
        r = r * q + ERFC_R4;
        r = r * q + ERFC_R3;
        r = r * q + ERFC_R2;
        r = r * q + ERFC_R1;
        r = r * q + ERFC_R0;
        return Math.exp(-t * t) * r / (1 + 2 * t);
    }

    private static double erfSmallPoly(double s) {
        double e = ERF_E6;
        e = e * s + ERF_E5;
        e = e * s + ERF_E4;
        e = e * s + ERF_E3;
        e = e * s + ERF_E2;
        return e * s + ERF_E1;
    }

    /**
     * The standard normal CDF {@code Φ(x) = 0.5·(1 + erf(x/√2))}, computed as {@code 0.5·erfc(|x|/√2)} on
     * the negative side (and {@code 1 − 0.5·erfc} on the positive side) so that the tail keeps its
     * relative precision.
     */
    static double normalCdf(double x) {
        double half = 0.5 * erfcPositive(Math.abs(x) * INV_SQRT2);
        return x >= 0 ? 1 - half : half;
    }

    /** The exact GELU {@code x·Φ(x)}, rounded once. */
    public static float gelu(float x) {
        return (float) (x * normalCdf(x));
    }

    /** The GELU derivative {@code Φ(x) + x·φ(x)}, rounded once. */
    public static float geluDerivative(float x) {
        double xd = x;
        return (float) (normalCdf(xd) + xd * INV_SQRT_2PI * Math.exp(-0.5 * xd * xd));
    }
}
