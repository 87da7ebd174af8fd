package io.github.basis4j.simd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.GemmKernels;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Twin parity of the backend's {@link GemmKernels} (PanamaGemm at 512, 256 and 128 bits; the scalar
 * one under {@code -Dbasis4j.backend=scalar}) against the scalar oracle, and of the oracle against a
 * naive double-precision triple loop. Every case runs at non-zero offsets with leading dimensions
 * wider than the rows, and checks that nothing outside the [m, n] window of C is touched.
 */
class GemmKernelsTest {
    /** Sizes around every vector width and micro-kernel edge (lanes 4, 8, 16; MR 8; NR 8, 16, 32). */
    private static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127};
    /** Per-product rounding bound: float sums of k terms of magnitude ≤ 1.5 drift by ~k·ulp at worst. */
    private static final double ATOL_PER_K = 4e-7;
    private static final double RTOL = 1e-5;

    private final GemmKernels oracle = BackendPair.oracle().gemm();
    private final GemmKernels underTest = BackendPair.underTest().gemm();
    private final int initialThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(initialThreads);
    }

    /** One product laid out with padding and guards, run through two implementations. */
    private record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                        int lda, int ldb, int ldc, int aOff, int bOff, int cOff, float[] a, float[] b, float[] c) {

        static Case random(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                           int pad, long seed) {
            int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
            int aOff = 3 + pad, bOff = 5, cOff = 7 + pad;
            float[] a = Numerics.randomFloats(aOff + (transA ? k : m) * lda + 11, seed);
            float[] b = Numerics.randomFloats(bOff + (transB ? n : k) * ldb + 13, seed + 1);
            // beta = 0 must not read C: fill all of it (guards included) with NaN to prove it.
            float[] c = beta == 0f ? nanArray(cOff + m * ldc + 17) : Numerics.randomFloats(cOff + m * ldc + 17, seed + 2);
            return new Case(transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, aOff, bOff, cOff, a, b, c);
        }

        float[] run(GemmKernels gemm) {
            float[] out = c.clone();
            gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        boolean inWindow(int index) {
            int rel = index - cOff;
            return rel >= 0 && rel < m * ldc && rel % ldc < n;
        }

        String describe() {
            return "sgemm(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        }

        /** Expected and actual agree within rounding inside the window and bit for bit outside it. */
        void assertMatches(float[] expected, float[] actual) {
            double atol = ATOL_PER_K * k + 1e-6;
            for (int i = 0; i < actual.length; i++) {
                if (inWindow(i)) {
                    double e = expected[i], x = actual[i];
                    if (!(Math.abs(e - x) <= atol + RTOL * Math.abs(e))) {
                        int rel = i - cOff;
                        throw new AssertionError(describe() + ": C[" + rel / ldc + ", " + rel % ldc + "] expected " + e
                                + ", got " + x);
                    }
                } else if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(actual[i])) {
                    throw new AssertionError(describe() + ": wrote outside C's window at array index " + i);
                }
            }
        }
    }

    private static float[] nanArray(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    private void assertParity(Case cs) {
        cs.assertMatches(cs.run(oracle), cs.run(underTest));
    }

    @Test
    void matchesOracleOverAwkwardSizesForAllTransposes() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 0.75f}, {1.5f, 0f}};
        int cases = 0;
        for (int m : SIZES) {
            for (int n : SIZES) {
                // Every (m, n) pair with two sampled depths keeps the sweep fast while every size meets every other.
                for (int draw = 0; draw < 2; draw++) {
                    int k = SIZES[rnd.nextInt(SIZES.length)];
                    boolean transA = rnd.nextBoolean(), transB = rnd.nextBoolean();
                    float[] ab = alphaBeta[rnd.nextInt(alphaBeta.length)];
                    assertParity(Case.random(transA, transB, m, n, k, ab[0], ab[1], rnd.nextInt(3) * 5, rnd.nextLong()));
                    cases++;
                }
            }
        }
        assertEquals(2 * SIZES.length * SIZES.length, cases);
    }

    @Test
    void matchesOracleOnEveryTransposeAndDepthAtEveryEdge() {
        // All four transposes × every k: the packing of each transpose sees every depth remainder.
        int[] mn = {1, 7, 17, 33};
        long seed = 7;
        for (int t = 0; t < 4; t++) {
            for (int k : SIZES) {
                for (int m : mn) {
                    assertParity(Case.random((t & 1) != 0, (t & 2) != 0, m, 40 - m, k, 0.75f, 0.5f, 3, seed++));
                }
            }
        }
    }

    @Test
    void matchesOracleOnLargerShapesSpanningTilesAndDepthBlocks() {
        // 200 × 300 × 257: two row tiles and two depth blocks; 37 × 600 × 530: two column tiles, three blocks;
        // 129 × 16 × 300: the narrow n = 16 path with a depth remainder.
        int[][] shapes = {{200, 300, 257}, {37, 600, 530}, {129, 16, 300}, {3, 130, 1100}};
        long seed = 100;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                assertParity(Case.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, t == 3 ? 0f : -1.25f, 4, seed++));
            }
        }
    }

    @Test
    void matchesOracleOnNarrowedTilesAndSharedPanels() {
        // Few rows: tiles narrowed to a few panels so there are enough of them; 49 rows leave a 17-column
        // panel and, at 520 deep, three depth blocks with an uneven register-transposed remainder.
        // 400 × 100 and 784 × 128 have several rows of tiles, so B is packed once and shared; 400 × 17
        // shares a narrow last panel.
        int[][] shapes = {{49, 300, 520}, {64, 200, 70}, {65, 200, 70}, {2, 40, 33}, {400, 100, 600}, {784, 128, 64},
                {400, 17, 300}};
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0.75f}, {1.5f, 0f}, {1f, 1f}};
        long seed = 1300;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                float[] ab = alphaBeta[t];
                assertParity(Case.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], 3, seed++));
            }
            assertParity(Case.random(false, true, s[0], s[1], s[2], 0.5f, 1f, 0, seed++));
        }
    }

    @Test
    void matchesOracleWhenDepthIsSplitIntoChunks() {
        // Few C tiles and k of two or more 1024-deep chunks: PanamaGemm sums per-chunk partial products.
        // 2049 leaves a one-element remainder, 4097 four uneven chunks; m = 193 spans two row tiles.
        int[][] shapes = {{3, 7, 2100}, {17, 33, 4097}, {193, 5, 2049}, {2, 130, 2049}};
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0.75f}, {1.5f, 0f}, {1f, 1f}};
        long seed = 900;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                float[] ab = alphaBeta[t];
                assertParity(Case.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], 3, seed++));
            }
        }
    }

    @Test
    void matchesOracleForASingleRowOrColumnOfC() {
        // m = 1 or n = 1 is a vector × matrix product (PanamaGemv): row-major and transposed matrices,
        // x strided whenever the padding makes lda or ldb exceed 1, outputs around every block edge.
        int[] sizes = {1, 2, 3, 7, 15, 16, 17, 31, 33, 127, 1000};
        int[] depths = {1, 17, 127, 1000};
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 0.75f}, {1.5f, 0f}, {1f, 1f}};
        long seed = 1300;
        for (int t = 0; t < 4; t++) {
            for (int other : sizes) {
                for (int k : depths) {
                    float[] ab = alphaBeta[(int) (seed & 3)];
                    boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                    int pad = (int) (seed % 3) * 2;
                    assertParity(Case.random(transA, transB, 1, other, k, ab[0], ab[1], pad, seed++));
                    assertParity(Case.random(transA, transB, other, 1, k, ab[0], ab[1], pad, seed++));
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNsInC() {
        Case cs = Case.random(false, true, 45, 50, 33, 1f, 0f, 2, 3);
        float[] out = cs.run(underTest);
        for (int i = 0; i < out.length; i++) {
            if (cs.inWindow(i)) assertTrue(Float.isFinite(out[i]), "C element at array index " + i + " must be finite");
        }
        cs.assertMatches(cs.run(oracle), out);
    }

    @Test
    void emptyDepthScalesC() {
        // k = 0: op(A)·op(B) is the zero matrix, so C = beta·C (and 0 for beta = 0, even over NaNs).
        for (float beta : new float[] {0f, 0.5f}) {
            Case cs = Case.random(false, false, 9, 21, 0, 1f, beta, 1, 11);
            float[] out = cs.run(underTest);
            for (int i = 0; i < out.length; i++) {
                if (cs.inWindow(i)) assertEquals(beta == 0f ? 0f : beta * cs.c()[i], out[i], 0f, "C at array index " + i);
            }
            cs.assertMatches(cs.run(oracle), out);
        }
    }

    @Test
    void oracleMatchesNaiveDoubleLoops() {
        int[][] shapes = {{1, 1, 1}, {3, 7, 5}, {17, 16, 33}, {31, 2, 127}, {64, 65, 63}};
        long seed = 500;
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Case cs = Case.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], -0.75f, t == 0 ? 0f : 1.5f, 2, seed++);
                cs.assertMatches(naive(cs), cs.run(oracle));
            }
        }
    }

    /** C = alpha·op(A)·op(B) + beta·C straight from the definition, summed in double. */
    private static float[] naive(Case cs) {
        float[] out = cs.c().clone();
        for (int i = 0; i < cs.m(); i++) {
            for (int j = 0; j < cs.n(); j++) {
                double sum = 0;
                for (int p = 0; p < cs.k(); p++) {
                    double aip = cs.transA() ? cs.a()[cs.aOff() + p * cs.lda() + i] : cs.a()[cs.aOff() + i * cs.lda() + p];
                    double bpj = cs.transB() ? cs.b()[cs.bOff() + j * cs.ldb() + p] : cs.b()[cs.bOff() + p * cs.ldb() + j];
                    sum += aip * bpj;
                }
                int ci = cs.cOff() + i * cs.ldc() + j;
                out[ci] = (float) (cs.beta() == 0f ? cs.alpha() * sum : cs.alpha() * sum + (double) cs.beta() * cs.c()[ci]);
            }
        }
        return out;
    }

    @Test
    void stridedBatchedMatchesOneProductAtATime() {
        // Small products (one tile each, batched in parallel) and a large one (split into tiles itself);
        // stride 0 on A shares one matrix as a weight is shared.
        int[][] shapes = {{17, 33, 20}, {300, 40, 70}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2], batch = 3;
            for (int strideAZero = 0; strideAZero < 2; strideAZero++) {
                int lda = k + 1, ldb = n, ldc = n + 3;
                int strideA = strideAZero == 1 ? 0 : m * lda + 5, strideB = k * ldb + 2, strideC = m * ldc + 4;
                float[] a = Numerics.randomFloats(2 + batch * m * lda + 5 * batch, 21);
                float[] b = Numerics.randomFloats(1 + batch * strideB, 22);
                float[] c0 = Numerics.randomFloats(6 + batch * strideC, 23);
                float[] expected = c0.clone(), actual = c0.clone();
                for (int i = 0; i < batch; i++) {
                    oracle.sgemm(false, false, m, n, k, 0.5f, a, 2 + i * strideA, lda, b, 1 + i * strideB, ldb,
                            2f, expected, 6 + i * strideC, ldc);
                }
                underTest.sgemmStridedBatched(false, false, m, n, k, 0.5f, a, 2, lda, strideA, b, 1, ldb, strideB,
                        2f, actual, 6, ldc, strideC, batch);
                Numerics.assertClose("strided batch m=" + m + " n=" + n + " k=" + k + " strideA=" + strideA,
                        expected, actual, RTOL, ATOL_PER_K * k + 1e-6);
            }
        }
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        // 300 × 700 × 600 splits into several C tiles and three depth blocks; the transposed variants take
        // the other packing routines. The batch covers the parallel-over-products path.
        // 144 × 16 × 5000 is split along k; 1 × 1000 and 1000 × 1 (vector × matrix) span several chunks.
        // 49 × 600 × 520 is cut into narrowed tiles; 400 × 100 × 300 shares one packed B among its rows of tiles.
        int[][] shapes = {{300, 700, 600}, {131, 16, 700}, {144, 16, 5000}, {1, 1000, 300}, {1000, 1, 300},
                {49, 600, 520}, {400, 100, 300}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                Case cs = Case.random((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, 0.5f, 1, 31 + t);
                Parallel.setThreads(1);
                float[] one = cs.run(underTest);
                Parallel.setThreads(2);
                float[] two = cs.run(underTest);
                Numerics.assertBitIdentical(cs.describe() + " with 1 vs 2 threads", one, two);
            }
        }
        int m = 20, n = 30, k = 40, batch = 5;
        float[] a = Numerics.randomFloats(batch * m * k, 1), b = Numerics.randomFloats(k * n, 2);
        float[] one = new float[batch * m * n], two = new float[batch * m * n];
        Parallel.setThreads(1);
        underTest.sgemmStridedBatched(false, false, m, n, k, 1f, a, 0, k, m * k, b, 0, n, 0, 0f, one, 0, n, m * n, batch);
        Parallel.setThreads(2);
        underTest.sgemmStridedBatched(false, false, m, n, k, 1f, a, 0, k, m * k, b, 0, n, 0, 0f, two, 0, n, m * n, batch);
        Numerics.assertBitIdentical("strided batch with 1 vs 2 threads", one, two);
    }
}
