package io.github.basis4j.nn.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Conv;
import io.github.basis4j.nn.functional.Dense;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.loss.Mse;
import io.github.basis4j.nn.profile.OpProfiler.Phase;
import io.github.basis4j.nn.profile.OpProfiler.Snapshot;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The op profiler: off unless asked for, and when on it puts each op's forward and backward under the op's
 * category, counts an op that calls another op once, and never adds more time than passed.
 */
class OpProfilerTest {
    @AfterEach
    void switchOff() {
        OpProfiler.setEnabled(false);
        OpProfiler.reset();
    }

    /** A small network step touching four categories: dense conv, depthwise conv, ReLU, linear, then MSE. */
    private static Variable step() {
        Variable x = Variable.constant(Tensor.uniform(Shape.of(2, 8, 8, 4), -1f, 1f, 1));
        Parameter dense = new Parameter(Tensor.uniform(Shape.of(4, 4, 3, 3), -0.3f, 0.3f, 2));
        Parameter depthwise = new Parameter(Tensor.uniform(Shape.of(4, 1, 3, 3), -0.3f, 0.3f, 3));
        Parameter fc = new Parameter(Tensor.uniform(Shape.of(3, 4), -0.5f, 0.5f, 4));
        Variable h = Conv.conv2d(x, dense, null, Conv2dParams.of(1, 1, 1, 1));
        h = Conv.conv2d(h, depthwise, null, Conv2dParams.of(1, 1, 1, 4));
        h = Activation.relu(h);
        h = Dense.linear(h, fc, null);
        return Mse.mse(h, Tensor.zeros(h.value().shape()));
    }

    @Test
    void isOffByDefaultAndThenRecordsNothing() {
        assertThat(System.getProperty(OpProfiler.PROPERTY)).as("the test JVM must not set -D" + OpProfiler.PROPERTY).isNull();
        assertThat(OpProfiler.isEnabled()).isFalse();
        step().backward();
        Snapshot s = OpProfiler.snapshot();
        assertThat(s.totalNanos()).isZero();
        for (OpCategory c : OpCategory.values()) {
            for (Phase p : Phase.values()) assertThat(s.calls(c, p)).as(c + " " + p).isZero();
        }
        try (OpProfiler.Scope gemm = OpProfiler.time(OpCategory.GEMM); OpProfiler.Scope fft = OpProfiler.time(OpCategory.FFT)) {
            assertThat(gemm).as("a disabled time() returns the shared no-op scope").isSameAs(fft);
            assertThat(OpProfiler.currentCategory()).isNull();
        }
        assertThat(OpProfiler.snapshot().totalNanos()).isZero();
    }

    @Test
    void attributesForwardAndBackwardToEachOpsCategory() {
        OpProfiler.setEnabled(true);
        long t0 = System.nanoTime();
        Variable loss = step();
        loss.backward();
        long wall = System.nanoTime() - t0;
        Snapshot s = OpProfiler.snapshot();
        for (OpCategory c : new OpCategory[] {OpCategory.CONV, OpCategory.DEPTHWISE_CONV, OpCategory.ELEMENTWISE, OpCategory.GEMM}) {
            assertThat(s.calls(c, Phase.FORWARD)).as(c + " forward calls").isEqualTo(1);
            assertThat(s.calls(c, Phase.BACKWARD)).as(c + " backward calls").isEqualTo(1);
            assertThat(s.nanos(c, Phase.FORWARD)).as(c + " forward time").isPositive();
            assertThat(s.nanos(c, Phase.BACKWARD)).as(c + " backward time").isPositive();
        }
        // The MSE loss is "other", forward and backward.
        assertThat(s.calls(OpCategory.OTHER, Phase.FORWARD)).isEqualTo(1);
        assertThat(s.calls(OpCategory.OTHER, Phase.BACKWARD)).isEqualTo(1);
        assertThat(s.calls(OpCategory.NORM, Phase.FORWARD)).isZero();
        assertThat(s.calls(OpCategory.FFT, Phase.FORWARD)).isZero();
        // Sequential ops on one thread: their times add up to no more than the time that passed.
        assertThat(s.totalNanos()).isLessThanOrEqualTo(wall);
        assertThat(s.nanos(OpCategory.GEMM)).isEqualTo(s.nanos(OpCategory.GEMM, Phase.FORWARD) + s.nanos(OpCategory.GEMM, Phase.BACKWARD));
    }

    @Test
    void countsAnOpCallingAnotherOpOnceAndSnapshotsSubtract() {
        OpProfiler.setEnabled(true);
        Snapshot before = OpProfiler.snapshot();
        // The 4-argument maxPool2d delegates to the 7-argument one: one outermost op.
        Pool.maxPool2d(Variable.constant(Tensor.uniform(Shape.of(1, 4, 4, 2), -1f, 1f, 5)), 2, 2, 0);
        Snapshot d = OpProfiler.snapshot().minus(before);
        assertThat(d.calls(OpCategory.OTHER, Phase.FORWARD)).isEqualTo(1);
        assertThat(OpProfiler.currentCategory()).as("no op open after it returned").isNull();

        try (var _ = OpProfiler.time(OpCategory.FFT)) {
            assertThat(OpProfiler.currentCategory()).isEqualTo(OpCategory.FFT);
            Activation.relu(Variable.constant(Tensor.uniform(Shape.of(16), -1f, 1f, 6)));
            assertThat(OpProfiler.currentCategory()).as("the outer op is still open").isEqualTo(OpCategory.FFT);
        }
        assertThat(OpProfiler.currentCategory()).isNull();
        Snapshot e = OpProfiler.snapshot().minus(before);
        assertThat(e.calls(OpCategory.FFT, Phase.FORWARD)).isEqualTo(1);
        assertThat(e.calls(OpCategory.ELEMENTWISE, Phase.FORWARD)).as("the nested relu is part of the outer op").isZero();
    }

    @Test
    void anOpThatThrowsLeavesNoOpOpen() {
        OpProfiler.setEnabled(true);
        assertThatThrownBy(() -> Dense.linear(Variable.constant(Tensor.zeros(2, 3)), new Parameter(Tensor.zeros(4, 5)), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(OpProfiler.currentCategory()).isNull();
        Activation.relu(Variable.constant(Tensor.zeros(3)));
        assertThat(OpProfiler.snapshot().calls(OpCategory.ELEMENTWISE, Phase.FORWARD)).as("the next op is timed").isEqualTo(1);
        assertThatThrownBy(() -> OpProfiler.time(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetClearsTotals() {
        OpProfiler.setEnabled(true);
        step();
        assertThat(OpProfiler.snapshot().totalNanos()).isPositive();
        OpProfiler.reset();
        assertThat(OpProfiler.snapshot().totalNanos()).isZero();
    }
}
