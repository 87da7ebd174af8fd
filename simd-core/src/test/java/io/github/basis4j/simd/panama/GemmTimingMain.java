package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.testing.Numerics;

/**
 * A rough timing loop that guided the choice of {@link PanamaGemm}'s tile and block sizes; not a test
 * and not a benchmark (those live in the benchmarks module and run under JMH on a quiet machine).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * io.github.basis4j.simd.panama.GemmTimingMain [threads]}. Prints GFLOP/s (2·m·n·k per product), best of
 * several repetitions after a C2 warm-up.
 */
public final class GemmTimingMain {
    private GemmTimingMain() {
    }

    /** Times the shapes that matter: square products and the conv-shaped ones from im2col. */
    public static void main(String[] args) {
        Parallel.setThreads(args.length > 0 ? Integer.parseInt(args[0]) : 1);
        PanamaGemm gemm = new PanamaGemm();
        int[][] shapes = {
                // m, n, k, transA (1 = yes), transB
                {1024, 1024, 1024, 0, 0}, {256, 256, 256, 0, 0}, {3136, 64, 576, 0, 0}, {8192, 64, 576, 0, 0},
                {131072, 16, 144, 0, 0}, {144, 16, 131072, 1, 0}, {576, 64, 3136, 1, 0}, {3136, 576, 64, 0, 1},
                {1024, 1024, 1024, 1, 1},
                // a linear layer at batch 1 and its input gradient (the vector × matrix path)
                {1, 1000, 512, 0, 1}, {1, 512, 1000, 0, 0},
        };
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            boolean ta = s[3] == 1, tb = s[4] == 1;
            float[] a = Numerics.randomFloats(m * k, 1), b = Numerics.randomFloats(k * n, 2), c = new float[m * n];
            double flops = 2.0 * m * n * k;
            int reps = (int) Math.max(3, Math.min(2000, 4e9 / flops));
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 8; round++) {
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
            }
            System.out.printf("m=%d n=%d k=%d transA=%b transB=%b: %.1f GFLOP/s (%.3f ms)%n",
                    m, n, k, ta, tb, flops / best / 1e9, best * 1e3);
        }
    }
}
