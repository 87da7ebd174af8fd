package io.github.basis4j.nn.schedule;

import java.util.Map;

/**
 * A learning-rate schedule: a pure function from a time {@code t >= 0} to a learning rate. What one unit
 * of {@code t} is (an optimiser step or an epoch) is decided by the {@link LrScheduler} that drives it.
 *
 * <p>Schedules hold no mutable state; their configuration round-trips through {@link #config()} and
 * {@link #fromConfig(Map)} (string keys and values, doubles written exactly), so a training checkpoint can
 * store it beside the step counter.
 */
public sealed interface LrSchedule permits StepLR, MultiStepLR, CosineAnnealingLR, WarmupCosineLR {
    /** The learning rate at time {@code t} (≥ 0) in the schedule's unit. */
    double lr(long t);

    /** The configuration, {@code "type"} first, in a form {@link #fromConfig(Map)} reads back exactly. */
    Map<String, String> config();

    /** Rebuilds a schedule from {@link #config()}; throws naming the key if one is missing or malformed. */
    static LrSchedule fromConfig(Map<String, String> config) {
        String type = ScheduleConfigs.get(config, "type");
        return switch (type) {
            case StepLR.TYPE -> StepLR.fromConfig(config);
            case MultiStepLR.TYPE -> MultiStepLR.fromConfig(config);
            case CosineAnnealingLR.TYPE -> CosineAnnealingLR.fromConfig(config);
            case WarmupCosineLR.TYPE -> WarmupCosineLR.fromConfig(config);
            default -> throw new IllegalArgumentException("LrSchedule.fromConfig: unknown type '" + type + "', expected one of "
                    + StepLR.TYPE + ", " + MultiStepLR.TYPE + ", " + CosineAnnealingLR.TYPE + ", " + WarmupCosineLR.TYPE);
        };
    }
}
