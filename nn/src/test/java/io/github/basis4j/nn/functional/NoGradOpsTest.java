package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Inference mode: with parameters as inputs, no op records a node inside {@link NoGrad}, and each does outside. */
class NoGradOpsTest {
    private final Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 4, 4, 4), -1, 1, 71));
    private final Parameter w = new Parameter(Tensor.uniform(Shape.of(4, 4, 3, 3), -1, 1, 72));
    private final Parameter c = new Parameter(Tensor.uniform(Shape.of(4), 0.5f, 1.5f, 73));
    private final Tensor runningMean = Tensor.zeros(4), runningVar = Tensor.full(Shape.of(4), 1f);

    private Map<String, Supplier<Variable>> ops() {
        Map<String, Supplier<Variable>> ops = new LinkedHashMap<>();
        ops.put("conv2d", () -> Conv.conv2d(x, w, c, Conv2dParams.of(1, 1)));
        ops.put("depthwise conv2d", () -> Conv.conv2d(x, new Parameter(Tensor.uniform(Shape.of(4, 1, 3, 3), -1, 1, 74)), null,
                Conv2dParams.of(1, 1, 1, 4)));
        ops.put("batchNorm2d train", () -> Norm.batchNorm2d(x, c, c, runningMean, runningVar, true, 0.1, 1e-5));
        ops.put("batchNorm2d eval", () -> Norm.batchNorm2d(x, c, c, runningMean, runningVar, false, 0.1, 1e-5));
        ops.put("layerNormChannels", () -> Norm.layerNormChannels(x, c, c, 1e-6));
        ops.put("maxPool2d", () -> Pool.maxPool2d(x, 3, 2, 1));
        ops.put("avgPool2d", () -> Pool.avgPool2d(x, 3, 1, 1, false));
        ops.put("adaptiveAvgPool2d", () -> Pool.adaptiveAvgPool2d(x, 3, 3));
        ops.put("globalMean", () -> Pool.globalMean(x));
        ops.put("pad2d", () -> Pad.pad2d(x, 1, 1, 1, 1));
        ops.put("subsample", () -> Pad.subsample(x, 2, 2));
        ops.put("padChannels", () -> Pad.padChannels(x, 1, 1));
        ops.put("optionAShortcut", () -> Pad.optionAShortcut(x, 8));
        ops.put("orthogonalityPenalty", () -> Regularizers.orthogonalityPenalty(w, null, 1));
        ops.put("orthogonalityPenalty stacked", () -> Regularizers.orthogonalityPenalty(List.of(w, w), null, 1));
        ops.put("add", () -> Arith.add(x, x));
        return ops;
    }

    @Test
    void nothingIsRecordedUnderNoGrad() {
        try (NoGrad ignored = NoGrad.enter()) {
            ops().forEach((name, op) -> {
                Variable y = op.get();
                assertThat(y.gradFn()).as(name).isNull();
                assertThat(y.requiresGrad()).as(name).isFalse();
            });
        }
        ops().forEach((name, op) -> assertThat(op.get().gradFn()).as(name + " outside NoGrad").isNotNull());
    }

    @Test
    void trainingBatchNormStillUpdatesRunningStatisticsUnderNoGrad() {
        // As in PyTorch, the running update is part of the forward, not of the tape.
        try (NoGrad ignored = NoGrad.enter()) {
            Norm.batchNorm2d(x, null, null, runningMean, runningVar, true, 0.1, 1e-5);
        }
        assertThat(runningMean.toArray()).isNotEqualTo(new float[4]);
    }
}
