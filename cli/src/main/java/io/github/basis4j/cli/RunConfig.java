package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.nn.data.Interpolation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code train} records about a run in every checkpoint's metadata (the trainer stores it under
 * {@code config.<key>}), so that {@code eval}, {@code predict} and {@code train --resume} rebuild the same
 * model and feed it the same inputs without being told again.
 *
 * @param model         the model name
 * @param inChannels    input channels the model was built with
 * @param numClasses    classes the model was built with
 * @param dataset       the dataset it was trained on
 * @param dataDir       the data directory it was trained from, or null for the system copy
 * @param preprocessing the input preprocessing
 * @param classNames    class names by label
 */
public record RunConfig(String model, int inChannels, int numClasses, DatasetKind dataset, Path dataDir, Preprocessing preprocessing,
        List<String> classNames) {
    /** The prefix the trainer puts before each key of its configuration in the checkpoint metadata. */
    static final String METADATA_PREFIX = "config.";

    /** Copies the class names. */
    public RunConfig {
        classNames = List.copyOf(classNames);
    }

    /** The entries for {@code Trainer.Builder.optConfig}. */
    public Map<String, String> toConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("in_channels", Integer.toString(inChannels));
        m.put("num_classes", Integer.toString(numClasses));
        m.put("dataset", dataset.cliName());
        if (dataDir != null) m.put("data", dataDir.toAbsolutePath().toString());
        m.put("input", preprocessing.size().toString());
        m.put("mean", join(preprocessing.mean()));
        m.put("std", join(preprocessing.std()));
        m.put("resize", Integer.toString(preprocessing.resizeSide()));
        m.put("interpolation", preprocessing.interpolation().name().toLowerCase(Locale.ROOT));
        m.put("classes", Integer.toString(classNames.size()));
        // One key per class: names may hold any character ("T-shirt/top"), so none is used as a separator.
        for (int i = 0; i < classNames.size(); i++) m.put("class." + i, classNames.get(i));
        return m;
    }

    /**
     * The configuration in a checkpoint's metadata, or empty when the file was not written by {@code train}
     * (plain weights, e.g. a PyTorch state dict).
     *
     * @throws CliException if the configuration is there but incomplete or malformed
     */
    public static Optional<RunConfig> fromMetadata(Map<String, String> metadata, Path file) {
        Map<String, String> c = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith(METADATA_PREFIX)) c.put(k.substring(METADATA_PREFIX.length()), v);
        });
        if (!c.containsKey("model")) return Optional.empty();
        try {
            InputSize size = parseSize(get(c, "input"));
            // Checkpoints written before these keys existed were all resized bilinearly to the longer input side.
            int resize = Integer.parseInt(c.getOrDefault("resize", Integer.toString(Math.max(size.height(), size.width()))));
            Interpolation mode = Interpolation.valueOf(c.getOrDefault("interpolation", "bilinear").toUpperCase(Locale.ROOT));
            Preprocessing p = new Preprocessing(size, parseFloats(get(c, "mean")), parseFloats(get(c, "std")), resize, mode);
            int classes = Integer.parseInt(get(c, "classes"));
            List<String> names = new ArrayList<>(classes);
            for (int i = 0; i < classes; i++) names.add(get(c, "class." + i));
            String data = c.get("data");
            return Optional.of(new RunConfig(get(c, "model"), Integer.parseInt(get(c, "in_channels")), Integer.parseInt(get(c, "num_classes")),
                    DatasetKind.parse(get(c, "dataset")), data == null ? null : Path.of(data), p, names));
        } catch (IllegalArgumentException e) {
            throw new CliException(file + ": malformed run configuration in the checkpoint metadata: " + e.getMessage(), e);
        }
    }

    private static String get(Map<String, String> c, String key) {
        String v = c.get(key);
        if (v == null) throw new IllegalArgumentException("missing " + METADATA_PREFIX + key);
        return v;
    }

    /** {@code HxWxC} as {@link InputSize#toString()} writes it. */
    static InputSize parseSize(String text) {
        String[] parts = text.split("x");
        if (parts.length != 3) throw new IllegalArgumentException("a size must be HxWxC, got '" + text + "'");
        return new InputSize(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(v[i]);
        }
        return sb.toString();
    }

    private static float[] parseFloats(String text) {
        String[] parts = text.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Float.parseFloat(parts[i]);
        return v;
    }
}
