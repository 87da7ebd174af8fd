package io.github.basis4j.fft;

/** Closeness of float transforms to double references, scaled to the reference's magnitude. */
final class FftAssertions {
    private FftAssertions() {
    }

    /**
     * Float FFT error grows like ε·log(P) relative to the largest output; {@code 1e-6 · (log2 P + 4)}
     * of the largest reference magnitude holds Stockham and Bluestein (whose two padded transforms
     * and three chirp products roughly triple the error) with a safe margin at float's ε ≈ 6e-8.
     */
    static double tolerance(double[] expected, long points) {
        double max = 0;
        for (double e : expected) max = Math.max(max, Math.abs(e));
        return 1e-6 * (Math.log(Math.max(points, 2)) / Math.log(2) + 4) * Math.max(max, 1e-30);
    }

    static void assertClose(String what, double[] expected, float[] actual, int actualOff, long points) {
        double tol = tolerance(expected, points);
        for (int i = 0; i < expected.length; i++) {
            double a = actual[actualOff + i];
            if (!(Math.abs(expected[i] - a) <= tol)) {
                throw new AssertionError(what + ": element " + i + " of " + expected.length + ": expected " + expected[i]
                        + ", got " + a + " (tolerance " + tol + ")");
            }
        }
    }

    static double[] toDouble(float[] x, int off, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = x[off + i];
        return d;
    }
}
