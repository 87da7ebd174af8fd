package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.scalar.ScalarMath;
import io.github.basis4j.simd.spi.ElementwiseKernels;
import io.github.basis4j.simd.testing.BackendPair;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the transcendental kernels (erf, GELU and its derivative, exp, tanh, sigmoid) on both
 * backends, over dense sweeps against double-precision references written here: erf from its
 * all-positive series and erfc from its continued fraction, themselves checked against published
 * values. Errors are measured in ulps of the float result (or relative, for the PyTorch-level bound
 * of 2e-6 the brief sets).
 */
class FloatMathAccuracyTest {
    private static final ElementwiseKernels ORACLE = BackendPair.oracle().elementwise();
    private static final ElementwiseKernels UNDER_TEST = BackendPair.underTest().elementwise();

    /** The brief's accuracy bar for exp, tanh, sigmoid and GELU: PyTorch-level relative error. */
    private static final double REL_TOL = 2e-6;

    // ---- double references -------------------------------------------------------------------------

    /** erf by the series {@code 2x/√π·exp(−x²)·Σ (2x²)ⁿ / (1·3·…·(2n+1))}: all terms positive, no cancellation. */
    static double erfSeries(double x) {
        double x2 = x * x, term = 1, sum = 1;
        for (int n = 1; n < 500 && term > 1e-18 * sum; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return 2 * x / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x ≥ 2 by the continued fraction {@code exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))}. */
    static double erfcContinuedFraction(double x) {
        double f = x;
        for (int k = 100; k >= 1; k--) f = x + (k / 2.0) / f;   // converged to 1e-16 for x ≥ 2 well before 100
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    static double erfRef(double x) {
        double t = Math.abs(x);
        return t < 2 ? erfSeries(x) : Math.copySign(1 - erfcContinuedFraction(t), x);
    }

    /** erfc(t), t ≥ 0, with full relative precision in the tail. */
    static double erfcRef(double t) {
        return t < 2 ? 1 - erfSeries(t) : erfcContinuedFraction(t);
    }

    /** Exact GELU in double: x·Φ(x), Φ from erfc so the negative tail keeps its relative precision. */
    static double geluRef(double x) {
        double half = 0.5 * erfcRef(Math.abs(x) / Math.sqrt(2));
        return x * (x >= 0 ? 1 - half : half);
    }

    static double geluDerivativeRef(double x) {
        double half = 0.5 * erfcRef(Math.abs(x) / Math.sqrt(2));
        return (x >= 0 ? 1 - half : half) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    @Test
    void doubleReferencesMatchPublishedValues() {
        // Abramowitz & Stegun table 7.1 and standard tables, to the digits given there.
        assertThat(erfRef(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
        assertThat(erfRef(1.0)).isCloseTo(0.8427007929497149, within(1e-15));
        assertThat(erfRef(2.0)).isCloseTo(0.9953222650189527, within(1e-15));
        assertThat(erfRef(-1.5)).isCloseTo(-0.9661051464753108, within(1e-15));
        assertThat(erfcRef(1.9)).isCloseTo(0.007209570764742, within(1e-15));
        assertThat(erfcRef(3.0) / 2.209049699858544e-05).isCloseTo(1.0, within(1e-13));
        assertThat(erfcRef(6.0) / 2.151973671249892e-17).isCloseTo(1.0, within(1e-13));
        assertThat(erfcRef(10.0) / 2.088487583762545e-45).isCloseTo(1.0, within(1e-13));
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    // ---- sweeps ------------------------------------------------------------------------------------

    /** n evenly spaced floats over [lo, hi], both ends included. */
    private static float[] sweep(double lo, double hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * i / (n - 1));
        return x;
    }

    private static double ulps(float got, double ref) {
        float r = (float) ref;
        double ulp = Math.ulp(r == 0 ? Float.MIN_VALUE : r);
        return Math.abs(got - ref) / ulp;
    }

    @Test
    void erfIsWithinOneAndAHalfUlpOnBothBackends() {
        float[] x = sweep(-6, 6, 30_001);
        double[] ref = new double[x.length];
        for (int i = 0; i < x.length; i++) ref[i] = erfRef(x[i]);
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            float[] y = new float[x.length];
            k.erf(x, 0, y, 0, x.length);
            double worst = 0;
            int worstAt = 0;
            for (int i = 0; i < x.length; i++) {
                double u = ulps(y[i], ref[i]);
                if (u > worst) {
                    worst = u;
                    worstAt = i;
                }
            }
            assertThat(worst).as("%s erf: max ulp error, worst at x = %s", k.getClass().getSimpleName(), x[worstAt])
                    .isLessThanOrEqualTo(1.5);
        }
        // The scalar path rounds a double evaluation once: the fit error stays under one ulp.
        double scalarWorst = 0;
        for (int i = 0; i < x.length; i++) scalarWorst = Math.max(scalarWorst, ulps(ScalarMath.erf(x[i]), ref[i]));
        assertThat(scalarWorst).isLessThanOrEqualTo(1.0);
    }

    @Test
    void erfSpecialValues() {
        float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -1e-30f, 3.9f, 30f};
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            float[] y = new float[x.length];
            k.erf(x, 0, y, 0, x.length);
            assertThat(Float.floatToRawIntBits(y[0])).as("erf(+0)").isEqualTo(Float.floatToRawIntBits(0f));
            assertThat(Float.floatToRawIntBits(y[1])).as("erf(-0)").isEqualTo(Float.floatToRawIntBits(-0f));
            assertThat(y[2]).isEqualTo(1f);
            assertThat(y[3]).isEqualTo(-1f);
            assertThat(y[4]).isNaN();
            assertThat((double) y[5]).isCloseTo(1.1283791670955126e-30, within(1e-36));
            assertThat((double) y[6]).isCloseTo(-1.1283791670955126e-30, within(1e-36));
            assertThat((double) y[7]).isCloseTo(erfRef(3.9f), within(1e-7));
            assertThat(y[8]).isEqualTo(1f);
        }
    }

    /** Asserts {@code |got − ref| ≤ REL_TOL·|ref| + atol} over a sweep; names the worst point. */
    private static void assertRelative(String what, float[] x, float[] got, java.util.function.DoubleUnaryOperator ref,
                                       double atol) {
        for (int i = 0; i < x.length; i++) {
            double r = ref.applyAsDouble(x[i]);
            if (!(Math.abs(got[i] - r) <= REL_TOL * Math.abs(r) + atol)) {
                throw new AssertionError(what + "(" + x[i] + ") = " + got[i] + ", reference " + r
                        + ", relative error " + Math.abs(got[i] - r) / Math.abs(r));
            }
        }
    }

    @Test
    void geluMatchesTheDoubleReferenceIncludingTheNegativeTail() {
        // Down to x = −13.5, where x·Φ(x) is about 1e-40: the erfc form keeps relative precision there,
        // which 0.5·x·(1 + erf(x/√2)) would lose from x ≈ −3 on. Subnormal results compare absolutely.
        float[] x = sweep(-13.5, 10, 20_001);
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            float[] y = new float[x.length], d = new float[x.length], ones = new float[x.length];
            java.util.Arrays.fill(ones, 1f);
            k.geluForward(x, 0, y, 0, x.length);
            k.geluBackward(x, 0, ones, 0, d, 0, x.length);
            String name = k.getClass().getSimpleName();
            assertRelative(name + " gelu", x, y, FloatMathAccuracyTest::geluRef, Float.MIN_NORMAL);
            // The derivative crosses zero at x ≈ −0.75: there only an absolute bound is meaningful.
            assertRelative(name + " gelu'", x, d, FloatMathAccuracyTest::geluDerivativeRef, 1e-7);
        }
    }

    @Test
    void geluSpecialValues() {
        float[] x = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0f, -30f};
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            float[] y = new float[x.length];
            k.geluForward(x, 0, y, 0, x.length);
            assertThat(y[0]).isEqualTo(Float.POSITIVE_INFINITY);
            assertThat(y[1]).as("gelu(-inf) is -inf·0, NaN as in PyTorch").isNaN();
            assertThat(y[2]).isNaN();
            assertThat(y[3]).isEqualTo(0f);
            assertThat(y[4]).isEqualTo(0f);
        }
    }

    @Test
    void expTanhSigmoidMeetThePyTorchLevelBound() {
        float[] xe = sweep(-103, 88.7, 20_001);
        float[] xt = sweep(-12, 12, 20_001);
        float[] xs = sweep(-88, 40, 20_001);
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            String name = k.getClass().getSimpleName();
            float[] y = new float[xe.length];
            k.expForward(xe, 0, y, 0, xe.length);
            assertRelative(name + " exp", xe, y, Math::exp, Float.MIN_NORMAL);
            k.tanhForward(xt, 0, y, 0, xt.length);
            assertRelative(name + " tanh", xt, y, Math::tanh, 0);
            k.sigmoidForward(xs, 0, y, 0, xs.length);
            assertRelative(name + " sigmoid", xs, y, v -> 1 / (1 + Math.exp(-v)), Float.MIN_NORMAL);
        }
    }

    @Test
    void tanhIsAccurateNearZero() {
        // Relative accuracy for tiny inputs, where 1 − 2/(e^{2x} + 1) would cancel completely.
        float[] x = sweep(-0.7, 0.7, 20_001);
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            float[] y = new float[x.length];
            k.tanhForward(x, 0, y, 0, x.length);
            double worst = 0;
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, ulps(y[i], Math.tanh(x[i])));
            assertThat(worst).as("%s tanh ulp error near 0", k.getClass().getSimpleName()).isLessThanOrEqualTo(2.0);
        }
    }

    @Test
    void expSigmoidTanhSpecialValues() {
        float[] x = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0f, 89f, -110f};
        for (ElementwiseKernels k : new ElementwiseKernels[] {ORACLE, UNDER_TEST}) {
            float[] e = new float[x.length], s = new float[x.length], t = new float[x.length];
            k.expForward(x, 0, e, 0, x.length);
            k.sigmoidForward(x, 0, s, 0, x.length);
            k.tanhForward(x, 0, t, 0, x.length);
            assertThat(e).containsExactly(Float.POSITIVE_INFINITY, 0f, Float.NaN, 1f, Float.POSITIVE_INFINITY, 0f);
            assertThat(s).containsExactly(1f, 0f, Float.NaN, 0.5f, 1f, 0f);
            assertThat(t).containsExactly(1f, -1f, Float.NaN, 0f, 1f, -1f);
        }
    }
}
