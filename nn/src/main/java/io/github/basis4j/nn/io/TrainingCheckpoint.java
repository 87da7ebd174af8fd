package io.github.basis4j.nn.io;

import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.optim.Optimizer;
import io.github.basis4j.simd.NonFinite;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file: the model's state dict under its own keys (so the file
 * also loads as plain weights, in basis4j or PyTorch), the optimiser's state tensors under
 * {@code "optimizer."}, and in the metadata the epoch, the step, the optimiser's scalars
 * ({@code "optimizer.…"}) and whatever else the trainer adds (schedule and random-generator state).
 *
 * <p>Writes are atomic (temporary file, then rename), so a crash while saving leaves the previous
 * checkpoint intact.
 */
public final class TrainingCheckpoint {
    private static final String OPT_PREFIX = "optimizer.";
    private static final String EPOCH = "epoch";
    private static final String STEP = "step";
    private static final String FORMAT = "format";
    private static final String FORMAT_VERSION = "basis4j-training-checkpoint-1";

    private final int epoch;
    private final long step;
    private final Map<String, String> extra;

    private TrainingCheckpoint(int epoch, long step, Map<String, String> extra) {
        this.epoch = epoch;
        this.step = step;
        this.extra = extra;
    }

    /** Completed epochs at save time. */
    public int epoch() {
        return epoch;
    }

    /** Optimiser steps taken at save time. */
    public long step() {
        return step;
    }

    /** The extra metadata the trainer stored (schedule, random state, configuration). */
    public Map<String, String> extra() {
        return extra;
    }

    /** Saves model, optimiser, epoch, step and {@code extra} metadata atomically to {@code path}. */
    public static void save(Path path, Module model, Optimizer optimizer, int epoch, long step, Map<String, String> extra)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
        for (Map.Entry<String, Tensor> e : optimizer.stateTensors().entrySet()) tensors.put(OPT_PREFIX + e.getKey(), e.getValue());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(FORMAT, FORMAT_VERSION);
        meta.put(EPOCH, Integer.toString(epoch));
        meta.put(STEP, Long.toString(step));
        for (Map.Entry<String, String> e : optimizer.stateScalars().entrySet()) meta.put(OPT_PREFIX + e.getKey(), e.getValue());
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (meta.containsKey(e.getKey()) || e.getKey().startsWith(OPT_PREFIX)) {
                throw new IllegalArgumentException("TrainingCheckpoint.save: extra key '" + e.getKey() + "' is reserved");
            }
            meta.put(e.getKey(), e.getValue());
        }
        Safetensors.write(path, tensors, meta);
    }

    /**
     * Restores model (strict) and optimiser state from {@code path} and returns epoch, step and the extra
     * metadata. Refused, naming the file: a file that is not a basis4j training checkpoint or is of another
     * format version, a missing, non-numeric or negative epoch or step, tensors that do not fit the model or the
     * optimiser (every bad key named), and a model tensor holding NaN or ±∞ (its key and index named): such a
     * checkpoint cannot continue a run.
     */
    public static TrainingCheckpoint load(Path path, Module model, Optimizer optimizer) throws IOException {
        Safetensors.File f = Safetensors.read(path);
        Map<String, String> meta = f.metadata();
        if (!meta.containsKey(EPOCH) || !meta.containsKey(STEP)) {
            throw new IllegalArgumentException(path + ": not a basis4j training checkpoint (no epoch/step metadata); "
                    + "to load plain weights use the model's loadStateDict");
        }
        if (!FORMAT_VERSION.equals(meta.get(FORMAT))) {
            throw new IllegalArgumentException(path + ": format '" + meta.get(FORMAT) + "' is not '" + FORMAT_VERSION
                    + "', the training checkpoint format this basis4j reads");
        }
        long epoch = counter(meta, EPOCH, Integer.MAX_VALUE, path);
        long step = counter(meta, STEP, Long.MAX_VALUE, path);
        Map<String, Tensor> all = f.tensors();
        Map<String, Tensor> modelState = new LinkedHashMap<>();
        Map<String, Tensor> optState = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            if (e.getKey().startsWith(OPT_PREFIX)) optState.put(e.getKey().substring(OPT_PREFIX.length()), e.getValue());
            else modelState.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Tensor> e : modelState.entrySet()) {
            String where = NonFinite.locate(e.getValue());
            if (where != null) {
                throw new IllegalArgumentException(path + ": model tensor '" + e.getKey() + "' " + e.getValue().shape() + " holds " + where
                        + "; the run had diverged before this checkpoint was written, resume from an earlier one");
            }
        }
        Map<String, String> optScalars = new LinkedHashMap<>();
        Map<String, String> extra = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey().startsWith(OPT_PREFIX)) optScalars.put(e.getKey().substring(OPT_PREFIX.length()), e.getValue());
            else if (!e.getKey().equals(EPOCH) && !e.getKey().equals(STEP) && !e.getKey().equals(FORMAT)) extra.put(e.getKey(), e.getValue());
        }
        try {
            model.loadStateDict(modelState, true);
            optimizer.loadState(optState, optScalars);
        } catch (IllegalArgumentException e) {
            // NumberFormatException too: the message of the model or optimiser, prefixed by the file it came from.
            throw new IllegalArgumentException(path + ": does not fit this model and optimiser: " + e.getMessage(), e);
        }
        return new TrainingCheckpoint((int) epoch, step, extra);
    }

    /** A non-negative counter of the metadata, at most {@code max}. */
    private static long counter(Map<String, String> meta, String key, long max, Path path) {
        String text = meta.get(key);
        String expected = path + ": metadata '" + key + "' must be an integer in [0, " + max + "], got '" + text + "'";
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected, e);
        }
        if (v < 0 || v > max) throw new IllegalArgumentException(expected);
        return v;
    }
}
