package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A chain of modules applied in order, mirroring {@code torch.nn.Sequential}: children are named "0", "1",
 * …, so their state-dict keys are {@code 0.weight}, {@code 1.running_mean}, … as in PyTorch.
 *
 * <p>Shapes: whatever the first child takes → whatever the last returns; an empty Sequential returns its
 * input (the reference ResNets use one as an identity shortcut).
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /** A chain of {@code modules}, in order. */
    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends {@code module} under the next index and returns this. */
    public Sequential add(Module module) {
        registerModule(Integer.toString(layers.size()), module);
        layers.add(module);
        return this;
    }

    /** Child {@code i}. */
    public Module get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + i + " out of range for " + layers.size() + " modules");
        }
        return layers.get(i);
    }

    /** The number of children. */
    public int size() {
        return layers.size();
    }

    /** The children in order (unmodifiable). */
    public List<Module> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Applies every child in order. */
    @Override
    public Variable forward(Variable x) {
        Variable y = x;
        for (Module m : layers) y = m.forward(y);
        return y;
    }
}
