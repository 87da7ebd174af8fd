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
}
