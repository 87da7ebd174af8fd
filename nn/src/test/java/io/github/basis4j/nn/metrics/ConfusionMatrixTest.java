package io.github.basis4j.nn.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    @Test
    void countsTopOneTopFiveAndPerClass() {
        ConfusionMatrix m = new ConfusionMatrix(6);
        Tensor logits = Tensor.of(new float[] {
                // true 0, predicted 0
                9, 1, 2, 3, 4, 5,
                // true 1, predicted 5; class 1 ranks 5th of 6 -> not top-5... values: 5>4>3>2>1(true)? rank 4 -> top-5
                0, 1, 2, 3, 4, 5,
                // true 2, predicted 0; class 2 ranks last -> not top-5
                6, 5, 0, 4, 3, 2,
                // true 0, predicted 3
                1, 0, 0, 2, 0, 0}, 4, 6);
        m.add(logits, new int[] {0, 1, 2, 0});
        assertThat(m.total()).isEqualTo(4);
        assertThat(m.top1()).isEqualTo(0.25);
        assertThat(m.top5()).isEqualTo(0.75);
        assertThat(m.count(1, 5)).isEqualTo(1);
        assertThat(m.count(2, 0)).isEqualTo(1);
        assertThat(m.count(0, 3)).isEqualTo(1);
        assertThat(m.perClassAccuracy()[0]).isEqualTo(0.5);
        assertThat(m.perClassAccuracy()[1]).isEqualTo(0.0);
        assertThat(m.perClassAccuracy()[3]).isNaN();
    }

    @Test
    void rejectsMismatchedInput() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        assertThatThrownBy(() -> m.add(Tensor.zeros(2, 4), new int[2])).hasMessageContaining("logits must be [N, 3], got [2, 4]");
        assertThatThrownBy(() -> m.add(Tensor.zeros(2, 3), new int[3])).hasMessageContaining("2 logit rows but 3 labels");
        assertThatThrownBy(() -> m.add(Tensor.zeros(1, 3), new int[] {3})).hasMessageContaining("label 3 at row 0 is outside [0, 3)");
    }
}
