package io.github.basis4j.nn.train;

import io.github.basis4j.nn.data.ByteImageDataset;
import io.github.basis4j.nn.data.Dataset;
import io.github.basis4j.nn.data.FashionMnist;
import io.github.basis4j.nn.data.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The real Fashion-MNIST files ({@link FashionMnist#locate}: Debian's {@code dataset-fashion-mnist}), loaded
 * once per test JVM, and leading subsets of them. A missing dataset fails the test with the message that
 * says which package to install.
 */
final class FashionMnistSubsets {
    private FashionMnistSubsets() {
    }

    private static final class Holder {
        static final ByteImageDataset TRAIN;
        static final ByteImageDataset TEST;

        static {
            try {
                Path dir = FashionMnist.locate(null, FashionMnist.Install.NEVER);
                TRAIN = FashionMnist.load(dir, Split.TRAIN);
                TEST = FashionMnist.load(dir, Split.TEST);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The first {@code n} training images (the file's order is already mixed across classes). */
    static Dataset train(int n) {
        return Holder.TRAIN.first(n);
    }

    /** The first {@code n} test images. */
    static Dataset test(int n) {
        return Holder.TEST.first(n);
    }
}
