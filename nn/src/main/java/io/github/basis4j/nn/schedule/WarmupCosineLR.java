package io.github.basis4j.nn.schedule;

import java.util.Map;

/**
 * Cosine decay with linear warm-up, as timm's {@code CosineLRScheduler} with one cycle ({@code cycle_limit=1},
 * {@code cycle_mul=1}, {@code k_decay=1}, no noise), the schedule DFFormer trains with:
 * <pre>
 *   t &lt; warmupT:            lr = warmupLrInit + t · (baseLr - warmupLrInit) / warmupT
 *   otherwise, with s = t - warmupT if warmupPrefix else t:
 *     s &lt; tInitial:          lr = lrMin + (baseLr - lrMin) · (1 + cos(π s / tInitial)) / 2
 *     s &gt;= tInitial:         lr = lrMin
 * </pre>
 * timm's default is {@code warmupPrefix = false}: the warm-up overlaps the first {@code warmupT} units of the
 * cosine, which therefore resumes slightly below {@code baseLr}.
 *
 * @param baseLr       peak learning rate
 * @param tInitial     length of the cosine cycle (≥ 1)
 * @param lrMin        learning rate at and after the end of the cycle
 * @param warmupT      warm-up length (≥ 0; 0 disables it)
 * @param warmupLrInit learning rate at t = 0 of the warm-up
 * @param warmupPrefix whether the cosine starts after the warm-up (true) or at t = 0 (false, timm's default)
 */
public record WarmupCosineLR(double baseLr, long tInitial, double lrMin, long warmupT, double warmupLrInit,
        boolean warmupPrefix) implements LrSchedule {
    static final String TYPE = "warmup_cosine";

    /** Validates the arguments. */
    public WarmupCosineLR {
        ScheduleConfigs.checkLr("WarmupCosineLR", "baseLr", baseLr);
        ScheduleConfigs.checkLr("WarmupCosineLR", "lrMin", lrMin);
        ScheduleConfigs.checkLr("WarmupCosineLR", "warmupLrInit", warmupLrInit);
        if (tInitial < 1) throw new IllegalArgumentException("WarmupCosineLR: tInitial must be >= 1, got " + tInitial);
        if (warmupT < 0) throw new IllegalArgumentException("WarmupCosineLR: warmupT must be >= 0, got " + warmupT);
    }

    /** A cosine from {@code baseLr} to {@code lrMin} over {@code tInitial} units, without warm-up. */
    public static WarmupCosineLR withoutWarmup(double baseLr, long tInitial, double lrMin) {
        return new WarmupCosineLR(baseLr, tInitial, lrMin, 0, 0, false);
    }

    @Override
    public double lr(long t) {
        ScheduleConfigs.checkTime("WarmupCosineLR.lr", t);
        if (t < warmupT) return warmupLrInit + t * ((baseLr - warmupLrInit) / warmupT);
        long s = warmupPrefix ? t - warmupT : t;
        if (s >= tInitial) return lrMin;
        return lrMin + 0.5 * (baseLr - lrMin) * (1 + Math.cos(Math.PI * s / tInitial));
    }

    @Override
    public Map<String, String> config() {
        return ScheduleConfigs.of(TYPE, "base_lr", baseLr, "t_initial", tInitial, "lr_min", lrMin, "warmup_t", warmupT,
                "warmup_lr_init", warmupLrInit, "warmup_prefix", warmupPrefix);
    }

    static WarmupCosineLR fromConfig(Map<String, String> c) {
        String prefix = ScheduleConfigs.get(c, "warmup_prefix");
        if (!prefix.equals("true") && !prefix.equals("false")) {
            throw new IllegalArgumentException("LrSchedule.fromConfig: key 'warmup_prefix' must be true or false, got '" + prefix + "'");
        }
        return new WarmupCosineLR(ScheduleConfigs.getDouble(c, "base_lr"), ScheduleConfigs.getLong(c, "t_initial"),
                ScheduleConfigs.getDouble(c, "lr_min"), ScheduleConfigs.getLong(c, "warmup_t"),
                ScheduleConfigs.getDouble(c, "warmup_lr_init"), prefix.equals("true"));
    }
}
