package io.github.basis4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleListenersTest {
    @Test
    void epochLineCountsEpochsFromOneAndLeavesOutEvaluationWhenThereIsNone() {
        EpochMetrics evaluated = new EpochMetrics(2, 300, 0.42134, 0.85123, 0.01, 0.442, 0.8431, 0.9962, 12.34, 4870.2, true);
        assertThat(EpochLineListener.format(evaluated, 10)).isEqualTo(
                "epoch 3/10  train loss 0.4213 acc 0.8512  eval loss 0.4420 top1 0.8431 top5 0.9962  lr 0.01000  12.3 s  4870 img/s  best");
        EpochMetrics plain = new EpochMetrics(0, 100, 1.5, 0.5, 0.1, Double.NaN, Double.NaN, Double.NaN, 2.0, 500.0, false);
        assertThat(EpochLineListener.format(plain, 1)).isEqualTo("epoch 1/1  train loss 1.5000 acc 0.5000  lr 0.1000  2.0 s  500 img/s");
    }

    @Test
    void barWidthComesFromColumnsOrDefaultsTo80() {
        assertThat(ProgressBarListener.width("132")).isEqualTo(132);
        assertThat(ProgressBarListener.width(" 100 ")).isEqualTo(100);
        assertThat(ProgressBarListener.width(null)).isEqualTo(80);
        assertThat(ProgressBarListener.width("wide")).isEqualTo(80);
        assertThat(ProgressBarListener.width("0")).isEqualTo(80);
    }
}
