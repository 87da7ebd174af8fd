package io.github.basis4j.cli;

import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads model weights from a safetensors file: plain weights under the reference's state-dict keys (a
 * PyTorch {@code state_dict} saved with {@code safetensors.torch.save_file}) or a training checkpoint of
 * {@code train}, whose optimiser state ({@code optimizer.*} tensors) is left out.
 */
final class Checkpoints {
    /** The {@code format} metadata value of {@code nn.io.TrainingCheckpoint} files. */
    static final String TRAINING_FORMAT = "basis4j-training-checkpoint-1";
    /** The prefix of a training checkpoint's optimiser tensors. */
    private static final String OPTIMIZER_PREFIX = "optimizer.";

    private Checkpoints() {
    }

    /** Reads the header of {@code file} (tensors are decoded on demand). */
    static Safetensors.File open(String what, Path file) throws IOException {
        return Safetensors.read(Checks.existingFile(what, file));
    }

    /**
     * Copies the weights of {@code file} into {@code model}; every state-dict key must be there with its
     * shape, and no other key may be.
     *
     * @throws CliException naming the file and the model when they do not fit
     */
    static void loadWeights(Module model, String modelName, Safetensors.File file, Path path) {
        boolean training = TRAINING_FORMAT.equals(file.metadata().get("format"));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String key : file.entries().keySet()) {
            if (training && key.startsWith(OPTIMIZER_PREFIX)) continue;
            weights.put(key, file.tensor(key));
        }
        try {
            model.loadStateDict(weights, true);
        } catch (IllegalArgumentException e) {
            throw new CliException(path + " does not hold weights for " + modelName + ": " + Main.oneLine(e.getMessage()), e);
        }
    }
}
