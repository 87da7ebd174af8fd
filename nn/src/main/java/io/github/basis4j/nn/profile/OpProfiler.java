package io.github.basis4j.nn.profile;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An opt-in timer of nn's ops: where the time of a forward or training step goes, by {@link OpCategory}.
 * Off unless the JVM starts with {@code -Dbasis4j.profile=true} or {@link #setEnabled(boolean)} turns it on.
 *
 * <p>Every functional op brackets its work with {@link #begin(OpCategory)} and {@link #end(long)} (in a
 * {@code finally}); {@code Graph.backward} does the same around each node's backward, under the category the
 * node was recorded with ({@link #currentCategory()} at record time). Only the outermost op on a thread is
 * timed, so an op that calls another op counts once, under its own category. Times are wall-clock
 * ({@link System#nanoTime()}) on the calling thread and include the kernels' parallel sections, which the
 * caller waits for.
 *
 * <p>When off, {@code begin} is one read of a volatile flag returning a constant and {@code end} one
 * comparison: no clock read, no thread-local lookup, no allocation.
 */
public final class OpProfiler {
    /** The system property that turns profiling on at start-up: {@code -Dbasis4j.profile=true}. */
    public static final String PROPERTY = "basis4j.profile";

    /** Whether an op is measured in its forward or its backward pass. */
    public enum Phase {
        FORWARD, BACKWARD
    }

    /** What {@code begin} returns when it does not time: profiling off, or an op inside another op. */
    private static final long OFF = Long.MIN_VALUE, NESTED = Long.MIN_VALUE + 1;
    private static final int CATEGORIES = OpCategory.values().length, PHASES = Phase.values().length;

    private static volatile boolean enabled = Boolean.getBoolean(PROPERTY);
    /** Nanoseconds and calls per [phase · CATEGORIES + category]. */
    private static final AtomicLongArray NANOS = new AtomicLongArray(PHASES * CATEGORIES);
    private static final AtomicLongArray CALLS = new AtomicLongArray(PHASES * CATEGORIES);

    /** The op a thread is inside: nesting depth, and the outermost op's category and phase. */
    private static final class Frame {
        int depth;
        OpCategory category;
        Phase phase;
    }

    private static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    private OpProfiler() {
    }

    /** Whether ops are being timed. */
    public static boolean isEnabled() {
        return enabled;
    }

    /** Turns timing on or off; ops already begun finish their measurement. */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Clears every total. */
    public static void reset() {
        for (int i = 0; i < NANOS.length(); i++) {
            NANOS.set(i, 0);
            CALLS.set(i, 0);
        }
    }

    /**
     * Starts timing a forward op of {@code category}; pass the result to {@link #end(long)} in a {@code finally}.
     *
     * @return a token for {@code end}
     */
    public static long begin(OpCategory category) {
        return enabled ? open(category, Phase.FORWARD) : OFF;
    }

    /**
     * Starts timing the backward of an op recorded under {@code category} (null: recorded while profiling was
     * off, counted as {@link OpCategory#OTHER}).
     *
     * @return a token for {@code end}
     */
    public static long beginBackward(OpCategory category) {
        return enabled ? open(category == null ? OpCategory.OTHER : category, Phase.BACKWARD) : OFF;
    }

    private static long open(OpCategory category, Phase phase) {
        if (category == null) throw new IllegalArgumentException("OpProfiler.begin: category must not be null");
        Frame f = FRAME.get();
        if (f.depth++ > 0) return NESTED;
        f.category = category;
        f.phase = phase;
        return System.nanoTime();
    }

    /** Ends the op that {@code begin} returned {@code token} for, adding its time when it was the outermost. */
    public static void end(long token) {
        if (token == OFF) return;
        long now = System.nanoTime();
        Frame f = FRAME.get();
        f.depth--;
        if (token == NESTED) return;
        int slot = f.phase.ordinal() * CATEGORIES + f.category.ordinal();
        NANOS.addAndGet(slot, now - token);
        CALLS.incrementAndGet(slot);
        f.category = null;
    }

    /**
     * The category of the outermost op running on this thread, or null outside ops or when profiling is off;
     * {@code Graph.record} stores it in the node so that its backward is counted under the same category.
     */
    public static OpCategory currentCategory() {
        return enabled ? FRAME.get().category : null;
    }

    /** The totals so far. */
    public static Snapshot snapshot() {
        long[] nanos = new long[NANOS.length()], calls = new long[CALLS.length()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = NANOS.get(i);
            calls[i] = CALLS.get(i);
        }
        return new Snapshot(nanos, calls);
    }

    /** Totals per category and phase, frozen when taken. */
    public static final class Snapshot {
        private final long[] nanos, calls;

        private Snapshot(long[] nanos, long[] calls) {
            this.nanos = nanos;
            this.calls = calls;
        }

        /** Nanoseconds spent in ops of {@code category} in {@code phase}. */
        public long nanos(OpCategory category, Phase phase) {
            return nanos[phase.ordinal() * CATEGORIES + category.ordinal()];
        }

        /** Outermost ops of {@code category} timed in {@code phase}. */
        public long calls(OpCategory category, Phase phase) {
            return calls[phase.ordinal() * CATEGORIES + category.ordinal()];
        }

        /** Nanoseconds in {@code category}, both phases. */
        public long nanos(OpCategory category) {
            long sum = 0;
            for (Phase p : Phase.values()) sum += nanos(category, p);
            return sum;
        }

        /** Nanoseconds in every op. */
        public long totalNanos() {
            long sum = 0;
            for (long n : nanos) sum += n;
            return sum;
        }

        /** {@code this − earlier}: what happened between two snapshots. */
        public Snapshot minus(Snapshot earlier) {
            long[] n = nanos.clone(), c = calls.clone();
            for (int i = 0; i < n.length; i++) {
                n[i] -= earlier.nanos[i];
                c[i] -= earlier.calls[i];
            }
            return new Snapshot(n, c);
        }
    }
}
