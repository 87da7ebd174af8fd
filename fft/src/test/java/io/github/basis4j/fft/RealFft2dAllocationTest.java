package io.github.basis4j.fft;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.testing.Numerics;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hot transforms allocate nothing per call: scratch comes from {@link Workspace}, and once the JIT has
 * compiled them the vector kernels keep every vector in registers. On one thread every chunk runs on
 * the caller, so the caller's allocation counter sees all of a call.
 *
 * <p>A cold Vector API kernel (interpreted, or compiled without C2) runs the API's Java fallback, which
 * allocates an array and a vector object per operation: megabytes per call for these planes. The test
 * therefore repeats the calls until C2 has compiled every kernel they use and asserts that a long run
 * of consecutive calls then stays within 1 KB per call: a call's parallel-loop lambdas take a few
 * hundred bytes when escape analysis cannot remove them (in a JVM that has run other tests, it
 * often cannot). A kernel that allocates when hot, or scratch allocated per chunk (tens of KB per
 * call here), never gets there.
 */
class RealFft2dAllocationTest {
    /**
     * [h, w] planes that together use every butterfly and every row path: 14×14 radix 2 and 7, even
     * W; 12×10 radix 4, 3 and 5; 16×9 radix 8 and 2 with odd W (radix 3); 11×16 Bluestein (padded
     * to 21 = 3·7) with radix 8 rows.
     */
    private static final int[][] PLANES = {{14, 14}, {12, 10}, {16, 9}, {11, 16}};
    /** Channels: two vectors of 8 lanes plus a scalar tail at every vector width. */
    private static final int C = 19;
    private static final int N = 2;
    /** Bytes a warm round (forward, inverse and both adjoints of every plane) may allocate: 1 KB per call. */
    private static final long BOUND = 1024L * 4 * PLANES.length;
    /** Consecutive rounds within the bound that count as hot. */
    private static final int HOT_ROUNDS = 50;
    /**
     * Generous limits on the warm-up: C2 compiles the kernels after a few hundred rounds, within a few
     * seconds even on a busy machine; hot rounds take about a hundred microseconds.
     */
    private static final int MAX_ROUNDS = 20_000;
    private static final long WARM_UP_NANOS = 20_000_000_000L;

    private final int savedThreads = Parallel.threads();
    private final FftKernels kernels = Backends.current().fft();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void warmTransformsAndAdjointsAllocateNothingOnOneThread() {
        Parallel.setThreads(1);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int planes = PLANES.length;
        RealFft2dPlan[] forward = new RealFft2dPlan[planes], inverse = new RealFft2dPlan[planes];
        float[][] real = new float[planes][], spectrum = new float[planes][], back = new float[planes][];
        for (int i = 0; i < planes; i++) {
            int h = PLANES[i][0], w = PLANES[i][1];
            forward[i] = RealFft2dPlan.of(h, w, C, RealFft2dPlan.Direction.REAL_TO_COMPLEX);
            inverse[i] = RealFft2dPlan.of(h, w, C, RealFft2dPlan.Direction.COMPLEX_TO_REAL);
            assertThat(forward[i].engine()).as(Arrays.toString(PLANES[i])).isEqualTo(RealFft2dPlan.Engine.BATCHED);
            real[i] = Numerics.randomFloats(N * h * w * C, 1 + i);
            spectrum[i] = new float[N * 2 * h * (w / 2 + 1) * C];
            back[i] = new float[real[i].length];
        }
        long deadline = System.nanoTime() + WARM_UP_NANOS;
        int rounds = 0, hot = 0;
        long last = -1, least = Long.MAX_VALUE;
        while (hot < HOT_ROUNDS && rounds < MAX_ROUNDS && System.nanoTime() - deadline < 0) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < planes; i++) {
                forward[i].execute(real[i], 0, spectrum[i], 0, N, Norm.ORTHO);
                inverse[i].execute(spectrum[i], 0, back[i], 0, N, Norm.ORTHO);
                // The adjoints: the accumulating paths and their intermediate spectrum.
                forward[i].execute(kernels, real[i], 0, spectrum[i], 0, N, 0.5f, 0.25f, true);
                inverse[i].execute(kernels, spectrum[i], 0, back[i], 0, N, 0.5f, 0.25f, true);
            }
            last = bean.getCurrentThreadAllocatedBytes() - before;
            least = Math.min(least, last);
            hot = last <= BOUND ? hot + 1 : 0;
            rounds++;
        }
        assertThat(hot).as("consecutive rounds within %d bytes after %d rounds (last %d bytes, least %d bytes)",
                BOUND, rounds, last, least).isEqualTo(HOT_ROUNDS);
    }
}
