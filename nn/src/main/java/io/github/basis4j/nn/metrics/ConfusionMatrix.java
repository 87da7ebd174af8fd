package io.github.basis4j.nn.metrics;

import io.github.basis4j.simd.Tensor;

/**
 * Counts of (true class, predicted class) pairs with top-1 and top-5 accuracy, accumulated batch by
 * batch from logits {@code [N, classes]} and integer labels. Top-k ranks by logit, ties broken towards
 * the lower class index (as {@code torch.topk} on CPU does for distinct values; ties are rare in float logits).
 */
public final class ConfusionMatrix {
    private final int classes;
    private final long[] counts;
    private long total, top1, top5;

    public ConfusionMatrix(int classes) {
        if (classes < 1) throw new IllegalArgumentException("ConfusionMatrix: classes must be >= 1, got " + classes);
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    /** Adds a batch: {@code logits} [N, classes], {@code labels} of length N in [0, classes). */
    public void add(Tensor logits, int[] labels) {
        if (logits.rank() != 2 || logits.dim(1) != classes) {
            throw new IllegalArgumentException("ConfusionMatrix.add: logits must be [N, " + classes + "], got " + logits.shape());
        }
        int n = logits.dim(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("ConfusionMatrix.add: " + n + " logit rows but " + labels.length + " labels");
        }
        float[] d = logits.data();
        int off = logits.offset();
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("ConfusionMatrix.add: label " + label + " at row " + i + " is outside [0, " + classes + ")");
            }
            int row = off + i * classes;
            float target = d[row + label];
            // rank = number of classes that beat the true class (strictly greater, or equal with lower index)
            int rank = 0, best = 0;
            for (int c = 0; c < classes; c++) {
                float v = d[row + c];
                if (v > target || (v == target && c < label)) rank++;
                if (v > d[row + best]) best = c;
            }
            counts[label * classes + best]++;
            total++;
            if (rank == 0) top1++;
            if (rank < 5) top5++;
        }
    }

    public int classes() {
        return classes;
    }

    /** Samples counted. */
    public long total() {
        return total;
    }

    /** Samples of true class {@code truth} predicted as {@code predicted}. */
    public long count(int truth, int predicted) {
        return counts[truth * classes + predicted];
    }

    /** Top-1 accuracy in [0, 1] (NaN before any sample). */
    public double top1() {
        return total == 0 ? Double.NaN : (double) top1 / total;
    }

    /** Top-5 accuracy in [0, 1] (1 when there are at most 5 classes). */
    public double top5() {
        return total == 0 ? Double.NaN : (double) top5 / total;
    }

    /** Accuracy of each true class (recall); NaN for a class never seen. */
    public double[] perClassAccuracy() {
        double[] acc = new double[classes];
        for (int t = 0; t < classes; t++) {
            long row = 0;
            for (int p = 0; p < classes; p++) row += counts[t * classes + p];
            acc[t] = row == 0 ? Double.NaN : (double) counts[t * classes + t] / row;
        }
        return acc;
    }
}
