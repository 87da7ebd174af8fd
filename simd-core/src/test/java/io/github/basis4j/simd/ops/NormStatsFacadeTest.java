package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

/** The NormStats facade: the training step end to end, the DSFB mask, and every validation error. */
class NormStatsFacadeTest {
    @Test
    void trainingForwardUpdatesRunningStatisticsAndNormalisesWithTheBatchOnes() {
        Tensor x = Tensor.uniform(Shape.of(2, 3, 3, 4), -1f, 1f, 1);
        Tensor rm = Tensor.zeros(4), rv = Tensor.full(Shape.of(4), 1f);
        Tensor y = Tensor.zeros(x.shape()), mean = Tensor.zeros(4), var = Tensor.zeros(4);
        NormStats.batchNormTrainForward(x, null, null, rm, rv, NormStats.DEFAULT_MOMENTUM, NormStats.DEFAULT_BATCH_NORM_EPS, y, mean, var);
        for (int ch = 0; ch < 4; ch++) {
            assertThat(rm.get(ch)).isCloseTo(0.1f * mean.get(ch), org.assertj.core.data.Offset.offset(1e-7f));
            assertThat(rv.get(ch)).isCloseTo(0.9f + 0.1f * var.get(ch) * 18 / 17, org.assertj.core.data.Offset.offset(1e-6f));
        }
        // Normalised with the batch statistics: every channel of y has mean 0 and variance ≈ 1.
        Tensor ym = Tensor.zeros(4), yv = Tensor.zeros(4);
        NormStats.batchNormStatistics(y, ym, yv);
        for (int ch = 0; ch < 4; ch++) {
            assertThat(ym.get(ch)).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(yv.get(ch)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void dsfbMaskSelectsWhatTheReferenceSums() {
        // The reference's loop: D[0:s, :] plus each unique basis's diagonal block D[u:u+k, u:u+k].
        int s = 3, k = 2, bases = 4, r = s + k * bases;
        boolean[][] picked = new boolean[r][r];
        for (int i = 0; i < s; i++) for (int j = 0; j < r; j++) picked[i][j] = true;
        for (int blk = 0; blk < bases; blk++) {
            int u = s + blk * k;
            for (int i = u; i < u + k; i++) for (int j = u; j < u + k; j++) picked[i][j] = true;
        }
        Tensor mask = NormStats.dsfbGramMask(s, k, bases);
        assertThat(mask.shape()).isEqualTo(Shape.of(r, r));
        int ones = 0;
        for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) {
            assertThat(mask.at(i, j)).as("mask[%d, %d]", i, j).isEqualTo(picked[i][j] ? 1f : 0f);
            if (picked[i][j]) ones++;
        }
        assertThat(ones).as("the reference's cnt_sim").isEqualTo(s * r + bases * k * k);
        assertThat(NormStats.dsfbGramMask(5, 0, 0).toArray()).containsOnly(1f);
    }

    @Test
    void gramPenaltyOfOrthonormalRowsIsZeroAndFlattensTrailingAxes() {
        // Two orthonormal 1×2×2 filters: G = I, penalty 0, gradient 0.
        Tensor b = Tensor.of(new float[] {1, 0, 0, 0, 0, 0.6f, 0.8f, 0}, 2, 1, 2, 2);
        Tensor g = Tensor.zeros(2, 2), db = Tensor.zeros(2, 1, 2, 2);
        assertThat(NormStats.gramPenalty(b, null, g)).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-12));
        NormStats.gramPenaltyBackward(b, null, g, 1f, db);
        assertThat(db.toArray()).containsOnly(0f);
    }

    @Test
    void invalidArgumentsAreRejectedNamingOperationAndArgument() {
        Tensor x = Tensor.uniform(Shape.of(2, 3, 3, 4), -1f, 1f, 2);
        Tensor c4 = Tensor.zeros(4), c5 = Tensor.zeros(5);
        assertThatThrownBy(() -> NormStats.batchNormStatistics(Tensor.zeros(4), c4, c4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchNormStatistics: x must have rank >= 2 with channels (>= 1) on its last axis, got shape [4]");
        assertThatThrownBy(() -> NormStats.batchNormStatistics(x, c5, c4))
                .hasMessageContaining("batchNormStatistics: mean must be [c] = [4], got [5]");
        assertThatThrownBy(() -> NormStats.batchNormUpdateRunning(c4, c4, 1, 0.1, c4.copy(), c4.copy()))
                .hasMessageContaining("batchNormUpdateRunning: m must be > 1");
        assertThatThrownBy(() -> NormStats.batchNormUpdateRunning(c4, c4, 8, 1.5, c4.copy(), c4.copy()))
                .hasMessageContaining("batchNormUpdateRunning: momentum must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> NormStats.batchNormForward(x, c4, c4, -1, null, null, Tensor.zeros(x.shape())))
                .hasMessageContaining("batchNormForward: eps must be finite and >= 0, got -1.0");
        assertThatThrownBy(() -> NormStats.batchNormForward(x, c4, c4, 1e-5, c5, null, Tensor.zeros(x.shape())))
                .hasMessageContaining("batchNormForward: weight must be [c] = [4], got [5]");
        assertThatThrownBy(() -> NormStats.batchNormForward(x, c4, c4, 1e-5, null, null, Tensor.zeros(2, 3, 4, 3)))
                .hasMessageContaining("batchNormForward: y must have the shape of x [2, 3, 3, 4], got [2, 3, 4, 3]");
        assertThatThrownBy(() -> NormStats.batchNormTrainForward(x, null, null, c4.copy(), null, 0.1, 1e-5, Tensor.zeros(x.shape()), c4, c4.copy()))
                .hasMessageContaining("batchNormTrainForward: runningMean and runningVar must be given together, got only runningMean");
        assertThatThrownBy(() -> NormStats.batchNormBackward(Tensor.zeros(2, 3, 3, 5), x, c4, c4, 1e-5, null, null, null, null))
                .hasMessageContaining("batchNormBackward: dy must have the shape of x");
        assertThatThrownBy(() -> NormStats.batchNormBackwardInPlace(x, x, c4, c4, 1e-5, null, null, null))
                .hasMessageContaining("batchNormBackwardInPlace: dy must not overlap x");
        assertThatThrownBy(() -> NormStats.batchNormBackwardInPlace(Tensor.zeros(2, 3, 3, 5), x, c4, c4, 1e-5, null, null, null))
                .hasMessageContaining("batchNormBackwardInPlace: dy must have the shape of x");
        assertThatThrownBy(() -> NormStats.batchNormBackwardEval(x, x, c4, c4, 1e-5, null, x, null, null))
                .hasMessageContaining("batchNormBackwardEval: dx must not overlap dy");
        assertThatThrownBy(() -> NormStats.batchNormBackward(x, x.copy(), c4, c4, 1e-5, null, null, c5, null))
                .hasMessageContaining("batchNormBackward: dweight must be [c] = [4], got [5]");
        assertThatThrownBy(() -> NormStats.layerNorm(x, null, c5, 1e-6, Tensor.zeros(x.shape()), Tensor.zeros(18), Tensor.zeros(18)))
                .hasMessageContaining("layerNorm: bias must be [c] = [4], got [5]");
        assertThatThrownBy(() -> NormStats.layerNorm(x, null, null, 1e-6, Tensor.zeros(x.shape()), Tensor.zeros(17), Tensor.zeros(18)))
                .hasMessageContaining("layerNorm: mean must hold one value per row, 18 (x's shape without its last axis), got shape [17]");
        assertThatThrownBy(() -> NormStats.layerNormBackward(x, x.copy(), null, Tensor.zeros(2, 3, 3), Tensor.zeros(2, 3, 2), null, null, null))
                .hasMessageContaining("layerNormBackward: rstd must hold one value per row, 18");
        Tensor b = Tensor.zeros(3, 2, 2);
        assertThatThrownBy(() -> NormStats.gramPenalty(Tensor.zeros(6), null, Tensor.zeros(6, 6)))
                .hasMessageContaining("gramPenalty: b must have rank >= 2");
        assertThatThrownBy(() -> NormStats.gramPenalty(b, null, Tensor.zeros(3, 4)))
                .hasMessageContaining("gramPenalty: g must be [r, r] = [3, 3], got [3, 4]");
        assertThatThrownBy(() -> NormStats.gramPenalty(b, Tensor.zeros(2, 2), Tensor.zeros(3, 3)))
                .hasMessageContaining("gramPenalty: mask must be [r, r] = [3, 3], got [2, 2]");
        assertThatThrownBy(() -> NormStats.gramPenaltyBackward(b, null, Tensor.zeros(3, 3), 1f, Tensor.zeros(3, 4)))
                .hasMessageContaining("gramPenaltyBackward: db must have the shape of b [3, 2, 2], got [3, 4]");
        assertThatThrownBy(() -> NormStats.gramPenaltyBackward(b, null, Tensor.zeros(3, 3), Float.NaN, Tensor.zeros(3, 2, 2)))
                .hasMessageContaining("gramPenaltyBackward: scale must be finite, got NaN");
        assertThatThrownBy(() -> NormStats.dsfbGramMask(0, 1, 1)).hasMessageContaining("dsfbGramMask: shared must be >= 1, got 0");
    }
}
