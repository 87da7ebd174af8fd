package io.github.basis4j.models;

import io.github.basis4j.nn.modules.Module;
import java.util.List;

/**
 * Builds models by name from {@link ModelRegistry#standard()}: the reference implementations' names
 * ({@code ResNet20}, {@code ResNet56_DoubleShared}, …), any case, optionally qualified by family
 * ({@code cifar10/ResNet20}).
 */
public final class Models {
    private static final ModelRegistry STANDARD = ModelRegistry.standard();

    private Models() {
    }

    /** The model called {@code name} with the reference's defaults. */
    public static Module create(String name) {
        return STANDARD.create(name, ModelOptions.defaults());
    }

    /**
     * The model called {@code name} built with {@code options}.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or an option
     *     the model cannot take
     */
    public static Module create(String name, ModelOptions options) {
        return STANDARD.create(name, options);
    }

    /** The known models as {@code family/name}, in registration order. */
    public static List<String> names() {
        return STANDARD.names();
    }

    /** The known models with their families and descriptions (use {@link ModelRegistry#standard()} for a registry to extend). */
    public static List<ModelRegistry.Entry> entries() {
        return STANDARD.entries();
    }
}
