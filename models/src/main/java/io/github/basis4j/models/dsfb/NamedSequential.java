package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of modules applied in order under names of the caller's choosing, like a {@code torch.nn.Sequential}
 * filled with {@code add_module(name, module)} (the reference DenseNet's {@code features}): children keep
 * their names in the state dict ({@code dense_block_layer_0.…}) instead of {@link io.github.basis4j.nn.modules.Sequential}'s
 * "0", "1", ….
 *
 * <p>Shapes: whatever the first child takes → whatever the last returns.
 */
final class NamedSequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** Appends {@code module} under {@code name} and returns it. */
    <M extends Module> M add(String name, M module) {
        registerModule(name, module);
        layers.add(module);
        return module;
    }

    /** Applies every child in order. */
    @Override
    public Variable forward(Variable x) {
        Variable y = x;
        for (Module m : layers) y = m.forward(y);
        return y;
    }
}
