package io.github.basis4j.nn.optim;

import io.github.basis4j.nn.autograd.Parameter;
import java.util.List;

/**
 * Parameters that share a learning rate and weight decay, as a PyTorch {@code param_group}; the typical
 * use is a second group with no weight decay for norms and biases. The learning rate is mutable so a
 * schedule can set it each step or epoch.
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private double lr;
    private final double weightDecay;

    /** A group of {@code params} with its own learning rate and weight decay (both ≥ 0). */
    public ParamGroup(List<Parameter> params, double lr, double weightDecay) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("ParamGroup: params must not be empty");
        if (!(lr >= 0)) throw new IllegalArgumentException("ParamGroup: lr must be >= 0, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("ParamGroup: weightDecay must be >= 0, got " + weightDecay);
        this.params = List.copyOf(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    public List<Parameter> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    /** Sets the learning rate (schedules call this). */
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("ParamGroup.setLr: lr must be >= 0, got " + lr);
        this.lr = lr;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
