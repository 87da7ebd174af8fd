package io.github.basis4j.nn.loss;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;

/**
 * Cross-entropy of logits {@code [N, K]} against integer labels, fused with log-softmax, exactly as
 * {@code torch.nn.functional.cross_entropy(logits, labels, weight, label_smoothing, reduction)} (1.13):
 * <pre>
 *   log p = log_softmax(z)
 *   ℓ_i = (1 − ε)·(−w[y_i]·log p[y_i]) + (ε/K)·(−Σ_c w[c]·log p[c])
 *   MEAN: Σ ℓ_i / Σ_i w[y_i]        SUM: Σ ℓ_i
 * </pre>
 * with w ≡ 1 when no class weights are given. The gradient is
 * {@code dℓ_i/dz_j = (1 − ε)·w[y_i]·(p_j − δ_{j,y_i}) + (ε/K)·(p_j·Σw − w_j)}.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** Mean cross-entropy without weights or smoothing. */
    public static Variable crossEntropy(Variable logits, int[] labels) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            return crossEntropy(logits, labels, null, 0.0, Reduction.MEAN);
        }
    }

    /**
     * Cross-entropy with optional class weights ({@code [K]}, null for none), label smoothing ε in
     * [0, 1] and reduction; returns a one-element variable.
     */
    public static Variable crossEntropy(Variable logits, int[] labels, float[] classWeights, double labelSmoothing, Reduction reduction) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor z = logits.value();
            if (z.rank() != 2) throw new IllegalArgumentException("crossEntropy: logits must be [N, classes], got " + z.shape());
            int n = z.dim(0), k = z.dim(1);
            if (labels.length != n) throw new IllegalArgumentException("crossEntropy: " + n + " logit rows but " + labels.length + " labels");
            if (classWeights != null && classWeights.length != k) {
                throw new IllegalArgumentException("crossEntropy: class weights must have " + k + " entries, got " + classWeights.length);
            }
            if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
                throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] >= k) {
                    throw new IllegalArgumentException("crossEntropy: label " + labels[i] + " at row " + i + " is outside [0, " + k + ")");
                }
            }
            double eps = labelSmoothing;
            float[] zd = z.data();
            int zOff = z.offset();
            float[] prob = new float[n * k];
            double weightSum = 0, denom = 0, total = 0;
            if (classWeights != null) for (float w : classWeights) weightSum += w;
            else weightSum = k;
            for (int i = 0; i < n; i++) {
                int row = zOff + i * k;
                // Stable log-softmax: subtract the row maximum before exponentiating.
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) max = Math.max(max, zd[row + j]);
                double sumExp = 0;
                for (int j = 0; j < k; j++) sumExp += Math.exp(zd[row + j] - max);
                double logZ = max + Math.log(sumExp);
                double smooth = 0;
                for (int j = 0; j < k; j++) {
                    double logp = zd[row + j] - logZ;
                    prob[i * k + j] = (float) Math.exp(logp);
                    smooth -= weight(classWeights, j) * logp;
                }
                int y = labels[i];
                double wy = weight(classWeights, y);
                double nll = -wy * (zd[row + y] - logZ);
                total += (1 - eps) * nll + eps / k * smooth;
                denom += wy;
            }
            double scale = reduction == Reduction.MEAN ? 1.0 / denom : 1.0;
            Tensor out = Tensor.of(new float[] {(float) (total * scale)});
            final double ws = weightSum;
            return Graph.record(out, new Node(logits) {
                @Override public String name() { return "crossEntropy"; }

                @Override
                protected void backward(Tensor g) {
                    Tensor dz = gradOf(0);
                    double s = g.get(0) * scale;
                    float[] d = dz.data();
                    int off = dz.offset();
                    for (int i = 0; i < n; i++) {
                        int y = labels[i];
                        double wy = weight(classWeights, y);
                        for (int j = 0; j < k; j++) {
                            double p = prob[i * k + j];
                            double gij = (1 - eps) * wy * (p - (j == y ? 1 : 0)) + eps / k * (p * ws - weight(classWeights, j));
                            d[off + i * k + j] += (float) (s * gij);
                        }
                    }
                }
            });
        }
    }

    private static double weight(float[] w, int c) {
        return w == null ? 1.0 : w[c];
    }
}
