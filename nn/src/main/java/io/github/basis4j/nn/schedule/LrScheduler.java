package io.github.basis4j.nn.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives an {@link LrSchedule} from a count of completed optimiser steps: {@link #lr()} is the learning
 * rate for the next update, {@link #step()} is called after each update. With {@link ScheduleUnit#EPOCH}
 * the schedule's time is {@code steps / stepsPerEpoch}, so the rate changes only at epoch boundaries;
 * with {@link ScheduleUnit#STEP} it is {@code steps}.
 *
 * <p>The whole state is the schedule's configuration plus the step count; {@link #state()} writes it as
 * strings for checkpoint metadata and {@link #restore(Map)} continues where it stopped.
 *
 * <p>Not thread-safe; the training loop owns it.
 */
public final class LrScheduler {
    private static final String SCHEDULE_PREFIX = "schedule.";

    private final LrSchedule schedule;
    private final ScheduleUnit unit;
    private final long stepsPerEpoch;
    private long steps;

    /**
     * @param schedule      the schedule
     * @param unit          what the schedule's time counts
     * @param stepsPerEpoch optimiser steps per epoch (≥ 1; e.g. {@code DataLoader.batchesPerEpoch()})
     */
    public LrScheduler(LrSchedule schedule, ScheduleUnit unit, long stepsPerEpoch) {
        if (schedule == null || unit == null) throw new IllegalArgumentException("LrScheduler: schedule and unit are required");
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("LrScheduler: stepsPerEpoch must be >= 1, got " + stepsPerEpoch);
        this.schedule = schedule;
        this.unit = unit;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** The learning rate for the next optimiser update. */
    public double lr() {
        return schedule.lr(time());
    }

    /** The schedule's current time: steps or whole epochs completed. */
    public long time() {
        return unit == ScheduleUnit.STEP ? steps : steps / stepsPerEpoch;
    }

    /** Records one completed optimiser update. */
    public void step() {
        steps++;
    }

    /** Optimiser updates completed so far. */
    public long steps() {
        return steps;
    }

    /** The epoch the next update belongs to. */
    public long epoch() {
        return steps / stepsPerEpoch;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    public ScheduleUnit unit() {
        return unit;
    }

    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * The complete state: {@code unit}, {@code steps_per_epoch}, {@code steps} and the schedule's
     * configuration under {@code schedule.*}.
     */
    public Map<String, String> state() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unit", unit.name());
        m.put("steps_per_epoch", Long.toString(stepsPerEpoch));
        m.put("steps", Long.toString(steps));
        schedule.config().forEach((k, v) -> m.put(SCHEDULE_PREFIX + k, v));
        return m;
    }

    /** A scheduler in exactly the state {@link #state()} described; throws naming a missing or bad key. */
    public static LrScheduler restore(Map<String, String> state) {
        Map<String, String> config = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(SCHEDULE_PREFIX)) config.put(k.substring(SCHEDULE_PREFIX.length()), v);
        });
        String unitText = required(state, "unit");
        ScheduleUnit unit;
        try {
            unit = ScheduleUnit.valueOf(unitText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LrScheduler.restore: unit must be STEP or EPOCH, got '" + unitText + "'", e);
        }
        LrScheduler s = new LrScheduler(LrSchedule.fromConfig(config), unit, parseLong(state, "steps_per_epoch"));
        long steps = parseLong(state, "steps");
        if (steps < 0) throw new IllegalArgumentException("LrScheduler.restore: steps must be >= 0, got " + steps);
        s.steps = steps;
        return s;
    }

    private static String required(Map<String, String> state, String key) {
        String v = state.get(key);
        if (v == null) throw new IllegalArgumentException("LrScheduler.restore: missing key '" + key + "' in " + state);
        return v;
    }

    private static long parseLong(Map<String, String> state, String key) {
        String v = required(state, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LrScheduler.restore: key '" + key + "' must be an integer, got '" + v + "'", e);
        }
    }
}
