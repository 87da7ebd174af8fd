package io.github.basis4j.nn.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), raw or gzipped; gzip is recognised by its magic
 * bytes, not by the file name.
 *
 * <p>Format (big-endian): a 4-byte magic {@code 0x00 0x00 <type> <rank>}, then {@code rank} 32-bit
 * dimension sizes, then the elements in row-major order. basis4j reads type {@code 0x08} (unsigned byte),
 * the type every MNIST-family file uses.
 *
 * <p>Everything is checked: the magic, the type, the rank, the dimension sizes, that exactly the promised
 * number of data bytes follows (no fewer, no more) and, for gzip, the stream and its CRC. Each failure is
 * a {@link DataFileException} naming the file and the problem.
 */
public final class IdxReader {
    /** Type code of unsigned bytes, the only element type MNIST-family files use. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    /**
     * The most bytes a gzip file can inflate to per byte of its own size: deflate's longest match (258 bytes)
     * costs at least two bits, so no stream expands by more than 1032 to 1. A header that promises more data
     * than that is refused before anything is allocated, so a small crafted file cannot make the reader
     * allocate or inflate gigabytes.
     */
    public static final int MAX_GZIP_EXPANSION = 1032;

    private static final int BUFFER_BYTES = 1 << 16;

    private IdxReader() {
    }

    /**
     * The contents of an IDX file.
     *
     * @param file the file read
     * @param dims dimension sizes, outermost first
     * @param data the elements as unsigned bytes, row-major
     */
    public record IdxArray(Path file, int[] dims, byte[] data) {
        /** Number of dimensions. */
        public int rank() {
            return dims.length;
        }
    }

    /** Reads one IDX file of unsigned bytes, raw or gzipped. */
    public static IdxArray read(Path file) throws IOException {
        boolean gzip = isGzip(file);
        long size = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
                InputStream in = gzip ? new GZIPInputStream(raw, BUFFER_BYTES) : raw) {
            return parse(file, in, size, gzip);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            if (!gzip) throw e;
            // ZipException (bad header, bad CRC) or EOFException (stream cut short) from the inflater.
            throw new DataFileException(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
        }
    }

    /** {@code fileBytes} is the size of the file on disk; {@code in} inflates it when {@code gzip}. */
    private static IdxArray parse(Path file, InputStream in, long fileBytes, boolean gzip) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DataFileException(file, "too short for an IDX file: " + magic.length + " bytes, the magic number alone is 4");
        }
        int magicValue = readInt(magic, 0);
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFileException(file, String.format("bad magic number 0x%08x: not an IDX file (expected 0x0000TTRR, "
                    + "TT the element type, RR the rank; MNIST images are 0x00000803, labels 0x00000801)", magicValue));
        }
        int type = magic[2] & 0xff;
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new DataFileException(file, String.format("element type 0x%02x is not supported; basis4j reads unsigned-byte "
                    + "IDX files (type 0x08), as MNIST and Fashion-MNIST are", type));
        }
        int rank = magic[3] & 0xff;
        if (rank == 0) throw new DataFileException(file, "the IDX header declares 0 dimensions");
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw new DataFileException(file, "truncated header: " + rank + " dimension sizes need " + 4 * rank
                    + " bytes after the magic number, the file ends after " + dimBytes.length);
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++) {
            dims[d] = readInt(dimBytes, 4 * d);
            if (dims[d] < 0) {
                throw new DataFileException(file, "dimension " + d + " has size " + Integer.toUnsignedString(dims[d])
                        + ", more than basis4j accepts (2^31 - 1)");
            }
            count *= dims[d];
            if (count > Integer.MAX_VALUE - 8) {
                throw new DataFileException(file, "dimensions " + Arrays.toString(Arrays.copyOf(dims, d + 1))
                        + " hold more elements than a Java array");
            }
        }
        long headerBytes = 4 + 4L * rank;
        if (!gzip && fileBytes - headerBytes != count) {
            // A raw file's size tells us everything before reading the data.
            throw new DataFileException(file, sizeProblem(dims, count, fileBytes - headerBytes));
        }
        if (gzip && count + headerBytes > fileBytes * MAX_GZIP_EXPANSION) {
            throw new DataFileException(file, "the header promises " + Arrays.toString(dims) + " = " + count + " bytes of data, more than a "
                    + fileBytes + "-byte gzip file can inflate to (at most " + MAX_GZIP_EXPANSION + " times its size): truncated or crafted");
        }
        byte[] data = in.readNBytes((int) count);
        if (data.length < count) throw new DataFileException(file, sizeProblem(dims, count, data.length));
        // Reading on to the end also makes GZIPInputStream check the CRC and length trailer.
        long extra = 0;
        byte[] skip = new byte[BUFFER_BYTES];
        for (int r; (r = in.read(skip)) > 0; ) extra += r;
        if (extra > 0) throw new DataFileException(file, sizeProblem(dims, count, count + extra));
        return new IdxArray(file, dims, data);
    }

    private static String sizeProblem(int[] dims, long expected, long actual) {
        if (actual < expected) {
            return "truncated: the header promises " + Arrays.toString(dims) + " = " + expected
                    + " bytes of data, the file ends after " + actual;
        }
        return (actual - expected) + " unexpected bytes after the " + expected + " bytes of data that the header "
                + Arrays.toString(dims) + " promises";
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /**
     * Reads an image file {@code [N, H, W]} and a label file {@code [N]} into a dataset of {@code [H, W, 1]}
     * images; labels must lie in {@code [0, classNames.size())}.
     */
    public static ByteImageDataset readDataset(Path images, Path labels, List<String> classNames) throws IOException {
        IdxArray img = read(images);
        IdxArray lab = read(labels);
        if (img.rank() != 3) {
            throw new DataFileException(images, "expected 3 dimensions [N, H, W] for images, got " + img.rank() + " "
                    + Arrays.toString(img.dims()));
        }
        if (lab.rank() != 1) {
            throw new DataFileException(labels, "expected 1 dimension [N] for labels, got " + lab.rank() + " "
                    + Arrays.toString(lab.dims()));
        }
        if (img.dims()[0] != lab.dims()[0]) {
            throw new DataFileException(labels, lab.dims()[0] + " labels for " + img.dims()[0] + " images in " + images);
        }
        if (img.dims()[1] == 0 || img.dims()[2] == 0) {
            throw new DataFileException(images, "images of size " + img.dims()[1] + "x" + img.dims()[2]);
        }
        int[] y = new int[lab.dims()[0]];
        for (int i = 0; i < y.length; i++) {
            y[i] = lab.data()[i] & 0xff;
            if (y[i] >= classNames.size()) {
                throw new DataFileException(labels, "label " + y[i] + " of sample " + i + " is outside [0, " + classNames.size()
                        + ") for the " + classNames.size() + " classes " + classNames);
            }
        }
        return new ByteImageDataset(img.dims()[1], img.dims()[2], 1, img.data(), y, classNames);
    }
}
