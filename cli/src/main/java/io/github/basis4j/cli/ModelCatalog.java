package io.github.basis4j.cli;

import java.util.List;
import java.util.Optional;

/**
 * Where the command line gets its models: builds a named model with the options a command was given and
 * says what the commands need to know about it beyond its {@code Module} (native input size, classes, the
 * DSFB orthogonality penalty, the shared bases whose gradient norms are logged). The standard catalog
 * adapts the models module's registry; tests pass small catalogs of their own.
 */
public interface ModelCatalog {
    /**
     * A fresh model, weights initialised from {@code request.seed()}.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or an option
     *     the model cannot take
     */
    CliModel create(ModelRequest request);

    /** The known model names, for help and error messages. */
    List<String> names();

    /**
     * How the model called {@code name} is trained by its reference when it is not the command's default
     * recipe (SGD); {@code train} fills the options it was not given from it. Empty by default.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    default Optional<TrainingRecipe> recipe(String name) {
        return Optional.empty();
    }
}
