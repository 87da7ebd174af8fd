package io.github.basis4j.cli;

import io.github.basis4j.nn.train.EpochMetrics;
import io.github.basis4j.nn.train.TrainingListener;
import io.github.basis4j.nn.train.TrainingPlan;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The wall clock of a {@code train} run, against an optional time budget. After every epoch it prints the
 * time elapsed and the end it projects from the epochs so far; when the projection exceeds the budget it
 * says so, and it never stops the run: a run that is too slow finishes late and says how late, instead of
 * ending early with a model worse than asked for.
 *
 * <p>The clock starts when the launcher started, if it exported {@value #LAUNCH_ENV} (milliseconds since
 * the epoch, taken before it built the jars), so the times include the build of a fresh checkout;
 * otherwise when the command started.
 */
final class ElapsedTime {
    /** Set by {@code ./basis4j} to its start time in epoch milliseconds. */
    static final String LAUNCH_ENV = "BASIS4J_LAUNCHED_AT_MS";

    private final long startMillis;
    private final String origin;
    private final Optional<Duration> budget;

    private ElapsedTime(long startMillis, String origin, Optional<Duration> budget) {
        this.startMillis = startMillis;
        this.origin = origin;
        this.budget = budget;
    }

    /**
     * A clock started at the launcher's start (when {@value #LAUNCH_ENV} holds a time not after now) or
     * else {@code commandStartNanos} ({@link System#nanoTime()} at the command's start).
     */
    static ElapsedTime since(long commandStartNanos, Optional<Duration> budget) {
        long now = System.currentTimeMillis();
        long command = now - (System.nanoTime() - commandStartNanos) / 1_000_000;
        String env = System.getenv(LAUNCH_ENV);
        if (env != null) {
            try {
                long launched = Long.parseLong(env.strip());
                if (launched <= command && launched > command - Duration.ofDays(1).toMillis()) {
                    return new ElapsedTime(launched, "since ./basis4j started, build included", budget);
                }
            } catch (NumberFormatException e) {
                // Not a time the launcher wrote: count from the command instead.
            }
        }
        return new ElapsedTime(command, "since the command started", budget);
    }

    /** Time elapsed so far. */
    Duration elapsed() {
        return Duration.ofMillis(System.currentTimeMillis() - startMillis);
    }

    /** {@code 12 min 05 s}. */
    static String format(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        return s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
    }

    /**
     * The line after epoch {@code done} of {@code total}: elapsed, projected end (linear in the epochs still to
     * run from this session's mean epoch time) and the budget.
     *
     * @param elapsed      time elapsed since the clock's start
     * @param sessionTime  time spent in this session's epochs so far (training and evaluation)
     * @param sessionDone  epochs run in this session ({@code ≥ 1})
     */
    String epochLine(long done, int total, Duration elapsed, Duration sessionTime, long sessionDone) {
        Duration perEpoch = sessionTime.dividedBy(Math.max(1, sessionDone));
        Duration projected = elapsed.plus(perEpoch.multipliedBy(Math.max(0, total - done)));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "elapsed %s (%s) after epoch %d/%d", format(elapsed), origin, done, total));
        if (done < total) sb.append(", projected end at ").append(format(projected));
        budget.ifPresent(b -> {
            sb.append(" of a ").append(format(b)).append(" budget");
            if (projected.compareTo(b) > 0) {
                sb.append(String.format(Locale.ROOT, " — OVER BUDGET by %s; the run goes on to its last epoch", format(projected.minus(b))));
            }
        });
        return sb.toString();
    }

    /** The closing line: total elapsed, and the budget with whether it was kept. */
    String summary() {
        Duration e = elapsed();
        String line = "elapsed " + format(e) + " (" + origin + ")";
        if (budget.isPresent()) {
            Duration b = budget.get();
            line += e.compareTo(b) <= 0 ? ", within the " + format(b) + " budget" : ", OVER the " + format(b) + " budget by " + format(e.minus(b));
        }
        return line;
    }

    /** A listener printing {@link #epochLine} to {@code out} after every epoch. */
    TrainingListener listener(PrintWriter out) {
        return new TrainingListener() {
            private int total;
            private long firstEpoch;
            private long sessionStart;

            @Override
            public void onTrainStart(TrainingPlan plan) {
                total = plan.epochs();
                firstEpoch = plan.startEpoch();
                sessionStart = System.currentTimeMillis();
            }

            @Override
            public void onEpochEnd(EpochMetrics epoch) {
                long done = epoch.epoch() + 1;
                out.println(epochLine(done, total, elapsed(), Duration.ofMillis(System.currentTimeMillis() - sessionStart), done - firstEpoch));
                out.flush();
            }
        };
    }
}
