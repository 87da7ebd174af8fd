package io.github.basis4j.nn.init;

import java.util.Arrays;

/**
 * Thin QR by Householder reflections in double precision, for {@link Init#orthogonal}. Package-private.
 *
 * <p>Layout: {@code a} is an m×n row-major matrix, m ≥ n, overwritten; the returned Q is m×n row-major.
 */
final class Householder {
    private Householder() {
    }

    /**
     * Q of A = Q·R with every column of Q multiplied by sign(R[j][j]), which makes diag(R) positive and
     * the factorisation unique (torch's {@code q *= d.sign()}; a zero diagonal, of probability zero for
     * Gaussian A, keeps its column unchanged instead of zeroing it).
     */
    static double[] thinQWithPositiveDiagonalR(double[] a, int m, int n) {
        assert m >= n && a.length == m * n;
        // Reflector k is H_k = I - 2 v vᵀ / (vᵀv) with v nonzero in rows k..m-1; kept in vs[k*m + i].
        double[] vs = new double[n * m];
        double[] vNorm2 = new double[n];
        double[] rDiag = new double[n];
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            double norm2 = 0;
            for (int i = k; i < m; i++) norm2 += a[i * n + k] * a[i * n + k];
            double norm = Math.sqrt(norm2);
            double x0 = a[k * n + k];
            // alpha takes the sign opposite to x0 so that v0 = x0 - alpha does not cancel.
            double alpha = x0 >= 0 ? -norm : norm;
            int vOff = k * m;
            for (int i = k; i < m; i++) vs[vOff + i] = a[i * n + k];
            vs[vOff + k] = x0 - alpha;
            double vv = norm2 - x0 * x0 + (x0 - alpha) * (x0 - alpha);
            vNorm2[k] = vv;
            if (vv == 0) {
                // The column is already zero below and on the diagonal: no reflection (H_k = I).
                rDiag[k] = x0;
                continue;
            }
            rDiag[k] = alpha;
            // A[k:, k:] -= (2/vv) v (vᵀ A[k:, k:]), row by row so the inner loops run along rows.
            Arrays.fill(w, k, n, 0.0);
            for (int i = k; i < m; i++) {
                double vi = vs[vOff + i];
                for (int j = k; j < n; j++) w[j] += vi * a[i * n + j];
            }
            double scale = 2.0 / vv;
            for (int i = k; i < m; i++) {
                double vi = scale * vs[vOff + i];
                for (int j = k; j < n; j++) a[i * n + j] -= vi * w[j];
            }
        }
        // Q = H_0 H_1 … H_{n-1} I[:, :n], applied from the last reflector to the first.
        double[] q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1.0;
        for (int k = n - 1; k >= 0; k--) {
            double vv = vNorm2[k];
            if (vv == 0) continue;
            int vOff = k * m;
            Arrays.fill(w, 0.0);
            for (int i = k; i < m; i++) {
                double vi = vs[vOff + i];
                for (int j = 0; j < n; j++) w[j] += vi * q[i * n + j];
            }
            double scale = 2.0 / vv;
            for (int i = k; i < m; i++) {
                double vi = scale * vs[vOff + i];
                for (int j = 0; j < n; j++) q[i * n + j] -= vi * w[j];
            }
        }
        for (int j = 0; j < n; j++) {
            if (rDiag[j] < 0) {
                for (int i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
            }
        }
        return q;
    }
}
