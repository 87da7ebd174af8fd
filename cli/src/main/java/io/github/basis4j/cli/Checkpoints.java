package io.github.basis4j.cli;

import io.github.basis4j.nn.io.pth.PthFile;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Loads model weights from a safetensors file — plain weights under the reference's state-dict keys (a
 * PyTorch {@code state_dict} saved with {@code safetensors.torch.save_file}) or a training checkpoint of
 * {@code train}, whose optimiser state ({@code optimizer.*} tensors) is left out — or from a {@code torch.save}
 * file named {@code .pth} / {@code .pt} holding such a state dict, read without running its pickle code.
 */
final class Checkpoints {
    /** The {@code format} metadata value of {@code nn.io.TrainingCheckpoint} files. */
    static final String TRAINING_FORMAT = "basis4j-training-checkpoint-1";
    /** The prefix of a training checkpoint's optimiser tensors. */
    private static final String OPTIMIZER_PREFIX = "optimizer.";

    private Checkpoints() {
    }

    /**
     * A weights file opened for loading.
     *
     * @param path     where it is
     * @param metadata its safetensors metadata (empty for a torch.save file)
     * @param keys     its tensors' names, in file order
     * @param decoder  a tensor by name, as float32
     */
    record Weights(Path path, Map<String, String> metadata, List<String> keys, Function<String, Tensor> decoder) {
    }

    /** Reads the header of {@code file} (tensors are decoded on demand). */
    static Safetensors.File open(String what, Path file) throws IOException {
        return Safetensors.read(Checks.existingFile(what, file));
    }

    /** Opens {@code file} as a torch.save file if it is named {@code .pth} / {@code .pt}, else as safetensors. */
    static Weights openWeights(String what, Path file) throws IOException {
        Path p = Checks.existingFile(what, file);
        if (PthFile.isPthName(p)) {
            PthFile f = PthFile.read(p);
            return new Weights(p, Map.of(), List.copyOf(f.entries().keySet()), f::tensor);
        }
        Safetensors.File f = Safetensors.read(p);
        return new Weights(p, f.metadata(), List.copyOf(f.entries().keySet()), f::tensor);
    }

    /**
     * Copies the weights of {@code file} into {@code model}; every state-dict key must be there with its
     * shape, and no other key may be.
     *
     * @throws CliException naming the file and the model when they do not fit
     */
    static void loadWeights(Module model, String modelName, Weights file) {
        boolean training = TRAINING_FORMAT.equals(file.metadata().get("format"));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String key : file.keys()) {
            if (training && key.startsWith(OPTIMIZER_PREFIX)) continue;
            weights.put(key, file.decoder().apply(key));
        }
        try {
            model.loadStateDict(weights, true);
        } catch (IllegalArgumentException e) {
            throw new CliException(file.path() + " does not hold weights for " + modelName + ": " + Main.oneLine(e.getMessage()), e);
        }
    }
}
