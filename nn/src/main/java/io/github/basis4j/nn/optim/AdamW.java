package io.github.basis4j.nn.optim;

import java.util.List;

/**
 * Adam with decoupled weight decay, exactly as {@code torch.optim.AdamW} (1.13, amsgrad off):
 * <pre>
 *   t = t + 1
 *   p = p·(1 − lr·wd)
 *   m = β1·m + (1 − β1)·g
 *   v = β2·v + (1 − β2)·g²
 *   p = p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq} per parameter and the step count {@code t} (one per
 * parameter in PyTorch; all parameters step together here, so one count suffices and is saved).
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, eps;
    private long step;

    /** AdamW over {@code groups}; PyTorch's defaults are β = (0.9, 0.999), eps = 1e-8, weight decay 1e-2. */
    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("AdamW: beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW: beta2 must be in [0, 1), got " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("AdamW: eps must be >= 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public void step() {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        forEachWithGrad((index, group, param) -> {
            float[] p = param.value().data(), g = param.grad().data();
            float[] m = buffer(index, "exp_avg").data(), v = buffer(index, "exp_avg_sq").data();
            int pOff = param.value().offset(), gOff = param.grad().offset(), n = param.value().size();
            float decay = (float) (1 - group.lr() * group.weightDecay());
            float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
            float stepSize = (float) (group.lr() / bc1), bc2 = (float) bc2Sqrt, e = (float) eps;
            for (int i = 0; i < n; i++) {
                float gi = g[gOff + i];
                float pi = p[pOff + i] * decay;
                float mi = b1 * m[i] + c1 * gi;
                float vi = b2 * v[i] + c2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p[pOff + i] = pi - stepSize * (mi / ((float) Math.sqrt(vi) / bc2 + e));
            }
        });
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    @Override
    public java.util.Map<String, String> stateScalars() {
        java.util.Map<String, String> out = super.stateScalars();
        out.put("step", Long.toString(step));
        return out;
    }

    @Override
    public void loadState(java.util.Map<String, io.github.basis4j.simd.Tensor> tensors, java.util.Map<String, String> scalars) {
        super.loadState(tensors, scalars);
        String s = scalars.get("step");
        if (s != null) step = Long.parseLong(s);
    }
}
