package io.github.basis4j.nn.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100 ({@code cifar-10-binary.tar.gz},
 * {@code cifar-100-binary.tar.gz}) into 32×32×3 datasets.
 *
 * <p>Record layout: CIFAR-10 is {@code <label byte><3072 pixel bytes>}; CIFAR-100 is
 * {@code <coarse label><fine label><3072 pixel bytes>}. Pixels are planar, {@code [3, 32, 32]} (all red,
 * then green, then blue, rows first); they are transposed here to channel-last {@code [32, 32, 3]}.
 *
 * <p>A file whose size is not a whole number of records, or a label outside the class range, is a
 * {@link DataFileException} naming the file, the record and the problem.
 */
public final class CifarReader {
    /** Image side. */
    public static final int SIDE = 32;
    /** Channels (RGB). */
    public static final int CHANNELS = 3;
    private static final int PIXELS = SIDE * SIDE * CHANNELS;
    /** The most images one dataset holds: their pixels share one array, of at most {@code Integer.MAX_VALUE - 8} bytes. */
    public static final int MAX_IMAGES = (Integer.MAX_VALUE - 8) / PIXELS;

    /** The class names of CIFAR-10 in label order, as its {@code batches.meta.txt} lists them. */
    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private CifarReader() {
    }

    /** Which binary layout, and for CIFAR-100 which of its two labels, to read. */
    public enum Format {
        /** CIFAR-10: one label byte, 10 classes. */
        CIFAR10(1, 0, 10),
        /** CIFAR-100 with its 100 fine labels (the second label byte). */
        CIFAR100_FINE(2, 1, 100),
        /** CIFAR-100 with its 20 coarse superclass labels (the first label byte). */
        CIFAR100_COARSE(2, 0, 20);

        private final int labelBytes;
        private final int labelIndex;
        private final int numClasses;

        Format(int labelBytes, int labelIndex, int numClasses) {
            this.labelBytes = labelBytes;
            this.labelIndex = labelIndex;
            this.numClasses = numClasses;
        }

        /** Bytes per record: label bytes plus 3072 pixels. */
        public int recordBytes() {
            return labelBytes + PIXELS;
        }

        /** Number of classes of this labelling. */
        public int numClasses() {
            return numClasses;
        }
    }

    /**
     * Reads and concatenates record files, in the order given.
     *
     * @param files      binary record files
     * @param format     layout and labelling
     * @param classNames {@code format.numClasses()} names by label
     */
    public static ByteImageDataset read(List<Path> files, Format format, List<String> classNames) throws IOException {
        if (classNames.size() != format.numClasses()) {
            throw new IllegalArgumentException("CifarReader.read: " + format + " has " + format.numClasses() + " classes, got "
                    + classNames.size() + " names");
        }
        if (files.isEmpty()) throw new IllegalArgumentException("CifarReader.read: no files given");
        int rec = format.recordBytes();
        long total = 0;
        for (Path f : files) {
            long size = Files.size(f);
            if (size == 0) throw new DataFileException(f, "empty file, expected " + format + " records of " + rec + " bytes");
            if (size % rec != 0) {
                throw new DataFileException(f, size + " bytes is not a whole number of " + rec + "-byte " + format + " records ("
                        + size / rec + " records and " + size % rec + " bytes over): truncated, or not a " + format + " binary file");
            }
            total += size / rec;
            // Checked before anything is read or allocated: the pixels of all files go into one array.
            if (total > MAX_IMAGES) {
                throw new DataFileException(f, "with this file the " + files.size() + " files hold " + total + " images, more than the "
                        + MAX_IMAGES + " whose pixels fit one Java array");
            }
        }
        byte[] pixels = new byte[(int) (total * PIXELS)];
        int[] labels = new int[(int) total];
        int n = 0;
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            for (int r = 0; r < bytes.length / rec; r++, n++) {
                int off = r * rec;
                int label = bytes[off + format.labelIndex] & 0xff;
                if (label >= format.numClasses()) {
                    throw new DataFileException(f, "record " + r + " has label " + label + ", but " + format + " labels are 0.."
                            + (format.numClasses() - 1));
                }
                labels[n] = label;
                // Planar [3, 32, 32] to channel-last [32, 32, 3].
                int src = off + format.labelBytes;
                int dst = n * PIXELS;
                for (int c = 0; c < CHANNELS; c++) {
                    for (int p = 0; p < SIDE * SIDE; p++) pixels[dst + p * CHANNELS + c] = bytes[src + c * SIDE * SIDE + p];
                }
            }
        }
        return new ByteImageDataset(SIDE, SIDE, CHANNELS, pixels, labels, classNames);
    }

    /**
     * CIFAR-10 from the unpacked {@code cifar-10-batches-bin} directory: {@code data_batch_1.bin} …
     * {@code data_batch_5.bin} for {@link Split#TRAIN}, {@code test_batch.bin} for {@link Split#TEST}. Class
     * names come from {@code batches.meta.txt} when present, else are {@link #CIFAR10_CLASSES} (the same list).
     */
    public static ByteImageDataset cifar10(Path dir, Split split) throws IOException {
        List<Path> files = new ArrayList<>();
        if (split == Split.TRAIN) {
            for (int i = 1; i <= 5; i++) files.add(dir.resolve("data_batch_" + i + ".bin"));
        } else {
            files.add(dir.resolve("test_batch.bin"));
        }
        requireFiles(dir, files, "CIFAR-10 binary version (cifar-10-binary.tar.gz)");
        Path meta = dir.resolve("batches.meta.txt");
        List<String> names = Files.exists(meta) ? readNames(meta, 10) : CIFAR10_CLASSES;
        return read(files, Format.CIFAR10, names);
    }

    /**
     * CIFAR-100 from the unpacked {@code cifar-100-binary} directory: {@code train.bin} or {@code test.bin},
     * with names from {@code fine_label_names.txt} or {@code coarse_label_names.txt} (required).
     *
     * @param format {@link Format#CIFAR100_FINE} or {@link Format#CIFAR100_COARSE}
     */
    public static ByteImageDataset cifar100(Path dir, Split split, Format format) throws IOException {
        if (format == Format.CIFAR10) throw new IllegalArgumentException("CifarReader.cifar100: format must be a CIFAR100_* format");
        Path data = dir.resolve(split == Split.TRAIN ? "train.bin" : "test.bin");
        Path names = dir.resolve(format == Format.CIFAR100_FINE ? "fine_label_names.txt" : "coarse_label_names.txt");
        requireFiles(dir, List.of(data, names), "CIFAR-100 binary version (cifar-100-binary.tar.gz)");
        return read(List.of(data), format, readNames(names, format.numClasses()));
    }

    private static void requireFiles(Path dir, List<Path> files, String what) throws DataFileException {
        List<String> missing = new ArrayList<>();
        for (Path f : files) if (!Files.isRegularFile(f)) missing.add(f.getFileName().toString());
        if (!missing.isEmpty()) {
            throw new DataFileException(dir, "missing " + missing + "; expected the " + what + " unpacked here");
        }
    }

    /** One name per line; blank lines (the files end with some) are skipped. */
    private static List<String> readNames(Path file, int expected) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) names.add(line.strip());
        }
        if (names.size() != expected) {
            throw new DataFileException(file, "lists " + names.size() + " class names, expected " + expected);
        }
        return names;
    }
}
