package io.github.basis4j.nn.optim;

import io.github.basis4j.simd.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, exactly as
 * {@code torch.optim.SGD} (1.13):
 * <pre>
 *   d = g + wd·p
 *   buf = d                              (first step)
 *   buf = momentum·buf + (1 − dampening)·d   (later steps)
 *   d = nesterov ? d + momentum·buf : buf   (when momentum ≠ 0)
 *   p = p − lr·d
 * </pre>
 * State: {@code momentum_buffer} per parameter.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /** SGD over {@code groups}; Nesterov needs momentum > 0 and zero dampening, as in PyTorch. */
    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0)) throw new IllegalArgumentException("Sgd: momentum must be >= 0, got " + momentum);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum requires momentum > 0 and dampening = 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    public void step() {
        forEachWithGrad((index, group, param) -> {
            float[] p = param.value().data(), g = param.grad().data();
            int pOff = param.value().offset(), gOff = param.grad().offset(), n = param.value().size();
            float lr = (float) group.lr(), wd = (float) group.weightDecay();
            float mom = (float) momentum, damp = (float) (1 - dampening);
            if (momentum == 0) {
                for (int i = 0; i < n; i++) {
                    float d = g[gOff + i] + wd * p[pOff + i];
                    p[pOff + i] -= lr * d;
                }
                return;
            }
            boolean first = !hasBuffer(index, "momentum_buffer");
            Tensor bufT = buffer(index, "momentum_buffer");
            float[] buf = bufT.data();
            for (int i = 0; i < n; i++) {
                float d = g[gOff + i] + wd * p[pOff + i];
                float b = first ? d : mom * buf[i] + damp * d;
                buf[i] = b;
                float upd = nesterov ? d + mom * b : b;
                p[pOff + i] -= lr * upd;
            }
        });
    }
}
