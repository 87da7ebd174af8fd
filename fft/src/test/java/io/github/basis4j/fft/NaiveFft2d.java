package io.github.basis4j.fft;

/**
 * Double-precision reference for rfft2 / irfft2 over {@code [N, H, W, C]} / {@code [N, H, Wc, 2, C]},
 * written from the DFT definitions and PyTorch's documented semantics (separable sums, no FFT).
 */
final class NaiveFft2d {
    private NaiveFft2d() {
    }

    /** cos and sin of sign·2πt/n for t < n. */
    private static double[][] table(int n, double sign) {
        double[] cos = new double[n], sin = new double[n];
        for (int t = 0; t < n; t++) {
            cos[t] = Math.cos(sign * 2 * Math.PI * t / n);
            sin[t] = Math.sin(sign * 2 * Math.PI * t / n);
        }
        return new double[][] {cos, sin};
    }

    /** X[k1, k2] = scale·Σ x[y, j]·exp(−2πi(k1·y/H + k2·j/W)) for k2 < W/2+1. */
    static double[] rfft2(double[] x, int n, int h, int w, int c, double scale) {
        int wc = w / 2 + 1;
        double[][] tw = table(w, -1), th = table(h, -1);
        double[] out = new double[2 * n * h * wc * c];
        double[] rowRe = new double[h * wc], rowIm = new double[h * wc];
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int k = 0; k < wc; k++) {
                        double re = 0, im = 0;
                        for (int j = 0; j < w; j++) {
                            double v = x[((s * h + y) * w + j) * c + ch];
                            int t = (int) ((long) j * k % w);
                            re += v * tw[0][t];
                            im += v * tw[1][t];
                        }
                        rowRe[y * wc + k] = re;
                        rowIm[y * wc + k] = im;
                    }
                }
                for (int k1 = 0; k1 < h; k1++) {
                    for (int k = 0; k < wc; k++) {
                        double re = 0, im = 0;
                        for (int y = 0; y < h; y++) {
                            int t = (int) ((long) y * k1 % h);
                            double ar = rowRe[y * wc + k], ai = rowIm[y * wc + k];
                            re += ar * th[0][t] - ai * th[1][t];
                            im += ar * th[1][t] + ai * th[0][t];
                        }
                        int at = (((s * h + k1) * wc + k) * 2) * c + ch;
                        out[at] = scale * re;
                        out[at + c] = scale * im;
                    }
                }
            }
        }
        return out;
    }

    /**
     * torch.fft.irfft2(X, s=(H, W)): complex inverse along H, then c2r along W, which reads only the
     * real parts of the DC and (even W) Nyquist bins and counts every other bin twice.
     */
    static double[] irfft2(double[] spec, int n, int h, int w, int c, double scale) {
        int wc = w / 2 + 1;
        double[][] tw = table(w, 1), th = table(h, 1);
        double[] out = new double[n * h * w * c];
        double[] colRe = new double[h * wc], colIm = new double[h * wc];
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int k = 0; k < wc; k++) {
                        double re = 0, im = 0;
                        for (int k1 = 0; k1 < h; k1++) {
                            int at = (((s * h + k1) * wc + k) * 2) * c + ch;
                            int t = (int) ((long) y * k1 % h);
                            double ar = spec[at], ai = spec[at + c];
                            re += ar * th[0][t] - ai * th[1][t];
                            im += ar * th[1][t] + ai * th[0][t];
                        }
                        colRe[y * wc + k] = re;
                        colIm[y * wc + k] = im;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int j = 0; j < w; j++) {
                        double sum = colRe[y * wc];
                        for (int k = 1; k < wc; k++) {
                            int t = (int) ((long) j * k % w);
                            double re = colRe[y * wc + k], im = colIm[y * wc + k];
                            if (2 * k == w) {
                                sum += re * tw[0][t];
                            } else {
                                sum += 2 * (re * tw[0][t] - im * tw[1][t]);
                            }
                        }
                        out[((s * h + y) * w + j) * c + ch] = scale * sum;
                    }
                }
            }
        }
        return out;
    }
}
