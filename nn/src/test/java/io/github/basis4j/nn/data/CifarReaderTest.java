package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    @TempDir
    Path dir;

    /** Pixel value of channel c at (y, x) of record r: a pattern that differs per plane, row and column. */
    private static int pixel(int r, int c, int y, int x) {
        return (r * 7 + c * 85 + y * 3 + x) & 0xff;
    }

    /** {@code n} records with labels {@code labelOf(r)} (one byte, or coarse then fine), planar pixels. */
    private static byte[] records(int n, int labelBytes, int[][] labels) {
        int rec = labelBytes + 3072;
        byte[] b = new byte[n * rec];
        for (int r = 0; r < n; r++) {
            for (int l = 0; l < labelBytes; l++) b[r * rec + l] = (byte) labels[r][l];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) b[r * rec + labelBytes + c * 1024 + y * 32 + x] = (byte) pixel(r, c, y, x);
                }
            }
        }
        return b;
    }

    @Test
    void cifar10DirectoryRoundTripTransposesPlanesToChannelLast() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), records(2, 1, new int[][] {{i}, {9 - i}}));
        }
        Files.write(dir.resolve("test_batch.bin"), records(3, 1, new int[][] {{0}, {1}, {9}}));
        ByteImageDataset train = CifarReader.cifar10(dir, Split.TRAIN);
        assertThat(train.size()).isEqualTo(10);
        assertThat(train.classNames()).isEqualTo(CifarReader.CIFAR10_CLASSES);
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) labels[i] = train.label(i);
        assertThat(labels).containsExactly(1, 8, 2, 7, 3, 6, 4, 5, 5, 4);
        ByteImageDataset test = CifarReader.cifar10(dir, Split.TEST);
        Image im = test.image(2);
        assertThat(im.shape()).containsExactly(32, 32, 3);
        for (int y : new int[] {0, 5, 31}) {
            for (int x : new int[] {0, 17, 31}) {
                for (int c = 0; c < 3; c++) assertThat(im.at(y, x, c)).isEqualTo(pixel(2, c, y, x) / 255f);
            }
        }
    }

    @Test
    void cifar100ReadsFineOrCoarseLabelsWithNamesFromItsFiles() throws IOException {
        Files.write(dir.resolve("train.bin"), records(3, 2, new int[][] {{4, 99}, {19, 0}, {0, 42}}));
        List<String> fine = new ArrayList<>(), coarse = new ArrayList<>();
        for (int i = 0; i < 100; i++) fine.add("fine" + i);
        for (int i = 0; i < 20; i++) coarse.add("coarse" + i);
        Files.write(dir.resolve("fine_label_names.txt"), (String.join("\n", fine) + "\n\n").getBytes());
        Files.write(dir.resolve("coarse_label_names.txt"), String.join("\n", coarse).getBytes());
        ByteImageDataset f = CifarReader.cifar100(dir, Split.TRAIN, CifarReader.Format.CIFAR100_FINE);
        assertThat(new int[] {f.label(0), f.label(1), f.label(2)}).containsExactly(99, 0, 42);
        assertThat(f.classNames().get(42)).isEqualTo("fine42");
        ByteImageDataset c = CifarReader.cifar100(dir, Split.TRAIN, CifarReader.Format.CIFAR100_COARSE);
        assertThat(new int[] {c.label(0), c.label(1), c.label(2)}).containsExactly(4, 19, 0);
        assertThat(c.image(1).at(3, 4, 2)).isEqualTo(pixel(1, 2, 3, 4) / 255f);
        assertThatThrownBy(() -> CifarReader.cifar100(dir, Split.TEST, CifarReader.Format.CIFAR100_FINE))
                .isInstanceOf(DataFileException.class).hasMessageContaining("missing [test.bin]");
    }

    @Test
    void truncatedFilesBadLabelsAndMissingFilesAreNamed() throws IOException {
        byte[] two = records(2, 1, new int[][] {{0}, {1}});
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(two, two.length - 5));
        assertThatThrownBy(() -> CifarReader.read(List.of(cut), CifarReader.Format.CIFAR10, CifarReader.CIFAR10_CLASSES))
                .isInstanceOf(DataFileException.class).hasMessageStartingWith(cut.toString())
                .hasMessageContaining("6141 bytes is not a whole number of 3073-byte CIFAR10 records (1 records and 3068 bytes over)");
        Path bad = Files.write(dir.resolve("bad.bin"), records(2, 1, new int[][] {{0}, {10}}));
        assertThatThrownBy(() -> CifarReader.read(List.of(bad), CifarReader.Format.CIFAR10, CifarReader.CIFAR10_CLASSES))
                .hasMessageStartingWith(bad.toString()).hasMessageContaining("record 1 has label 10, but CIFAR10 labels are 0..9");
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertThatThrownBy(() -> CifarReader.read(List.of(empty), CifarReader.Format.CIFAR10, CifarReader.CIFAR10_CLASSES))
                .hasMessageContaining("empty file");
        Path sub = Files.createDirectory(dir.resolve("partial"));
        Files.write(sub.resolve("data_batch_1.bin"), two);
        assertThatThrownBy(() -> CifarReader.cifar10(sub, Split.TRAIN)).hasMessageStartingWith(sub.toString())
                .hasMessageContaining("missing [data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin]");
        Files.write(sub.resolve("test_batch.bin"), two);
        Files.write(sub.resolve("batches.meta.txt"), "a\nb\n".getBytes());
        assertThatThrownBy(() -> CifarReader.cifar10(sub, Split.TEST)).hasMessageContaining("lists 2 class names, expected 10");
    }

    @Test
    void filesHoldingMoreImagesThanOneArrayAreRefusedBeforeReading() throws IOException {
        // Sparse files: their sizes promise more than MAX_IMAGES records without taking the disk space.
        int rec = CifarReader.Format.CIFAR10.recordBytes();
        Path a = dir.resolve("a.bin"), b = dir.resolve("b.bin");
        for (Path p : List.of(a, b)) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                f.setLength((long) rec * (CifarReader.MAX_IMAGES / 2 + 1));
            }
        }
        assertThatThrownBy(() -> CifarReader.read(List.of(a, b), CifarReader.Format.CIFAR10, CifarReader.CIFAR10_CLASSES))
                .isInstanceOf(DataFileException.class).hasMessageStartingWith(b.toString())
                .hasMessageContaining("the 2 files hold " + 2 * (CifarReader.MAX_IMAGES / 2 + 1) + " images, more than the "
                        + CifarReader.MAX_IMAGES);
    }
}
