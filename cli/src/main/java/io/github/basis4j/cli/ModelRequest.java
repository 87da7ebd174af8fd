package io.github.basis4j.cli;

import java.util.OptionalInt;

/**
 * What a command asks of a {@link ModelCatalog}: a model name and the options given on the command line.
 *
 * @param name       the model's reference name ({@code ResNet32_DoubleShared}), as the catalog spells it or in any case
 * @param inChannels channels of the input images, or empty for the model's default
 * @param numClasses output classes, or empty for the model's default
 * @param seed       seed of the initial weights
 */
public record ModelRequest(String name, OptionalInt inChannels, OptionalInt numClasses, long seed) {
    /** Validates that a name is given. */
    public ModelRequest {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a model name is required (--model)");
    }
}
