package io.github.basis4j.fft;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two ways {@link RealFft2dPlan} splits work: by sample (at least as many samples as threads) and
 * within a sample (rows, then column strips). Both against double-precision references, every thread
 * count bit-identical, and a batch bit-identical to its samples transformed one at a time.
 */
class RealFft2dThreadingTest {
    /**
     * [h, w, c] planes whose rows fall into several chunks and whose columns into several strips:
     * even width; odd width with a Bluestein height (22 = 2·11).
     */
    private static final int[][] PLANES = {{27, 20, 64}, {22, 15, 96}};

    private final int savedThreads = Parallel.threads();
    private final FftKernels kernels = Backends.current().fft();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void theTestPlanesReallyGiveSeveralRowChunksAndColumnStrips() {
        for (int[] p : PLANES) {
            int h = p[0], w = p[1], c = p[2];
            for (RealFft2dPlan.Direction d : RealFft2dPlan.Direction.values()) {
                RealFft2dPlan plan = RealFft2dPlan.of(h, w, c, d);
                assertThat(plan.engine()).isEqualTo(RealFft2dPlan.Engine.BATCHED);
                int rows = plan.rowGrain(), strip = plan.columnsPerStrip();
                assertThat((h + rows - 1) / rows).as("row chunks").isGreaterThanOrEqualTo(2);
                assertThat((w / 2 + 1 + strip - 1) / strip).as("column strips").isGreaterThanOrEqualTo(2);
            }
        }
    }

    /** Forward, inverse and both adjoints of one sample, split within the sample on two threads. */
    @Test
    void oneSampleSplitAcrossTwoThreadsMatchesTheDirectSums() {
        Parallel.setThreads(2);
        for (int[] p : PLANES) {
            int h = p[0], w = p[1], c = p[2], wc = w / 2 + 1;
            int real = h * w * c, complex = 2 * h * wc * c;
            long points = (long) h * w;
            String what = Arrays.toString(p);
            Norm norm = Norm.ORTHO;
            double fs = norm.forwardScale(points), is = norm.inverseScale(points);

            float[] x = Numerics.randomFloats(real, h);
            float[] spec = new float[complex];
            RealFft2d.rfft2(kernels, x, 0, spec, 0, 1, h, w, c, norm);
            FftAssertions.assertClose("rfft2 " + what, NaiveFft2d.rfft2(Numerics.toDouble(x), 1, h, w, c, fs), spec, 0, points);

            float[] s = Numerics.randomFloats(complex, h + 1);
            float[] y = new float[real];
            RealFft2d.irfft2(kernels, s, 0, y, 0, 1, h, w, c, norm);
            FftAssertions.assertClose("irfft2 " + what, NaiveFft2d.irfft2(Numerics.toDouble(s), 1, h, w, c, is), y, 0, points);

            // The adjoints add into buffers that already hold values.
            float[] gradX = Numerics.randomFloats(real, h + 2);
            double[] expectedX = rfft2Adjoint(Numerics.toDouble(s), h, w, c, fs);
            for (int i = 0; i < real; i++) expectedX[i] += gradX[i];
            RealFft2d.rfft2Backward(kernels, s, 0, gradX, 0, 1, h, w, c, norm);
            FftAssertions.assertClose("rfft2Backward " + what, expectedX, gradX, 0, points);

            float[] gradS = Numerics.randomFloats(complex, h + 3);
            double[] expectedS = irfft2Adjoint(Numerics.toDouble(x), h, w, c, is);
            for (int i = 0; i < complex; i++) expectedS[i] += gradS[i];
            RealFft2d.irfft2Backward(kernels, x, 0, gradS, 0, 1, h, w, c, norm);
            FftAssertions.assertClose("irfft2Backward " + what, expectedS, gradS, 0, points);
        }
    }

    /**
     * A batch of three at 1, 2 and 4 threads: split by sample at 1 and 2 threads, within each sample
     * (rows, column strips) at 4. All give the same bits.
     */
    @Test
    void everySplitAndThreadCountGivesTheSameBits() {
        for (int[] p : PLANES) {
            int h = p[0], w = p[1], c = p[2], wc = w / 2 + 1;
            int real = h * w * c, complex = 2 * h * wc * c;
            for (int op = 0; op < 4; op++) {
                boolean fromReal = op == 0 || op == 3;
                int inSize = fromReal ? real : complex, outSize = fromReal ? complex : real;
                float[] in = Numerics.randomFloats(3 * inSize, 10L * op + h);
                float[] start = Numerics.randomFloats(3 * outSize, 10L * op + h + 1);
                Parallel.setThreads(1);
                float[] reference = run(op, in, start, 3, h, w, c);
                String what = OP_NAMES[op] + " " + Arrays.toString(p);
                for (int threads : new int[] {2, 4}) {
                    Parallel.setThreads(threads);
                    Numerics.assertBitIdentical(what + ": batch at 1 vs " + threads + " threads", reference,
                            run(op, in, start, 3, h, w, c));
                }
            }
        }
    }

    private static final String[] OP_NAMES = {"rfft2", "irfft2", "rfft2Backward", "irfft2Backward"};

    /** Runs op on {@code n} samples; the adjoints add into a copy of {@code start}, the transforms overwrite it. */
    private float[] run(int op, float[] in, float[] start, int n, int h, int w, int c) {
        float[] out = start.clone();
        switch (op) {
            case 0 -> RealFft2d.rfft2(kernels, in, 0, out, 0, n, h, w, c, Norm.ORTHO);
            case 1 -> RealFft2d.irfft2(kernels, in, 0, out, 0, n, h, w, c, Norm.BACKWARD);
            case 2 -> RealFft2d.rfft2Backward(kernels, in, 0, out, 0, n, h, w, c, Norm.FORWARD);
            default -> RealFft2d.irfft2Backward(kernels, in, 0, out, 0, n, h, w, c, Norm.ORTHO);
        }
        return out;
    }

    /**
     * The gradient of {@code L = Σ g·rfft2(x)} (g over the float layout of the half spectrum) with
     * respect to one sample x, from the definition: {@code X_k = scale·Σ_x x·e^{−iθ}} with
     * {@code θ = 2π(k1·y/H + k2·j/W)}, so {@code ∂L/∂x = scale·Σ_k (Re g_k·cos θ − Im g_k·sin θ)}.
     */
    private static double[] rfft2Adjoint(double[] g, int h, int w, int c, double scale) {
        int wc = w / 2 + 1;
        double[] out = new double[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int j = 0; j < w; j++) {
                for (int k1 = 0; k1 < h; k1++) {
                    for (int k2 = 0; k2 < wc; k2++) {
                        double theta = 2 * Math.PI * ((double) (k1 * y % h) / h + (double) (k2 * j % w) / w);
                        double cos = Math.cos(theta), sin = Math.sin(theta);
                        int bin = ((k1 * wc + k2) * 2) * c, at = (y * w + j) * c;
                        for (int ch = 0; ch < c; ch++) out[at + ch] += scale * (g[bin + ch] * cos - g[bin + c + ch] * sin);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The gradient of {@code L = Σ g·irfft2(S)} with respect to one half spectrum S, from the
     * definition of c2r: {@code y = scale·Σ_k f_k·(Re S_k·cos θ − Im S_k·sin θ)} with {@code f_k = 1} in
     * the DC and (even W) Nyquist columns and 2 elsewhere (a bin and its conjugate mirror), so
     * {@code ∂L/∂Re S_k = scale·f_k·Σ g·cos θ} and {@code ∂L/∂Im S_k = −scale·f_k·Σ g·sin θ}.
     */
    private static double[] irfft2Adjoint(double[] g, int h, int w, int c, double scale) {
        int wc = w / 2 + 1;
        double[] out = new double[2 * h * wc * c];
        for (int k1 = 0; k1 < h; k1++) {
            for (int k2 = 0; k2 < wc; k2++) {
                double f = k2 == 0 || 2 * k2 == w ? 1 : 2;
                int bin = ((k1 * wc + k2) * 2) * c;
                for (int y = 0; y < h; y++) {
                    for (int j = 0; j < w; j++) {
                        double theta = 2 * Math.PI * ((double) (k1 * y % h) / h + (double) (k2 * j % w) / w);
                        double cos = scale * f * Math.cos(theta), sin = scale * f * Math.sin(theta);
                        int at = (y * w + j) * c;
                        for (int ch = 0; ch < c; ch++) {
                            out[bin + ch] += g[at + ch] * cos;
                            out[bin + c + ch] -= g[at + ch] * sin;
                        }
                    }
                }
            }
        }
        return out;
    }
}
