package io.github.basis4j.fft;

import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import org.junit.jupiter.api.Test;

/**
 * Pins {@code fft_dfformer_shapes.safetensors}, the rfft2 / irfft2 golden data at the four DFFormer-S18 token-mixer
 * shapes: its tensor names and layouts, the {@link HashUniform} generator that replaces its stored inputs, and its
 * meaning, by recomputing every stored output and gradient with naive double-precision DFTs. A transform under test
 * is then compared with this file alone (see the script's docstring for the tensors).
 *
 * <p>Conventions pinned here ({@code norm="ortho"}, {@code s = 1/√(HW)}, {@code θ = 2π(kh·h/H + kw·w/W)}):
 * {@code rfft2: X = s·Σ x·e^{−iθ}}; {@code irfft2: y = s·Σ a_kw·Re(X·e^{iθ})} with {@code a = 1} for the DC column
 * and (even W) the Nyquist column, 2 otherwise, so the imaginary parts of those columns enter only through the
 * transform along H; the gradients are the exact adjoints of these real-linear maps.
 */
class DfformerFftFixtureTest {
    private static final Safetensors.File FIXTURE = Fixtures.open("fft_dfformer_shapes.safetensors");
    private static final int[][] SHAPES = {{1, 56, 56, 128}, {1, 28, 28, 256}, {1, 14, 14, 640}, {1, 7, 7, 1024}};
    /** The fixture is float64 PyTorch rounded to float32; the naive DFTs are float64: float32 rounding of O(1) values. */
    private static final double RTOL = 1e-5, ATOL = 1e-5;

    private record Case(String prefix, int h, int w, int c, int wc, int[] channels, int seedX, int seedRfftW, int seedIrfftX, int seedIrfftW) {
        static Case of(int[] shape) {
            int h = shape[1], w = shape[2], c = shape[3];
            String p = "n" + shape[0] + "h" + h + "w" + w + "c" + c;
            Tensor ch = FIXTURE.tensor(p + ".channels");
            int[] channels = new int[ch.size()];
            for (int i = 0; i < channels.length; i++) channels[i] = (int) ch.get(i);
            return new Case(p, h, w, c, w / 2 + 1, channels, seed(p, "x"), seed(p, "rfft2_w"), seed(p, "irfft2_X"), seed(p, "irfft2_w"));
        }

        private static int seed(String p, String what) {
            String v = FIXTURE.metadata().get(p + ".seed." + what);
            if (v == null) throw new AssertionError("fixture metadata lacks " + p + ".seed." + what + "; " + Fixtures.REGENERATE);
            return Integer.parseInt(v);
        }
    }

    @Test
    void tensorsHaveTheDocumentedNamesAndLayouts() {
        for (int[] s : SHAPES) {
            Case k = Case.of(s);
            int kk = k.channels.length;
            assertThat(kk).as(k.prefix + " channel subset").isGreaterThanOrEqualTo(8);
            assertThat(k.channels[0]).isZero();
            assertThat(k.channels[kk - 1]).isEqualTo(k.c - 1);
            assertThat(FIXTURE.entries().get(k.prefix + ".x").shape()).isEqualTo(Shape.of(1, k.h, k.w, kk));
            assertThat(FIXTURE.entries().get(k.prefix + ".rfft2.X").shape()).isEqualTo(Shape.of(1, k.h, k.wc, kk, 2));
            assertThat(FIXTURE.entries().get(k.prefix + ".rfft2.grad_x").shape()).isEqualTo(Shape.of(1, k.h, k.w, kk));
            assertThat(FIXTURE.entries().get(k.prefix + ".irfft2.y").shape()).isEqualTo(Shape.of(1, k.h, k.w, kk));
            assertThat(FIXTURE.entries().get(k.prefix + ".irfft2.grad_X").shape()).isEqualTo(Shape.of(1, k.h, k.wc, kk, 2));
        }
    }

    @Test
    void storedInputsAreTheHashGeneratorsOutput() {
        for (int[] s : SHAPES) {
            Case k = Case.of(s);
            Tensor x = FIXTURE.tensor(k.prefix + ".x");
            int kk = k.channels.length;
            for (int p = 0; p < k.h * k.w; p++) {
                for (int j = 0; j < kk; j++) {
                    float expected = HashUniform.at(p * k.c + k.channels[j], k.seedX);
                    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(x.get(p * kk + j))) {
                        throw new AssertionError(k.prefix + ".x: pixel " + p + " channel " + k.channels[j] + " is " + x.get(p * kk + j)
                                + ", the generator gives " + expected);
                    }
                }
            }
        }
    }

    @Test
    void storedOutputsAndGradientsAreTheOrthoTransformsAndTheirAdjoints() {
        for (int[] s : SHAPES) {
            Case k = Case.of(s);
            int kk = k.channels.length, hw = k.h * k.w, bins = k.h * k.wc;
            float[] xr = new float[kk * bins * 2], gx = new float[kk * hw], y = new float[kk * hw], gX = new float[kk * bins * 2];
            for (int j = 0; j < kk; j++) {
                int ch = k.channels[j];
                double[] x = new double[hw], v = new double[hw];
                double[] wRe = new double[bins], wIm = new double[bins], zRe = new double[bins], zIm = new double[bins];
                for (int p = 0; p < hw; p++) {
                    x[p] = HashUniform.at(p * k.c + ch, k.seedX);
                    v[p] = HashUniform.at(p * k.c + ch, k.seedIrfftW);
                }
                for (int b = 0; b < bins; b++) {
                    wRe[b] = HashUniform.at((b * k.c + ch) * 2, k.seedRfftW);
                    wIm[b] = HashUniform.at((b * k.c + ch) * 2 + 1, k.seedRfftW);
                    zRe[b] = HashUniform.at((b * k.c + ch) * 2, k.seedIrfftX);
                    zIm[b] = HashUniform.at((b * k.c + ch) * 2 + 1, k.seedIrfftX);
                }
                double[][] spec = forward(k, x);
                double[] grad = adjointOfForward(k, wRe, wIm);
                double[] out = inverse(k, zRe, zIm);
                double[][] gspec = forward(k, v);
                for (int b = 0; b < bins; b++) {
                    int kw = b % k.wc;
                    double a = edge(k, kw) ? 1 : 2;
                    xr[(b * kk + j) * 2] = (float) spec[0][b];
                    xr[(b * kk + j) * 2 + 1] = (float) spec[1][b];
                    gX[(b * kk + j) * 2] = (float) (a * gspec[0][b]);
                    gX[(b * kk + j) * 2 + 1] = (float) (a * gspec[1][b]);
                }
                for (int p = 0; p < hw; p++) {
                    gx[p * kk + j] = (float) grad[p];
                    y[p * kk + j] = (float) out[p];
                }
            }
            assertClose(k.prefix + ".rfft2.X", FIXTURE.tensor(k.prefix + ".rfft2.X").toArray(), xr, RTOL, ATOL);
            assertClose(k.prefix + ".rfft2.grad_x", FIXTURE.tensor(k.prefix + ".rfft2.grad_x").toArray(), gx, RTOL, ATOL);
            assertClose(k.prefix + ".irfft2.y", FIXTURE.tensor(k.prefix + ".irfft2.y").toArray(), y, RTOL, ATOL);
            assertClose(k.prefix + ".irfft2.grad_X", FIXTURE.tensor(k.prefix + ".irfft2.grad_X").toArray(), gX, RTOL, ATOL);
        }
    }

    private static boolean edge(Case k, int kw) {
        return kw == 0 || (k.w % 2 == 0 && kw == k.w / 2);
    }

    /** {@code s·Σ x·e^{−iθ}} over the half spectrum, separably (along W, then along H); {re[bins], im[bins]}. */
    private static double[][] forward(Case k, double[] x) {
        double[] aRe = new double[k.h * k.wc], aIm = new double[k.h * k.wc];
        for (int h = 0; h < k.h; h++) {
            for (int kw = 0; kw < k.wc; kw++) {
                double re = 0, im = 0;
                for (int w = 0; w < k.w; w++) {
                    double t = -2 * Math.PI * ((long) kw * w % k.w) / k.w;
                    re += x[h * k.w + w] * Math.cos(t);
                    im += x[h * k.w + w] * Math.sin(t);
                }
                aRe[h * k.wc + kw] = re;
                aIm[h * k.wc + kw] = im;
            }
        }
        return alongH(k, aRe, aIm, -1, 1 / Math.sqrt(k.h * k.w));
    }

    /** Σ over h of {@code in[h, kw]·e^{sign·i·2π·kh·h/H}}·scale, for every (kh, kw). */
    private static double[][] alongH(Case k, double[] inRe, double[] inIm, int sign, double scale) {
        double[] re = new double[k.h * k.wc], im = new double[k.h * k.wc];
        for (int kh = 0; kh < k.h; kh++) {
            for (int kw = 0; kw < k.wc; kw++) {
                double sr = 0, si = 0;
                for (int h = 0; h < k.h; h++) {
                    double t = sign * 2 * Math.PI * ((long) kh * h % k.h) / k.h, c = Math.cos(t), s = Math.sin(t);
                    double ar = inRe[h * k.wc + kw], ai = inIm[h * k.wc + kw];
                    sr += ar * c - ai * s;
                    si += ar * s + ai * c;
                }
                re[kh * k.wc + kw] = sr * scale;
                im[kh * k.wc + kw] = si * scale;
            }
        }
        return new double[][] {re, im};
    }

    /** Gradient of {@code Σ (wRe·Re X + wIm·Im X)} with respect to x: {@code s·Σ Re((wRe + i·wIm)·e^{iθ})}. */
    private static double[] adjointOfForward(Case k, double[] wRe, double[] wIm) {
        double[][] z = alongH(k, wRe, wIm, +1, 1);
        return alongW(k, z[0], z[1], false);
    }

    /** irfft2: along H (complex), then Hermitian along W, weights a_kw, real part. */
    private static double[] inverse(Case k, double[] re, double[] im) {
        double[][] z = alongH(k, re, im, +1, 1);
        return alongW(k, z[0], z[1], true);
    }

    /** {@code s·Σ_kw c_kw·Re(z[h, kw]·e^{i·2π·kw·w/W})}, c = a_kw when {@code hermitian}, else 1. */
    private static double[] alongW(Case k, double[] zRe, double[] zIm, boolean hermitian) {
        double s = 1 / Math.sqrt(k.h * k.w);
        double[] out = new double[k.h * k.w];
        for (int h = 0; h < k.h; h++) {
            for (int w = 0; w < k.w; w++) {
                double sum = 0;
                for (int kw = 0; kw < k.wc; kw++) {
                    double t = 2 * Math.PI * ((long) kw * w % k.w) / k.w;
                    double a = hermitian && !edge(k, kw) ? 2 : 1;
                    sum += a * (zRe[h * k.wc + kw] * Math.cos(t) - zIm[h * k.wc + kw] * Math.sin(t));
                }
                out[h * k.w + w] = sum * s;
            }
        }
        return out;
    }
}
