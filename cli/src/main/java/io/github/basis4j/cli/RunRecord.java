package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;

/**
 * What {@code train} ran with, every default resolved, written as {@value #FILE} beside the logs so a
 * run can be read back without its command line ({@code report} groups runs by model and λ from it).
 * One {@code key=value} line per field, in declaration order; {@code lambda} is empty for a model without
 * shared bases, {@code drop_path} for a run that sets none. {@link #summary} is the same settings as the
 * one line {@code train} prints before it starts.
 *
 * @param model          the model name
 * @param dataset        the dataset's command-line name
 * @param recipe         where the defaults came from ({@link TrainRecipe#origin}): the dataset, then the model
 * @param input          the model input {@code H×W×C}
 * @param numClasses     classes the model was built with
 * @param parameters     distinct trainable parameters
 * @param epochs         epochs in all
 * @param batchSize      images per step
 * @param optimizer      {@code sgd} or {@code adamw}
 * @param lr             peak learning rate
 * @param weightDecay    weight decay
 * @param decayOneDimensional whether biases, norm weights and scales are decayed too
 * @param schedule       learning-rate schedule name
 * @param warmupEpochs   warm-up length in epochs
 * @param augment        training augmentation name
 * @param labelSmoothing label smoothing ε
 * @param dropPath       stochastic depth rate of the last block, empty for none set
 * @param lambda         weight of the orthogonality penalty, empty for a model without shared bases
 * @param seed           seed of weights, shuffling and augmentation
 * @param trainImages    training images per epoch
 * @param testImages     evaluation images (0: none)
 */
record RunRecord(String model, String dataset, String recipe, InputSize input, int numClasses, long parameters, int epochs, int batchSize,
        String optimizer, double lr, double weightDecay, boolean decayOneDimensional, String schedule, double warmupEpochs, String augment,
        double labelSmoothing, OptionalDouble dropPath, OptionalDouble lambda, long seed, int trainImages, int testImages) {
    /** The file name in a run's output directory. */
    static final String FILE = "run.properties";

    /** The lines of the file, without a trailing comment or timestamp, so equal runs write equal files. */
    String text() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("dataset", dataset);
        m.put("recipe", recipe);
        m.put("input", input.toString());
        m.put("num_classes", Integer.toString(numClasses));
        m.put("parameters", Long.toString(parameters));
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("optimizer", optimizer);
        m.put("lr", Double.toString(lr));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("decay_1d", Boolean.toString(decayOneDimensional));
        m.put("schedule", schedule);
        m.put("warmup_epochs", Double.toString(warmupEpochs));
        m.put("augment", augment);
        m.put("label_smoothing", Double.toString(labelSmoothing));
        m.put("drop_path", optional(dropPath));
        m.put("lambda", optional(lambda));
        m.put("seed", Long.toString(seed));
        m.put("train_images", Integer.toString(trainImages));
        m.put("test_images", Integer.toString(testImages));
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** Writes {@link #text()} to {@code file} through a temporary file and a rename. */
    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a file {@link #write} wrote.
     *
     * @throws CliException naming the file and the key when it is missing, incomplete or malformed
     */
    static RunRecord read(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(Checks.existingFile("run record", file), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            String decay1d = get(p, "decay_1d", file);
            if (!decay1d.equals("true") && !decay1d.equals("false")) throw new IllegalArgumentException("decay_1d must be true or false, got " + decay1d);
            return new RunRecord(get(p, "model", file), get(p, "dataset", file), get(p, "recipe", file), RunConfig.parseSize(get(p, "input", file)),
                    Integer.parseInt(get(p, "num_classes", file)), Long.parseLong(get(p, "parameters", file)), Integer.parseInt(get(p, "epochs", file)),
                    Integer.parseInt(get(p, "batch_size", file)), get(p, "optimizer", file), Double.parseDouble(get(p, "lr", file)),
                    Double.parseDouble(get(p, "weight_decay", file)), Boolean.parseBoolean(decay1d), get(p, "schedule", file),
                    Double.parseDouble(get(p, "warmup_epochs", file)), get(p, "augment", file), Double.parseDouble(get(p, "label_smoothing", file)),
                    optional(get(p, "drop_path", file)), optional(get(p, "lambda", file)), Long.parseLong(get(p, "seed", file)),
                    Integer.parseInt(get(p, "train_images", file)), Integer.parseInt(get(p, "test_images", file)));
        } catch (IllegalArgumentException e) {
            throw new CliException(file + ": malformed run record: " + e.getMessage(), e);
        }
    }

    /**
     * The settings as one line, as {@code train} prints them: {@code recipe <origin>: input HxWxC, E epochs, batch B,
     * <optimizer> lr R <schedule>, weight decay D[ (not on 1-D parameters)], warm-up W epochs, augment A,
     * label smoothing ε, drop path P|none, λ L|none, seed S}.
     */
    String summary() {
        return String.format(Locale.ROOT, "recipe %s: input %s, %d epochs, batch %d, %s lr %s %s, weight decay %s%s, warm-up %s epochs, augment %s,"
                + " label smoothing %s, drop path %s, λ %s, seed %d", recipe, input, epochs, batchSize, optimizer, trim(lr), schedule, trim(weightDecay),
                decayOneDimensional ? "" : " (not on 1-D parameters)", trim(warmupEpochs), augment, trim(labelSmoothing),
                dropPath.isPresent() ? trim(dropPath.getAsDouble()) : "none", lambda.isPresent() ? trim(lambda.getAsDouble()) : "none", seed);
    }

    /** {@code λ=10} or {@code λ=0}, or the empty string for a model without shared bases: the label of the run's variant. */
    String lambdaLabel() {
        return lambda.isPresent() ? String.format(Locale.ROOT, "λ=%s", trim(lambda.getAsDouble())) : "";
    }

    /** A number without a trailing {@code .0}. */
    static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String optional(OptionalDouble v) {
        return v.isPresent() ? Double.toString(v.getAsDouble()) : "";
    }

    private static OptionalDouble optional(String v) {
        return v.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(v));
    }

    private static String get(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null) throw new CliException(file + ": run record has no '" + key + "'");
        return v.strip();
    }
}
