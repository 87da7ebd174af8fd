package io.github.basis4j.nn.optim;

import io.github.basis4j.nn.autograd.Parameter;
import java.util.List;

/** Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    /** PyTorch adds this to the total norm before dividing, so a zero gradient is left alone. */
    private static final double EPS = 1e-6;

    private GradClip() {
    }

    /**
     * Scales all gradients by {@code maxNorm / (total + 1e-6)} when that is below 1, where {@code total}
     * is the L2 norm of all gradients together; returns {@code total} (computed in double).
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be > 0, got " + maxNorm);
        double sq = 0;
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            float[] g = p.grad().data();
            int off = p.grad().offset(), n = p.grad().size();
            for (int i = 0; i < n; i++) sq += (double) g[off + i] * g[off + i];
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + EPS);
        if (coef < 1) {
            float c = (float) coef;
            for (Parameter p : params) {
                if (p.grad() == null) continue;
                float[] g = p.grad().data();
                int off = p.grad().offset(), n = p.grad().size();
                for (int i = 0; i < n; i++) g[off + i] *= c;
            }
        }
        return total;
    }
}
