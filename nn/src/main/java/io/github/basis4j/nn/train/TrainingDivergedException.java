package io.github.basis4j.nn.train;

/**
 * Thrown by {@link Trainer#fit()} when a step meets NaN or ±∞: the loss, a penalty, a parameter's gradient
 * (named with the first bad element's index), or, after the update, a parameter's value. Except in that last case the step's update is not applied, so the model
 * holds the weights after the previous step; the logs hold every earlier step and the last checkpoint is intact.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final long step;
    private final int batch;
    private final String quantity;
    private final double value;

    TrainingDivergedException(String message, long epoch, long step, int batch, String quantity, double value) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.batch = batch;
        this.quantity = quantity;
        this.value = value;
    }

    /** The epoch index (from 0) of the failing step. */
    public long epoch() {
        return epoch;
    }

    /** The global step index (from 0) of the failing step. */
    public long step() {
        return step;
    }

    /** The batch number (from 0) within the epoch of the failing step. */
    public int batch() {
        return batch;
    }

    /**
     * What was not finite: {@code "loss"}, {@code "penalty '<name>'"}, {@code "gradient of '<parameter>'"}
     * or {@code "parameter '<parameter>'"}.
     */
    public String quantity() {
        return quantity;
    }

    /** The non-finite value (NaN or ±∞): of the quantity, or of the first bad element of a gradient or parameter. */
    public double value() {
        return value;
    }
}
