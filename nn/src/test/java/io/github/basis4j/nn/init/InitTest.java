package io.github.basis4j.nn.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {
    /** Sample mean and standard deviation (in double) of a tensor's elements. */
    private static double[] meanStd(Tensor t) {
        double s = 0, s2 = 0;
        for (int i = 0; i < t.size(); i++) {
            s += t.get(i);
            s2 += (double) t.get(i) * t.get(i);
        }
        double mean = s / t.size();
        return new double[] {mean, Math.sqrt(s2 / t.size() - mean * mean)};
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) m = Math.max(m, Math.abs(t.get(i)));
        return m;
    }

    @Test
    void fansMatchTorchCalculateFanInAndFanOut() {
        // Values printed by torch 1.13: nn.init._calculate_fan_in_and_fan_out(torch.empty(shape)).
        assertThat(Fans.of(Shape.of(30, 20))).isEqualTo(new Fans(20, 30));
        assertThat(Fans.of(Shape.of(16, 3, 3, 3))).isEqualTo(new Fans(27, 144));
        assertThat(Fans.of(Shape.of(64, 4, 3, 3))).isEqualTo(new Fans(36, 576));
        assertThat(Fans.of(Shape.of(8, 2, 5))).isEqualTo(new Fans(10, 40));
        assertThat(Fans.of(Shape.of(2, 3, 1, 4, 5))).isEqualTo(new Fans(60, 40));
        assertThatThrownBy(() -> Fans.of(Shape.of(5))).hasMessageContaining("rank >= 2").hasMessageContaining("[5]");
    }

    @Test
    void gainsMatchTorchCalculateGain() {
        // repr() of torch 1.13's nn.init.calculate_gain for each case.
        assertThat(Init.gain(Nonlinearity.LINEAR)).isEqualTo(1.0);
        assertThat(Init.gain(Nonlinearity.CONV)).isEqualTo(1.0);
        assertThat(Init.gain(Nonlinearity.SIGMOID)).isEqualTo(1.0);
        assertThat(Init.gain(Nonlinearity.TANH)).isEqualTo(1.6666666666666667);
        assertThat(Init.gain(Nonlinearity.RELU)).isEqualTo(1.4142135623730951);
        assertThat(Init.gain(Nonlinearity.LEAKY_RELU)).isEqualTo(1.4141428569978354);
        assertThat(Init.gain(Nonlinearity.LEAKY_RELU, 0.2)).isEqualTo(1.3867504905630728);
        assertThat(Init.gain(Nonlinearity.LEAKY_RELU, Math.sqrt(5))).isCloseTo(0.5773502691896257, offset(1e-15));
        assertThat(Init.gain(Nonlinearity.SELU)).isEqualTo(0.75);
    }

    @Test
    void kaimingUniformWithTorchLayerDefaultsHasBoundOneOverSqrtFanIn() {
        Tensor w = Tensor.zeros(16, 3, 3, 3);
        Init.kaimingUniform(w, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, Rng.of(1));
        // torch 1.13: calculate_gain('leaky_relu', sqrt(5)) * sqrt(3) / sqrt(27) = 0.19245008972987523 = 1/sqrt(27).
        double bound = 0.19245008972987523;
        assertThat(maxAbs(w)).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
    }

    @Test
    void kaimingStatistics() {
        Tensor w = Tensor.zeros(256, 64, 3, 3); // fan_in 576, fan_out 2304; 147456 samples
        Init.kaimingNormal(w, 0, FanMode.FAN_OUT, Nonlinearity.RELU, Rng.of(2));
        double std = Math.sqrt(2.0 / 2304);
        double[] ms = meanStd(w);
        // Standard error of the mean is std/384, of the std about std/543; tolerances are several of them.
        assertThat(ms[0]).isCloseTo(0, offset(0.02 * std));
        assertThat(ms[1]).isCloseTo(std, offset(0.01 * std));

        Init.kaimingUniform(w, 0, FanMode.FAN_IN, Nonlinearity.RELU, Rng.of(3));
        double bound = Math.sqrt(3) * Math.sqrt(2.0 / 576);
        ms = meanStd(w);
        assertThat(maxAbs(w)).isLessThanOrEqualTo(bound).isGreaterThan(0.999 * bound);
        assertThat(ms[1]).isCloseTo(bound / Math.sqrt(3), offset(0.01 * bound));
    }

    @Test
    void xavierStatistics() {
        Tensor w = Tensor.zeros(300, 500);
        Init.xavierNormal(w, 2.0, Rng.of(4));
        double std = 2.0 * Math.sqrt(2.0 / 800);
        double[] ms = meanStd(w);
        assertThat(ms[0]).isCloseTo(0, offset(0.02 * std));
        assertThat(ms[1]).isCloseTo(std, offset(0.01 * std));
        Init.xavierUniform(w, Init.gain(Nonlinearity.TANH), Rng.of(5));
        double bound = 5.0 / 3.0 * Math.sqrt(6.0 / 800);
        assertThat(maxAbs(w)).isLessThanOrEqualTo(bound).isGreaterThan(0.999 * bound);
        assertThat(meanStd(w)[1]).isCloseTo(bound / Math.sqrt(3), offset(0.01 * bound));
    }

    @Test
    void truncNormalRespectsAbsoluteBoundsAndHasTheTruncatedMoments() {
        Tensor w = Tensor.zeros(200_000);
        Init.truncNormal(w, 0.0, 1.0, Rng.of(6)); // a = -2, b = 2: two standard deviations here
        double[] ms = meanStd(w);
        assertThat(maxAbs(w)).isLessThanOrEqualTo(2.0).isGreaterThan(1.99);
        // Var of N(0,1) truncated to [-2, 2] = 1 - 2·2·φ(2)/(Φ(2) - Φ(-2)) = 0.773741.
        assertThat(ms[1]).isCloseTo(Math.sqrt(0.773741), offset(0.005));
        assertThat(ms[0]).isCloseTo(0, offset(0.01));

        // Asymmetric, shifted: N(1, 0.5²) on [0.5, 3] has mean 1 + 0.5·φ(-1)/(Φ(4) - Φ(-1)) = 1.143768.
        Init.truncNormal(w, 1.0, 0.5, 0.5, 3.0, Rng.of(7));
        double min = Double.MAX_VALUE;
        for (int i = 0; i < w.size(); i++) min = Math.min(min, w.get(i));
        assertThat(min).isGreaterThanOrEqualTo(0.5).isLessThan(0.501);
        assertThat(meanStd(w)[0]).isCloseTo(1.143768, offset(0.003));

        // timm's trunc_normal_(std=.02) keeps a = -2, b = 2 in absolute units: effectively untruncated.
        Init.truncNormal(w, 0.0, 0.02, Rng.of(8));
        assertThat(meanStd(w)[1]).isCloseTo(0.02, offset(0.0002));
        assertThatThrownBy(() -> Init.truncNormal(w, 0, 1, 2, 1, Rng.of(1))).hasMessageContaining("need a < b");
    }

    @Test
    void normalDistributionFunctionAndInverseAgree() {
        // Φ(1.959963984540054) = 0.975 and Φ(-1) = 0.15865525393145705 (scipy.stats.norm.cdf).
        assertThat(NormalDistribution.cdf(1.959963984540054)).isCloseTo(0.975, offset(1e-14));
        assertThat(NormalDistribution.cdf(-1)).isCloseTo(0.15865525393145705, offset(1e-14));
        for (double x = -5; x <= 5; x += 0.25) {
            assertThat(NormalDistribution.inverseCdf(NormalDistribution.cdf(x))).as("x=%s", x)
                    .isCloseTo(x, offset(1e-8 * Math.max(1, Math.abs(x))));
        }
    }

    /** max |G - I| for G = gram of rows (byRows) or columns, in double. */
    private static double orthogonalityError(Tensor t, double gain, boolean byRows) {
        int rows = t.dim(0), cols = t.size() / rows;
        int k = byRows ? rows : cols, len = byRows ? cols : rows;
        double err = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int l = 0; l < len; l++) {
                    double a = byRows ? t.get(i * cols + l) : t.get(l * cols + i);
                    double b = byRows ? t.get(j * cols + l) : t.get(l * cols + j);
                    dot += a * b;
                }
                err = Math.max(err, Math.abs(dot / (gain * gain) - (i == j ? 1 : 0)));
            }
        }
        return err;
    }

    @Test
    void orthogonalIsOrthonormalForSquareTallWideAndConvShapes() {
        Tensor square = Tensor.zeros(64, 64);
        Init.orthogonal(square, 1.0, Rng.of(9));
        assertThat(orthogonalityError(square, 1.0, false)).isLessThan(1e-5);
        assertThat(orthogonalityError(square, 1.0, true)).isLessThan(1e-5);

        Tensor tall = Tensor.zeros(100, 30);
        Init.orthogonal(tall, 1.0, Rng.of(10));
        assertThat(orthogonalityError(tall, 1.0, false)).as("QᵀQ = I").isLessThan(1e-5);

        Tensor wide = Tensor.zeros(30, 100);
        Init.orthogonal(wide, 2.0, Rng.of(11));
        assertThat(orthogonalityError(wide, 2.0, true)).as("QQᵀ = I for rows < cols").isLessThan(1e-5);

        // A DSFB basis: [basis channels, in, 3, 3] flattened to [16, 72], rows orthonormal.
        Tensor basis = Tensor.zeros(16, 8, 3, 3);
        Init.orthogonal(basis, 1.0, Rng.of(12));
        assertThat(orthogonalityError(basis, 1.0, true)).isLessThan(1e-5);

        Tensor again = Tensor.zeros(16, 8, 3, 3);
        Init.orthogonal(again, 1.0, Rng.of(12));
        assertThat(again.toArray()).containsExactly(basis.toArray());
        assertThatThrownBy(() -> Init.orthogonal(Tensor.zeros(5), 1, Rng.of(1))).hasMessageContaining("rank >= 2");
    }

    @Test
    void orthogonalIsHaarDistributedNotBiasedBySigns() {
        // With the sign correction, Q of a Gaussian matrix is Haar: every entry of a 4x4 Q has mean 0 and
        // variance 1/4. Without it, Householder's sign convention makes the diagonal lean negative.
        int trials = 4000;
        double[] sum = new double[16];
        double sumSq = 0;
        Rng rng = Rng.of(13);
        Tensor q = Tensor.zeros(4, 4);
        for (int t = 0; t < trials; t++) {
            Init.orthogonal(q, 1.0, rng);
            for (int i = 0; i < 16; i++) {
                sum[i] += q.get(i);
                sumSq += q.get(i) * q.get(i);
            }
        }
        // Standard error of each mean is 0.5/√4000 = 0.0079; allow 5 of them.
        for (int i = 0; i < 16; i++) assertThat(sum[i] / trials).as("mean of Q[%d]", i).isCloseTo(0, offset(0.04));
        assertThat(sumSq / (16.0 * trials)).isCloseTo(0.25, offset(1e-6));
    }

    @Test
    void constantsAndViewsAtOffsets() {
        Tensor big = Tensor.full(Shape.of(4, 3), 7f);
        Tensor mid = big.slice(1, 3);
        Init.zeros(mid);
        assertThat(big.toArray()).containsExactly(7, 7, 7, 0, 0, 0, 0, 0, 0, 7, 7, 7);
        Init.ones(mid);
        Init.constant(big.slice(0, 1), 2.5f);
        assertThat(big.toArray()).containsExactly(2.5f, 2.5f, 2.5f, 1, 1, 1, 1, 1, 1, 7, 7, 7);
        Init.uniform(mid, -1, 1, Rng.of(1));
        assertThat(big.get(9)).isEqualTo(7f);
        assertThat(big.get(2)).isEqualTo(2.5f);
    }
}
