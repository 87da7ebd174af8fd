package io.github.basis4j.nn.modules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of modules, mirroring {@code torch.nn.ModuleList}: children are named "0", "1", … and
 * have no forward of their own; the owner calls them (MetaFormer's {@code stages},
 * {@code downsample_layers}).
 *
 * @param <M> the element type, so a list of blocks returns blocks
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** A list of {@code modules}, in order. */
    @SafeVarargs
    public ModuleList(M... modules) {
        for (M m : modules) add(m);
    }

    /** Appends {@code module} under the next index and returns this. */
    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    /** Element {@code i}. */
    public M get(int i) {
        if (i < 0 || i >= items.size()) {
            throw new IndexOutOfBoundsException("ModuleList: index " + i + " out of range for " + items.size() + " modules");
        }
        return items.get(i);
    }

    /** The number of elements. */
    public int size() {
        return items.size();
    }

    /** The elements in order (read-only). */
    @Override
    public Iterator<M> iterator() {
        return Collections.unmodifiableList(items).iterator();
    }
}
