package io.github.basis4j.nn.data;

import java.util.List;

/**
 * A labelled image classification dataset: {@link #size()} samples, each an {@link Image} (channel-last,
 * values in [0, 1]) and an integer label in {@code [0, classNames().size())}.
 *
 * <p>Implementations are safe for concurrent reads: the {@link DataLoader} reads from a background
 * thread. {@link #image(int)} returns a new image each call. Datasets that decode lazily report a bad file
 * as an {@link java.io.UncheckedIOException} whose cause is a {@link DataFileException} naming it.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** The image of sample {@code i}, {@code [H, W, C]}, in a new array. */
    Image image(int i);

    /** The label of sample {@code i}. */
    int label(int i);

    /** Class names, indexed by label. */
    List<String> classNames();

    /** Number of classes ({@code classNames().size()}). */
    default int numClasses() {
        return classNames().size();
    }

    /**
     * A view of the first {@code n} samples (quick runs on a slice; the standard datasets' files already
     * mix their classes, so a leading slice is a fair sample). {@code n} must be in {@code [0, size()]}.
     */
    default Dataset first(int n) {
        Dataset base = this;
        if (n < 0 || n > base.size()) {
            throw new IllegalArgumentException("Dataset.first: n must be in [0, " + base.size() + "], got " + n);
        }
        return new Dataset() {
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
        };
    }
}
