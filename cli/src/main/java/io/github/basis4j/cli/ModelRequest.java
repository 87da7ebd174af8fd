package io.github.basis4j.cli;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What a command asks of a {@link ModelCatalog}: a model name and the options given on the command line.
 *
 * @param name       the model's reference name ({@code ResNet32_DoubleShared}), as the catalog spells it or in any case
 * @param inChannels channels of the input images, or empty for the model's default
 * @param numClasses output classes, or empty for the model's default
 * @param seed       seed of the initial weights
 * @param dropPathRate stochastic depth rate of the last block (MetaFormers' {@code drop_path_rate}), or empty
 *                   for none; a model without stochastic depth rejects a positive rate
 */
public record ModelRequest(String name, OptionalInt inChannels, OptionalInt numClasses, long seed, OptionalDouble dropPathRate) {
    /** Validates that a name is given. */
    public ModelRequest {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a model name is required (--model)");
        if (dropPathRate == null) throw new IllegalArgumentException("ModelRequest: dropPathRate must not be null (use OptionalDouble.empty())");
    }

    /** A request without a drop-path rate. */
    public ModelRequest(String name, OptionalInt inChannels, OptionalInt numClasses, long seed) {
        this(name, inChannels, numClasses, seed, OptionalDouble.empty());
    }
}
