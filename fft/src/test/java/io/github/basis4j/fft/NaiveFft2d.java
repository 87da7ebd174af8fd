package io.github.basis4j.fft;

/**
 * Double-precision reference for rfft2 / irfft2 over {@code [N, H, W, C]} / {@code [N, H, Wc, 2, C]},
 * written from the DFT definitions and PyTorch's documented semantics (separable sums, no FFT).
 */
final class NaiveFft2d {
    private NaiveFft2d() {
    }

    /** (t + d) mod n for 0 ≤ t < n and 0 ≤ d < n. */
    private static int step(int t, int d, int n) {
        int u = t + d;
        return u >= n ? u - n : u;
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
        double[] cw = tw[0], sw = tw[1], ch0 = th[0], sh = th[1];
        double[] out = new double[2 * n * h * wc * c];
        double[] rowRe = new double[h * wc], rowIm = new double[h * wc];
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int k = 0; k < wc; k++) {
                        double re = 0, im = 0;
                        // t = j·k mod W, stepped instead of divided: the sweep over all sizes runs this a lot.
                        int row = (s * h + y) * w * c + ch;
                        for (int j = 0, t = 0; j < w; j++, t = step(t, k, w)) {
                            double v = x[row + j * c];
                            re += v * cw[t];
                            im += v * sw[t];
                        }
                        rowRe[y * wc + k] = re;
                        rowIm[y * wc + k] = im;
                    }
                }
                for (int k1 = 0; k1 < h; k1++) {
                    for (int k = 0; k < wc; k++) {
                        double re = 0, im = 0;
                        for (int y = 0, t = 0; y < h; y++, t = step(t, k1, h)) {
                            double ar = rowRe[y * wc + k], ai = rowIm[y * wc + k];
                            re += ar * ch0[t] - ai * sh[t];
                            im += ar * sh[t] + ai * ch0[t];
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
        double[] cw = tw[0], sw = tw[1], ch0 = th[0], sh = th[1];
        double[] out = new double[n * h * w * c];
        double[] colRe = new double[h * wc], colIm = new double[h * wc];
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int k = 0; k < wc; k++) {
                        double re = 0, im = 0;
                        for (int k1 = 0, t = 0; k1 < h; k1++, t = step(t, y, h)) {
                            int at = (((s * h + k1) * wc + k) * 2) * c + ch;
                            double ar = spec[at], ai = spec[at + c];
                            re += ar * ch0[t] - ai * sh[t];
                            im += ar * sh[t] + ai * ch0[t];
                        }
                        colRe[y * wc + k] = re;
                        colIm[y * wc + k] = im;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int j = 0; j < w; j++) {
                        double sum = colRe[y * wc];
                        for (int k = 1, t = j % w; k < wc; k++, t = step(t, j, w)) {
                            double re = colRe[y * wc + k], im = colIm[y * wc + k];
                            if (2 * k == w) {
                                sum += re * cw[t];
                            } else {
                                sum += 2 * (re * cw[t] - im * sw[t]);
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
