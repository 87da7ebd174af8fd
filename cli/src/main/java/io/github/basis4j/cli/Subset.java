package io.github.basis4j.cli;

import io.github.basis4j.nn.data.Dataset;
import io.github.basis4j.nn.data.Image;
import java.util.List;

/**
 * The first {@code n} samples of a dataset ({@code --train-limit}, {@code --limit}): quick runs on a slice
 * of the data. The standard datasets' files already mix their classes, so a leading slice is a fair sample.
 */
final class Subset implements Dataset {
    private final Dataset base;
    private final int n;

    private Subset(Dataset base, int n) {
        this.base = base;
        this.n = n;
    }

    /** {@code base} itself if {@code limit} is null or not below its size, else its first {@code limit} samples. */
    static Dataset first(Dataset base, Integer limit) {
        return limit == null || limit >= base.size() ? base : new Subset(base, limit);
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public Image image(int i) {
        return base.image(i);
    }

    @Override
    public int label(int i) {
        return base.label(i);
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }
}
