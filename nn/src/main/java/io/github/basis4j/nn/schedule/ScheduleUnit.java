package io.github.basis4j.nn.schedule;

/** What one unit of a schedule's time is: an optimiser step (timm's {@code sched_on_updates}) or an epoch. */
public enum ScheduleUnit {
    /** t counts optimiser updates: the learning rate changes at every step. */
    STEP,
    /** t counts whole epochs: the learning rate is constant within an epoch, as torch's per-epoch schedulers. */
    EPOCH
}
