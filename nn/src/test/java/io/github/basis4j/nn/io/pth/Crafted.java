package io.github.basis4j.nn.io.pth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds hand-made torch.save archives and pickles for the tests that feed the reader bad or hostile input. */
final class Crafted {
    private Crafted() {
    }

    /** A committed fixture of {@code nn/src/test/resources/fixtures/pth}. */
    static Path fixture(String name) {
        try {
            var url = Crafted.class.getResource("/fixtures/pth/" + name);
            if (url == null) throw new IllegalStateException("missing fixture " + name + "; run tools/fixtures/pth_fixtures.py");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entries of a zip file, by name, in order. */
    static Map<String, byte[]> entries(Path zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                out.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A zip of stored (uncompressed) entries, or deflated ones when {@code deflate} is set. */
    static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> kv : entries.entrySet()) {
                ZipEntry e = new ZipEntry(kv.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(kv.getValue());
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(kv.getValue().length);
                    e.setCompressedSize(kv.getValue().length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(kv.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] zip(Map<String, byte[]> entries) {
        return zip(entries, false);
    }

    /** The fixture {@code dtypes.pth} (storages "0" … "8", "0" holding 24 float32) with its data.pkl replaced. */
    static byte[] withPickle(byte[] pickle) {
        Map<String, byte[]> e = entries(fixture("dtypes.pth"));
        e.put("dtypes/data.pkl", pickle);
        return zip(e);
    }

    /** Writes pickle opcodes; method names follow pickletools. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** PROTO 2, as torch.save starts. */
        static Pickle proto2() {
            return new Pickle().op(0x80).op(2);
        }

        Pickle op(int... bytes) {
            for (int b : bytes) out.write(b);
            return this;
        }

        Pickle mark() {
            return op('(');
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v >= 0 && v < 256) return op('K', (int) v);
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
                return this;
            }
            op(0x8a, 8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        /** A tuple of ints. */
        Pickle ints(long... v) {
            mark();
            for (long x : v) integer(x);
            return op('t');
        }

        /** {@code OrderedDict()}. */
        Pickle orderedDict() {
            return global("collections", "OrderedDict").op(')', 'R');
        }

        /** A tensor: {@code _rebuild_tensor_v2(storage, offset, sizes, strides, False, OrderedDict())}. */
        Pickle tensor(String storageType, String key, long numel, long offset, long[] sizes, long[] strides) {
            global("torch._utils", "_rebuild_tensor_v2").mark();
            mark().unicode("storage").global("torch", storageType).unicode(key).unicode("cpu").integer(numel).op('t', 'Q');
            integer(offset).ints(sizes).ints(strides).op(0x89).orderedDict();
            return op('t', 'R');
        }

        /** {@code OrderedDict([(name, tensor)])} for one float32 view of storage "0" (24 elements). */
        Pickle stateDictOf(String name, long offset, long[] sizes, long[] strides) {
            orderedDict().mark().unicode(name).tensor("FloatStorage", "0", 24, offset, sizes, strides);
            return op('u');
        }

        Pickle stop() {
            return op('.');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
