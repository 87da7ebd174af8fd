package io.github.basis4j.fft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.fft.RealFft2dPlan.Direction;
import io.github.basis4j.fft.RealFft2dPlan.Engine;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import org.junit.jupiter.api.Test;

/** Plans and the facade: determinism across threads, backend and engine parity, caching, the planner's rule, bad input. */
class RealFft2dPlanTest {
    /** [n, h, w, c]: network-like, Bluestein (37), odd width, and a JTransforms-engine shape. */
    private static final int[][] SHAPES = {{2, 56, 56, 16}, {1, 37, 30, 5}, {3, 9, 7, 33}, {2, 64, 64, 1}};

    private interface Op {
        float[] run(FftKernels k, int n, int h, int w, int c);
    }

    private static final Op[] OPS = {
        (k, n, h, w, c) -> {
            float[] out = new float[2 * n * h * (w / 2 + 1) * c];
            RealFft2d.rfft2(k, Numerics.randomFloats(n * h * w * c, 1), 0, out, 0, n, h, w, c, Norm.ORTHO);
            return out;
        },
        (k, n, h, w, c) -> {
            float[] out = new float[n * h * w * c];
            RealFft2d.irfft2(k, Numerics.randomFloats(2 * n * h * (w / 2 + 1) * c, 2), 0, out, 0, n, h, w, c, Norm.BACKWARD);
            return out;
        },
        (k, n, h, w, c) -> {
            float[] out = Numerics.randomFloats(n * h * w * c, 3);
            RealFft2d.rfft2Backward(k, Numerics.randomFloats(2 * n * h * (w / 2 + 1) * c, 4), 0, out, 0, n, h, w, c, Norm.FORWARD);
            return out;
        },
        (k, n, h, w, c) -> {
            float[] out = Numerics.randomFloats(2 * n * h * (w / 2 + 1) * c, 5);
            RealFft2d.irfft2Backward(k, Numerics.randomFloats(n * h * w * c, 6), 0, out, 0, n, h, w, c, Norm.ORTHO);
            return out;
        },
    };
    private static final String[] OP_NAMES = {"rfft2", "irfft2", "rfft2Backward", "irfft2Backward"};

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        int before = Parallel.threads();
        FftKernels k = Backends.current().fft();
        try {
            for (int[] s : SHAPES) {
                for (int op = 0; op < OPS.length; op++) {
                    Parallel.setThreads(1);
                    float[] one = OPS[op].run(k, s[0], s[1], s[2], s[3]);
                    Parallel.setThreads(2);
                    float[] two = OPS[op].run(k, s[0], s[1], s[2], s[3]);
                    Numerics.assertBitIdentical(OP_NAMES[op] + " " + java.util.Arrays.toString(s) + " 1 vs 2 threads", one, two);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void vectorBackendMatchesTheScalarOne() {
        for (int[] s : new int[][] {{2, 28, 28, 33}, {1, 13, 18, 17}, {1, 14, 14, 100}}) {
            for (int op = 0; op < OPS.length; op++) {
                float[] scalar = OPS[op].run(BackendPair.oracle().fft(), s[0], s[1], s[2], s[3]);
                float[] vector = OPS[op].run(BackendPair.underTest().fft(), s[0], s[1], s[2], s[3]);
                double max = 0;
                for (float v : scalar) max = Math.max(max, Math.abs(v));
                Numerics.assertClose(OP_NAMES[op] + " " + java.util.Arrays.toString(s) + " vector vs scalar",
                        scalar, vector, 0, 1e-6 * max * 16);
            }
        }
    }

    @Test
    void jtransformsEngineMatchesTheBatchedOne() {
        FftKernels k = Backends.current().fft();
        int[][] shapes = {{2, 64, 64, 1}, {1, 16, 32, 3}, {2, 8, 2, 2}};
        for (int[] s : shapes) {
            int n = s[0], h = s[1], w = s[2], c = s[3];
            int real = n * h * w * c, complex = 2 * n * h * (w / 2 + 1) * c;
            // Unequal edge and middle factors, as the adjoints use them.
            float edge = 0.8f, mid = 0.3f;
            for (Direction d : Direction.values()) {
                // Overwriting, and adding into outputs that already hold values (the adjoints).
                for (boolean accumulate : new boolean[] {false, true}) {
                    boolean fwd = d == Direction.REAL_TO_COMPLEX;
                    float[] in = Numerics.randomFloats(fwd ? real : complex, h * 10L + w);
                    int outLength = fwd ? complex : real;
                    float[] batched = accumulate ? Numerics.randomFloats(outLength, 9) : new float[outLength];
                    float[] jt = batched.clone();
                    RealFft2dPlan.create(h, w, c, d, Engine.BATCHED).execute(k, in, 0, batched, 0, n, edge, mid, accumulate);
                    RealFft2dPlan.create(h, w, c, d, Engine.JTRANSFORMS).execute(k, in, 0, jt, 0, n, edge, mid, accumulate);
                    double max = 0;
                    for (float v : batched) max = Math.max(max, Math.abs(v));
                    Numerics.assertClose("JTransforms vs batched " + java.util.Arrays.toString(s) + " " + d
                            + (accumulate ? " adding" : ""), batched, jt, 0, 1e-5 * max);
                }
            }
        }
    }

    @Test
    void plansAreCachedAndTheRulePicksTheEngine() {
        RealFft2dPlan p = RealFft2dPlan.of(56, 56, 128, Direction.REAL_TO_COMPLEX);
        assertThat(RealFft2dPlan.of(56, 56, 128, Direction.REAL_TO_COMPLEX)).isSameAs(p);
        assertThat(RealFft2dPlan.of(56, 56, 128, Direction.COMPLEX_TO_REAL)).isNotSameAs(p);
        assertThat(p.height()).isEqualTo(56);
        assertThat(p.width()).isEqualTo(56);
        assertThat(p.complexWidth()).isEqualTo(29);
        assertThat(p.channels()).isEqualTo(128);
        assertThat(p.direction()).isEqualTo(Direction.REAL_TO_COMPLEX);
        assertThat(p.engine()).isEqualTo(Engine.BATCHED);
        assertThat(RealFft2dPlan.of(64, 64, 1, Direction.REAL_TO_COMPLEX).engine()).isEqualTo(Engine.JTRANSFORMS);
        assertThat(RealFft2dPlan.of(16, 256, 2, Direction.COMPLEX_TO_REAL).engine()).isEqualTo(Engine.JTRANSFORMS);
        assertThat(RealFft2dPlan.of(64, 64, 3, Direction.REAL_TO_COMPLEX).engine()).isEqualTo(Engine.BATCHED);
        assertThat(RealFft2dPlan.of(56, 56, 1, Direction.REAL_TO_COMPLEX).engine()).isEqualTo(Engine.BATCHED);
        assertThat(RealFft2dPlan.of(8, 8, 1, Direction.REAL_TO_COMPLEX).engine()).isEqualTo(Engine.BATCHED);
        assertThat(ComplexFft1d.of(56, false).radices()).containsExactly(8, 7);
        assertThat(ComplexFft1d.of(97, true).isBluestein()).isTrue();
        assertThat(ComplexFft1d.smoothAtLeast(193)).isEqualTo(196);
    }

    @Test
    void planExecuteAppliesTheNormOnTheCurrentBackend() {
        int n = 2, h = 6, w = 5, c = 3;
        float[] x = Numerics.randomFloats(n * h * w * c, 8);
        float[] viaPlan = new float[2 * n * h * 3 * c], viaFacade = new float[viaPlan.length];
        RealFft2dPlan.of(h, w, c, Direction.REAL_TO_COMPLEX).execute(x, 0, viaPlan, 0, n, Norm.ORTHO);
        RealFft2d.rfft2(x, 0, viaFacade, 0, n, h, w, c, Norm.ORTHO);
        Numerics.assertBitIdentical("plan vs facade", viaFacade, viaPlan);
        assertThatThrownBy(() -> RealFft2dPlan.of(h, w, c, Direction.REAL_TO_COMPLEX).execute(x, 0, new float[10], 0, n, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out needs " + viaPlan.length);
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        assertThatThrownBy(() -> RealFft2d.rfft2(Tensor.zeros(4, 4, 3), Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rfft2: x must be [N, H, W, C], got [4, 4, 3]");
        assertThatThrownBy(() -> RealFft2d.rfft2(Tensor.zeros(1, 4, 4, 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("norm must not be null");
        assertThatThrownBy(() -> RealFft2d.irfft2(Tensor.zeros(1, 4, 4, 2, 3), 4, 8, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("irfft2: spectrum must be [N, H, W/2+1, 2, C] = [1, 4, 5, 2, 3] for h=4, w=8, got [1, 4, 4, 2, 3]");
        assertThatThrownBy(() -> RealFft2d.irfft2(Tensor.zeros(1, 4, 5, 2, 3), 5, 8, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("for h=5, w=8, got [1, 4, 5, 2, 3]");
        assertThatThrownBy(() -> RealFft2d.irfft2(Tensor.zeros(1, 4, 5, 3, 2), 4, 8, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, H, W/2+1, 2, C]");
        assertThatThrownBy(() -> RealFft2d.irfft2(Tensor.zeros(1, 4, 5, 2, 3), 4, 0, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive, got h=4, w=0");
        assertThatThrownBy(() -> RealFft2d.rfft2(new float[16], 0, new float[40], 0, 1, 0, 4, 2, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rfft2: sizes must be positive, got h=0, w=4, c=2");
        assertThatThrownBy(() -> RealFft2d.irfft2(new float[40], 0, new float[16], 0, 1, 2, -4, 2, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w=-4");
        assertThatThrownBy(() -> RealFft2d.rfft2(new float[16], 0, new float[40], 0, -1, 2, 4, 2, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n must be >= 0, got -1");
        assertThatThrownBy(() -> RealFft2d.rfft2(new float[15], 0, new float[24], 0, 1, 2, 4, 2, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rfft2: x needs 16 floats from offset 0, but the array has 15");
        assertThatThrownBy(() -> RealFft2d.rfft2(new float[16], 0, new float[24], 1, 1, 2, 4, 2, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rfft2: spectrum needs 24 floats from offset 1, but the array has 24");
        assertThatThrownBy(() -> RealFft2d.rfft2Backward(Tensor.zeros(1, 4, 3, 2, 2), Tensor.zeros(1, 4, 4, 3), Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rfft2Backward: gradSpectrum must be [1, 4, 3, 2, 3] to match gradX [1, 4, 4, 3], got [1, 4, 3, 2, 2]");
        assertThatThrownBy(() -> RealFft2d.irfft2Backward(Tensor.zeros(2, 4, 4, 3), Tensor.zeros(1, 4, 3, 2, 3), Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to match gradY [2, 4, 4, 3]");
        assertThatThrownBy(() -> RealFft2dPlan.of(4, 4, 0, Direction.REAL_TO_COMPLEX))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c=0");
        assertThatThrownBy(() -> ComplexLayout.toViewAsReal(Tensor.zeros(1, 2, 2, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[N, H, Wc, 2, C]");
        assertThatThrownBy(() -> ComplexLayout.fromViewAsReal(Tensor.zeros(1, 2, 2, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("view_as_real");
    }
}
