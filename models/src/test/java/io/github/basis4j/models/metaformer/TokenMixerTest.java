package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The FFT token mixers against the reference's formulas evaluated naively in double: direct DFTs instead of
 * FFTs, the routeing softmax over the filter axis of {@code reweight(mean).view(N, F, M)}, and irfft2 as
 * PyTorch's C2R transform (the imaginary parts of the self-conjugate columns ignored). Even and odd widths.
 */
class TokenMixerTest {
    private static final double RTOL = 2e-4, ATOL = 2e-5;

    /** A filter value per (u, v, channel) of sample n: real and imaginary part. */
    private interface Filter {
        double[] at(int n, int u, int v, int c);
    }

    @Test
    void dynamicFilterMatchesTheReferenceFormula() {
        for (int w : new int[] {6, 5}) {
            int dim = 3, h = 4, f = 4, m = 2 * dim, n = 2;
            DynamicFilter mixer = new DynamicFilter(dim, h, w, f, 1.0, StarReLU::new, Rng.of(w));
            randomise(mixer.stateDict(), 11 + w);
            Tensor x = Tensor.uniform(Shape.of(n, h, w, dim), -1f, 1f, 12);
            Map<String, Tensor> s = mixer.stateDict();
            // Routeing: softmax over f of reweight(mean_HW x) viewed as [N, F, M].
            double[][][] r = new double[n][f][m];
            for (int b = 0; b < n; b++) {
                double[] mean = new double[dim];
                for (int i = 0; i < h * w; i++) for (int c = 0; c < dim; c++) mean[c] += x.get((b * h * w + i) * dim + c) / (h * w);
                double[] hid = starRelu(matvec(s.get("reweight.fc1.weight"), mean), s, "reweight.act");
                double[] out = matvec(s.get("reweight.fc2.weight"), hid);
                for (int c = 0; c < m; c++) {
                    double sum = 0;
                    for (int k = 0; k < f; k++) sum += Math.exp(out[k * m + c]);
                    for (int k = 0; k < f; k++) r[b][k][c] = Math.exp(out[k * m + c]) / sum;
                }
            }
            Tensor bank = s.get("complex_weights");
            Filter filter = (b, u, v, c) -> {
                double re = 0, im = 0;
                for (int k = 0; k < f; k++) {
                    re += r[b][k][c] * bank.at(u, v, k, 0);
                    im += r[b][k][c] * bank.at(u, v, k, 1);
                }
                return new double[] {re, im};
            };
            Tensor y = mixer.forward(Variable.constant(x)).value();
            Numerics.assertClose("dynamic filter, width " + w, naiveMixer(x, s, filter, m), y.toArray(), RTOL, ATOL);
        }
    }

    @Test
    void globalFilterMatchesTheReferenceFormula() {
        for (int w : new int[] {6, 5}) {
            int dim = 3, h = 4, m = 2 * dim;
            GlobalFilter mixer = new GlobalFilter(dim, h, w, StarReLU::new, Rng.of(w));
            randomise(mixer.stateDict(), 21 + w);
            Tensor x = Tensor.uniform(Shape.of(2, h, w, dim), -1f, 1f, 22);
            Map<String, Tensor> s = mixer.stateDict();
            Tensor k = s.get("complex_weights");
            Filter filter = (b, u, v, c) -> new double[] {k.at(u, v, c, 0), k.at(u, v, c, 1)};
            Tensor y = mixer.forward(Variable.constant(x)).value();
            Numerics.assertClose("global filter, width " + w, naiveMixer(x, s, filter, m), y.toArray(), RTOL, ATOL);
        }
    }

    /** pwconv2(irfft2(rfft2(act1(pwconv1(x))) · filter)) with ortho DFTs, in double. */
    private static float[] naiveMixer(Tensor x, Map<String, Tensor> s, Filter filter, int m) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), dim = x.dim(3), wc = w / 2 + 1;
        float[] out = new float[x.size()];
        double norm = 1 / Math.sqrt(h * w);
        for (int b = 0; b < n; b++) {
            double[][][] y = new double[h][w][];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double[] px = new double[dim];
                    for (int c = 0; c < dim; c++) px[c] = x.at(b, i, j, c);
                    y[i][j] = starRelu(matvec(s.get("pwconv1.weight"), px), s, "act1");
                }
            }
            // Filtered half spectrum Z[u][v][c].
            double[][][][] z = new double[h][wc][m][2];
            for (int u = 0; u < h; u++) {
                for (int v = 0; v < wc; v++) {
                    for (int c = 0; c < m; c++) {
                        double re = 0, im = 0;
                        for (int i = 0; i < h; i++) {
                            for (int j = 0; j < w; j++) {
                                double a = -2 * Math.PI * ((double) u * i / h + (double) v * j / w);
                                re += y[i][j][c] * Math.cos(a);
                                im += y[i][j][c] * Math.sin(a);
                            }
                        }
                        double[] g = filter.at(b, u, v, c);
                        z[u][v][c][0] = norm * (re * g[0] - im * g[1]);
                        z[u][v][c][1] = norm * (re * g[1] + im * g[0]);
                    }
                }
            }
            // C2R: complex inverse over H, then over W only the real parts of the self-conjugate columns count.
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double[] mixed = new double[m];
                    for (int c = 0; c < m; c++) {
                        double acc = 0;
                        for (int v = 0; v < wc; v++) {
                            double are = 0, aim = 0;
                            for (int u = 0; u < h; u++) {
                                double a = 2 * Math.PI * (double) u * i / h;
                                are += z[u][v][c][0] * Math.cos(a) - z[u][v][c][1] * Math.sin(a);
                                aim += z[u][v][c][0] * Math.sin(a) + z[u][v][c][1] * Math.cos(a);
                            }
                            boolean selfConjugate = v == 0 || (w % 2 == 0 && v == w / 2);
                            double bw = 2 * Math.PI * (double) v * j / w;
                            acc += (selfConjugate ? 1 : 2) * (are * Math.cos(bw) - aim * Math.sin(bw));
                        }
                        mixed[c] = norm * acc;
                    }
                    double[] o = matvec(s.get("pwconv2.weight"), mixed);
                    for (int c = 0; c < dim; c++) out[((b * h + i) * w + j) * dim + c] = (float) o[c];
                }
            }
        }
        return out;
    }

    private static void randomise(Map<String, Tensor> state, long seed) {
        long k = seed;
        for (Tensor t : state.values()) {
            Tensor r = Tensor.uniform(t.shape(), -0.6f, 0.6f, k++);
            t.copyFrom(r);
        }
    }

    private static double[] matvec(Tensor wt, double[] v) {
        int rows = wt.dim(0), cols = wt.dim(1);
        double[] o = new double[rows];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) o[i] += wt.get(i * cols + j) * v[j];
        return o;
    }

    private static double[] starRelu(double[] v, Map<String, Tensor> s, String prefix) {
        double sc = s.get(prefix + ".scale").get(0), bi = s.get(prefix + ".bias").get(0);
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = sc * Math.max(v[i], 0) * Math.max(v[i], 0) + bi;
        return o;
    }
}
