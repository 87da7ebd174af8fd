package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final List<String> THREE = List.of("a", "b", "c");

    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes: magic 0x0000 08 rank, big-endian dims, data. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37 + 11);
        return b;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void rawAndGzippedRoundTripToTheSameDataset() throws IOException {
        byte[] pixels = counting(4 * 3 * 5);
        byte[] labels = {2, 0, 1, 2};
        byte[] imgIdx = idx(new int[] {4, 3, 5}, pixels);
        byte[] labIdx = idx(new int[] {4}, labels);
        ByteImageDataset raw = IdxReader.readDataset(write("i", imgIdx), write("l", labIdx), THREE);
        // Gzip is detected from the content, not the name.
        ByteImageDataset gz = IdxReader.readDataset(write("i.gz", gzip(imgIdx)), write("l.bin", gzip(labIdx)), THREE);
        for (ByteImageDataset d : List.of(raw, gz)) {
            assertThat(d.size()).isEqualTo(4);
            assertThat(new int[] {d.height(), d.width(), d.channels()}).containsExactly(3, 5, 1);
            assertThat(d.label(0)).isEqualTo(2);
            assertThat(d.label(3)).isEqualTo(2);
            Image im = d.image(2);
            assertThat(im.shape()).containsExactly(3, 5, 1);
            for (int k = 0; k < 15; k++) {
                assertThat(im.data()[k]).isEqualTo((pixels[2 * 15 + k] & 0xff) / 255f);
                assertThat(d.pixel(2, k)).isEqualTo(pixels[2 * 15 + k] & 0xff);
            }
        }
        IdxReader.IdxArray a = IdxReader.read(dir.resolve("i.gz"));
        assertThat(a.dims()).containsExactly(4, 3, 5);
        assertThat(a.data()).containsExactly(pixels);
    }

    @Test
    void badMagicIsNamed() throws IOException {
        byte[] b = idx(new int[] {2}, new byte[] {0, 1});
        b[0] = 0x50;
        Path p = write("bad-magic", b);
        assertThatThrownBy(() -> IdxReader.read(p)).isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(p.toString()).hasMessageContaining("bad magic number 0x50000801");
        Path empty = write("empty", new byte[2]);
        assertThatThrownBy(() -> IdxReader.read(empty)).hasMessageStartingWith(empty.toString())
                .hasMessageContaining("too short for an IDX file: 2 bytes");
    }

    @Test
    void unsupportedTypeAndZeroRankAreNamed() throws IOException {
        byte[] b = idx(new int[] {1}, new byte[4]);
        b[2] = 0x0D;
        Path p = write("floats", b);
        assertThatThrownBy(() -> IdxReader.read(p)).hasMessageContaining("element type 0x0d is not supported");
        Path r0 = write("rank0", new byte[] {0, 0, 8, 0});
        assertThatThrownBy(() -> IdxReader.read(r0)).hasMessageContaining("declares 0 dimensions");
    }

    @Test
    void wrongDimensionCountsForImagesAndLabelsAreNamed() throws IOException {
        Path img2d = write("img2d", idx(new int[] {4, 15}, counting(60)));
        Path lab = write("lab", idx(new int[] {4}, new byte[] {0, 1, 2, 0}));
        assertThatThrownBy(() -> IdxReader.readDataset(img2d, lab, THREE)).isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(img2d.toString()).hasMessageContaining("expected 3 dimensions [N, H, W] for images, got 2 [4, 15]");
        Path img = write("img", idx(new int[] {4, 3, 5}, counting(60)));
        Path lab2d = write("lab2d", idx(new int[] {2, 2}, new byte[4]));
        assertThatThrownBy(() -> IdxReader.readDataset(img, lab2d, THREE)).hasMessageStartingWith(lab2d.toString())
                .hasMessageContaining("expected 1 dimension [N] for labels, got 2");
        Path lab3 = write("lab3", idx(new int[] {3}, new byte[3]));
        assertThatThrownBy(() -> IdxReader.readDataset(img, lab3, THREE)).hasMessageContaining("3 labels for 4 images");
        Path labBig = write("labBig", idx(new int[] {4}, new byte[] {0, 1, 3, 0}));
        assertThatThrownBy(() -> IdxReader.readDataset(img, labBig, THREE))
                .hasMessageContaining("label 3 of sample 2 is outside [0, 3)");
    }

    @Test
    void shortDataAndTrailingBytesAreNamedRawAndGzipped() throws IOException {
        byte[] full = idx(new int[] {4, 3, 5}, counting(60));
        byte[] cut = Arrays.copyOf(full, full.length - 7);
        Path raw = write("short", cut);
        assertThatThrownBy(() -> IdxReader.read(raw)).hasMessageStartingWith(raw.toString())
                .hasMessageContaining("truncated: the header promises [4, 3, 5] = 60 bytes of data, the file ends after 53");
        Path gz = write("short.gz", gzip(cut));
        assertThatThrownBy(() -> IdxReader.read(gz)).hasMessageStartingWith(gz.toString())
                .hasMessageContaining("the file ends after 53");
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        Path extra = write("extra", longer);
        assertThatThrownBy(() -> IdxReader.read(extra)).hasMessageContaining("3 unexpected bytes after the 60 bytes");
        Path extraGz = write("extra.gz", gzip(longer));
        assertThatThrownBy(() -> IdxReader.read(extraGz)).hasMessageContaining("3 unexpected bytes after the 60 bytes");
        Path header = write("header", Arrays.copyOf(full, 9));
        assertThatThrownBy(() -> IdxReader.read(header)).hasMessageContaining("truncated header: 3 dimension sizes need 12 bytes");
    }

    @Test
    void badGzipStreamsAreNamed() throws IOException {
        byte[] gz = gzip(idx(new int[] {4, 3, 5}, counting(60)));
        // Cut the compressed stream in half: the inflater runs out of input.
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.read(cut)).isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(cut.toString()).hasMessageContaining("corrupt or truncated gzip stream");
        // Flip a CRC byte in the trailer: the data decompress but the check fails.
        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 6] ^= 0x5a;
        Path crc = write("crc.gz", badCrc);
        assertThatThrownBy(() -> IdxReader.read(crc)).hasMessageStartingWith(crc.toString())
                .hasMessageContaining("corrupt or truncated gzip stream");
        // A gzip magic followed by garbage.
        Path garbage = write("garbage.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThatThrownBy(() -> IdxReader.read(garbage)).hasMessageStartingWith(garbage.toString())
                .hasMessageContaining("corrupt or truncated gzip stream");
    }

    @Test
    void dimensionsBeyondAnArrayOrTheFileAreRefusedBeforeAllocating() throws IOException {
        // 0x80000000 reads as a negative int: named as the unsigned size it is.
        Path negative = write("negative", idx(new int[] {0x80000000}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.read(negative)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("dimension 0 has size 2147483648, more than basis4j accepts");
        Path product = write("product", idx(new int[] {65536, 65536}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.read(product)).hasMessageContaining("[65536, 65536] hold more elements than a Java array");
        // A raw file's size settles it: 2 GiB promised, 0 bytes there, nothing read.
        Path big = write("big", idx(new int[] {0x7FFFFFF0}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.read(big)).hasMessageContaining("the file ends after 0");
    }

    @Test
    void aGzipFileCannotPromiseMoreThanDeflateCanExpandTo() throws IOException {
        // 256 MiB promised by a gzip file of a few dozen bytes: no deflate stream that small inflates that far.
        byte[] gz = gzip(idx(new int[] {1 << 28}, counting(16)));
        Path bomb = write("bomb.gz", gz);
        assertThatThrownBy(() -> IdxReader.read(bomb)).isInstanceOf(DataFileException.class).hasMessageStartingWith(bomb.toString())
                .hasMessageContaining("more than a " + gz.length + "-byte gzip file can inflate to (at most 1032 times its size)");
        // A real, highly compressible file stays well inside the bound and reads.
        byte[] zeros = idx(new int[] {100, 100}, new byte[10000]);
        Path ok = write("zeros.gz", gzip(zeros));
        assertThat(IdxReader.read(ok).data()).hasSize(10000);
    }
}
