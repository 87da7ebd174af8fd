package io.github.basis4j.nn.schedule;

import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.StepLR}: {@code lr(t) = baseLr · gamma^⌊t / stepSize⌋}. Computed in closed
 * form; torch multiplies by gamma once per decay, which agrees to the last bit or two of a double.
 *
 * @param baseLr   learning rate at t = 0
 * @param stepSize units between decays (≥ 1)
 * @param gamma    factor applied at each decay
 */
public record StepLR(double baseLr, long stepSize, double gamma) implements LrSchedule {
    static final String TYPE = "step";

    /** Validates the arguments. */
    public StepLR {
        ScheduleConfigs.checkLr("StepLR", "baseLr", baseLr);
        ScheduleConfigs.checkLr("StepLR", "gamma", gamma);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: stepSize must be >= 1, got " + stepSize);
    }

    @Override
    public double lr(long t) {
        ScheduleConfigs.checkTime("StepLR.lr", t);
        return baseLr * Math.pow(gamma, t / stepSize);
    }

    @Override
    public Map<String, String> config() {
        return ScheduleConfigs.of(TYPE, "base_lr", baseLr, "step_size", stepSize, "gamma", gamma);
    }

    static StepLR fromConfig(Map<String, String> c) {
        return new StepLR(ScheduleConfigs.getDouble(c, "base_lr"), ScheduleConfigs.getLong(c, "step_size"),
                ScheduleConfigs.getDouble(c, "gamma"));
    }
}
