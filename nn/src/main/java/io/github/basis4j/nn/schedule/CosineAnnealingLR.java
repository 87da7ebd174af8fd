package io.github.basis4j.nn.schedule;

import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} in its closed form:
 * {@code lr(t) = etaMin + (baseLr - etaMin) · (1 + cos(π t / tMax)) / 2}. Like torch's, it keeps following
 * the cosine past {@code tMax} (back up to {@code baseLr} at {@code 2·tMax}); use {@link WarmupCosineLR}
 * for a schedule that stays at its minimum.
 *
 * @param baseLr learning rate at t = 0
 * @param tMax   half period (≥ 1)
 * @param etaMin learning rate at t = tMax
 */
public record CosineAnnealingLR(double baseLr, long tMax, double etaMin) implements LrSchedule {
    static final String TYPE = "cosine_annealing";

    /** Validates the arguments. */
    public CosineAnnealingLR {
        ScheduleConfigs.checkLr("CosineAnnealingLR", "baseLr", baseLr);
        ScheduleConfigs.checkLr("CosineAnnealingLR", "etaMin", etaMin);
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be >= 1, got " + tMax);
    }

    @Override
    public double lr(long t) {
        ScheduleConfigs.checkTime("CosineAnnealingLR.lr", t);
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }

    @Override
    public Map<String, String> config() {
        return ScheduleConfigs.of(TYPE, "base_lr", baseLr, "t_max", tMax, "eta_min", etaMin);
    }

    static CosineAnnealingLR fromConfig(Map<String, String> c) {
        return new CosineAnnealingLR(ScheduleConfigs.getDouble(c, "base_lr"), ScheduleConfigs.getLong(c, "t_max"),
                ScheduleConfigs.getDouble(c, "eta_min"));
    }
}
