package io.github.basis4j.simd.io;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length {@code n}, {@code n}
 * bytes of UTF-8 JSON ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * "__metadata__": {"k": "v"}}}), then the raw little-endian data, offsets relative to its start.
 *
 * <p>Reading validates everything before any tensor is materialised: the header length is bounded by
 * {@link #MAX_HEADER_BYTES} and by the file, each entry's byte range lies inside the data and matches its
 * shape and dtype, ranges do not partially overlap (identical ranges are accepted: a tensor shared by
 * several keys may be stored once), so no crafted header can make the reader allocate more than the file
 * holds. Writing is atomic: a temporary file in the same directory, then a rename.
 */
public final class Safetensors {
    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /**
     * For fault-injection tests only: when this system property names a file, {@link #write} stops after the
     * header has gone to the temporary file, creates that file (holding the temporary file's path) and waits
     * until it is deleted. A test kills the process meanwhile to check that a crash mid-write leaves the
     * previous file intact. Unset (always, outside such tests), it costs one property lookup per write.
     */
    public static final String PAUSE_WRITE_PROPERTY = "basis4j.safetensors.pauseWrite";
    private static final long PAUSE_POLL_MILLIS = 10;

    private static final String METADATA_KEY = "__metadata__";

    private Safetensors() {
    }

    /** One tensor's entry in a header. */
    public record Entry(String name, DType dtype, Shape shape, long begin, long end) {
    }

    /** A parsed file: entries in header order, metadata, and the (memory-mapped) data section. */
    public static final class File {
        private final Path path;
        private final Map<String, Entry> entries;
        private final Map<String, String> metadata;
        private final ByteBuffer data;

        private File(Path path, Map<String, Entry> entries, Map<String, String> metadata, ByteBuffer data) {
            this.path = path;
            this.entries = entries;
            this.metadata = metadata;
            this.data = data;
        }

        /** Entries in header order. */
        public Map<String, Entry> entries() {
            return entries;
        }

        /** The {@code __metadata__} map (empty if absent). */
        public Map<String, String> metadata() {
            return metadata;
        }

        /** Whether a tensor of this name exists. */
        public boolean contains(String name) {
            return entries.containsKey(name);
        }

        /** The named tensor converted to float32, in a new array. */
        public Tensor tensor(String name) {
            Entry e = entry(name);
            Tensor t = Tensor.zeros(e.shape());
            decode(e, t.data(), 0);
            return t;
        }

        /**
         * Decodes the named tensor to float32 straight into {@code out[outOff, outOff + size)}, straight from the
         * mapped file: loading weights this way copies each value once instead of through a temporary tensor.
         *
         * @throws SafetensorsException if there is no such tensor
         * @throws IllegalArgumentException if the range does not fit in {@code out}
         */
        public void readInto(String name, float[] out, int outOff) {
            Entry e = entry(name);
            int n = e.shape().sizeAsInt();
            if (out == null || outOff < 0 || outOff > out.length - n) {
                throw new IllegalArgumentException("Safetensors.readInto: " + name + " " + e.shape() + " needs " + n + " floats at offset "
                        + outOff + ", got an array of " + (out == null ? "null" : out.length));
            }
            decode(e, out, outOff);
        }

        private Entry entry(String name) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new SafetensorsException(path + ": no tensor named '" + name + "'; it holds " + entries.keySet());
            }
            return e;
        }

        /**
         * Every tensor, converted to float32, in header order. Keys stored at one byte range (a shared tensor
         * listed under several names) map to one {@link Tensor}, as they share storage in the file: so however
         * many keys a header lists, this allocates at most twice the data section (F16 and BF16 widen to F32).
         * Aliases with different shapes are views of one array ({@link Tensor#reshape}).
         */
        public Map<String, Tensor> tensors() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            Map<Long, Tensor> byBegin = new HashMap<>();
            for (Entry e : entries.values()) {
                // Ranges never partially overlap (checked on read), so a non-empty range is known by its start.
                // An alias may view the range with another shape of the same size: it gets a view of the same data.
                Tensor shared = e.begin() == e.end() ? null : byBegin.get(e.begin());
                Tensor t = shared != null ? shared.reshape(e.shape().dims()) : tensor(e.name());
                if (shared == null && e.begin() != e.end()) byBegin.put(e.begin(), t);
                out.put(e.name(), t);
            }
            return out;
        }

        private void decode(Entry e, float[] out, int off) {
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            b.position((int) e.begin()).limit((int) e.end());
            b = b.slice().order(ByteOrder.LITTLE_ENDIAN);
            int n = e.shape().sizeAsInt();
            switch (e.dtype()) {
                case F32 -> b.asFloatBuffer().get(out, off, n);
                case F64 -> {
                    for (int i = 0; i < n; i++) out[off + i] = (float) b.getDouble(8 * i);
                }
                case I64 -> {
                    for (int i = 0; i < n; i++) out[off + i] = b.getLong(8 * i);
                }
                case I32 -> {
                    for (int i = 0; i < n; i++) out[off + i] = b.getInt(4 * i);
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) out[off + i] = Float.float16ToFloat(b.getShort(2 * i));
                }
                case BF16 -> {
                    // bfloat16 is the upper half of a float32: shift the 16 bits into place.
                    for (int i = 0; i < n; i++) out[off + i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                }
            }
        }
    }

    /** Reads and validates the header of {@code path}; tensor data are read on demand. */
    public static File read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new SafetensorsException(path + ": " + fileSize + " bytes is too short for a safetensors file (needs an 8-byte header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
                throw new SafetensorsException(path + ": header length " + headerLen + " is invalid (file has " + fileSize
                        + " bytes; at most " + MAX_HEADER_BYTES + " bytes of header are accepted)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, path);
            String json = StandardCharsets.UTF_8.newDecoder().decode(hb.flip()).toString();
            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            if (dataLen > Integer.MAX_VALUE) {
                throw new SafetensorsException(path + ": data section of " + dataLen + " bytes exceeds the 2 GiB basis4j maps at once");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = parseHeader(json, dataLen, metadata, path);
            ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            return new File(path, entries, metadata, data);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SafetensorsException(path + ": header is not valid UTF-8", e);
        } catch (SafetensorsException e) {
            if (e.getMessage().startsWith(path.toString())) throw e;
            throw new SafetensorsException(path + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) throw new SafetensorsException(path + ": truncated while reading the header");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Entry> parseHeader(String json, long dataLen, Map<String, String> metadata, Path path) {
        Object root = HeaderJson.parse(json);
        if (!(root instanceof Map<?, ?> rootMap)) throw new SafetensorsException("header is not a JSON object");
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> kv : ((Map<String, Object>) rootMap).entrySet()) {
            String name = kv.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(kv.getValue() instanceof Map<?, ?> md)) throw new SafetensorsException("__metadata__ must be an object of strings");
                for (Map.Entry<?, ?> m : md.entrySet()) {
                    if (!(m.getValue() instanceof String v)) {
                        throw new SafetensorsException("__metadata__ value for '" + m.getKey() + "' must be a string");
                    }
                    metadata.put((String) m.getKey(), v);
                }
                continue;
            }
            entries.put(name, parseEntry(name, kv.getValue(), dataLen));
        }
        checkNoPartialOverlap(entries);
        return entries;
    }

    @SuppressWarnings("unchecked")
    private static Entry parseEntry(String name, Object value, long dataLen) {
        if (!(value instanceof Map<?, ?> raw)) throw new SafetensorsException("entry '" + name + "' must be an object");
        Map<String, Object> m = (Map<String, Object>) raw;
        if (!(m.get("dtype") instanceof String dt)) throw new SafetensorsException("entry '" + name + "' lacks a string dtype");
        if (!(m.get("shape") instanceof List<?> sh)) throw new SafetensorsException("entry '" + name + "' lacks a shape array");
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2) {
            throw new SafetensorsException("entry '" + name + "' needs data_offsets [begin, end]");
        }
        DType dtype = DType.parse(dt, name);
        int[] dims = new int[sh.size()];
        boolean empty = false;
        for (int i = 0; i < dims.length; i++) {
            if (!(sh.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new SafetensorsException("entry '" + name + "' has a bad shape " + sh + ": dimension " + i
                        + " must be an integer in [0, " + Integer.MAX_VALUE + "]");
            }
            dims[i] = (int) (long) d;
            empty |= d == 0;
        }
        long count = empty ? 0 : 1;
        // Stops as soon as the product passes the data size, so it can neither overflow nor promise an allocation.
        for (int i = 0; i < dims.length && !empty; i++) {
            count *= dims[i];
            if (count > dataLen) {
                throw new SafetensorsException("entry '" + name + "' shape " + sh + " is larger than the file's " + dataLen + " data bytes");
            }
        }
        if (!(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw new SafetensorsException("entry '" + name + "' has non-integer data_offsets " + off);
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw new SafetensorsException("entry '" + name + "' data_offsets [" + begin + ", " + end + "] lie outside the data section of "
                    + dataLen + " bytes");
        }
        long expected = count * dtype.bytes();
        if (end - begin != expected) {
            throw new SafetensorsException("entry '" + name + "' holds " + (end - begin) + " bytes but shape " + sh + " of " + dtype
                    + " needs " + expected);
        }
        return new Entry(name, dtype, Shape.of(dims), begin, end);
    }

    private static void checkNoPartialOverlap(Map<String, Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin() == e.end()) continue;
            if (prev != null && e.begin() < prev.end()) {
                boolean alias = e.begin() == prev.begin() && e.end() == prev.end() && e.dtype() == prev.dtype();
                if (!alias) {
                    throw new SafetensorsException("entries '" + prev.name() + "' [" + prev.begin() + ", " + prev.end() + ") and '" + e.name()
                            + "' [" + e.begin() + ", " + e.end() + ") overlap");
                }
            }
            prev = e;
        }
    }

    /** Reads every tensor of a file as float32, in header order. */
    public static Map<String, Tensor> readAll(Path path) throws IOException {
        return read(path).tensors();
    }

    /**
     * Writes {@code tensors} (F32, in map order) and {@code metadata} to {@code path} atomically:
     * the bytes go to a temporary file in the same directory, which is then renamed over {@code path},
     * so a crash never leaves a half-written file under that name.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (metadata != null && !metadata.isEmpty()) {
            HeaderJson.writeString(sb, METADATA_KEY);
            sb.append(":{");
            boolean f2 = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!f2) sb.append(',');
                HeaderJson.writeString(sb, m.getKey());
                sb.append(':');
                HeaderJson.writeString(sb, m.getValue());
                f2 = false;
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> kv : tensors.entrySet()) {
            if (kv.getKey().equals(METADATA_KEY)) throw new IllegalArgumentException("safetensors: '__metadata__' is not a valid tensor name");
            Tensor t = kv.getValue();
            if (!first) sb.append(',');
            first = false;
            HeaderJson.writeString(sb, kv.getKey());
            sb.append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] dims = t.shape().dims();
            for (int i = 0; i < dims.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(dims[i]);
            }
            long bytes = 4L * t.size();
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        sb.append('}');
        // Pad the header with spaces to a multiple of 8 bytes so the data start is aligned.
        byte[] header = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(header);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                pauseIfAsked(tmp);
                ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    float[] d = t.data();
                    int off = t.offset(), n = t.size();
                    for (int i = 0; i < n; ) {
                        buf.clear();
                        int chunk = Math.min(n - i, buf.capacity() / 4);
                        buf.asFloatBuffer().put(d, off + i, chunk);
                        buf.limit(4 * chunk);
                        writeFully(ch, buf);
                        i += chunk;
                    }
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The fault-injection hook of {@link #PAUSE_WRITE_PROPERTY}: with the property set to a path, announce that a
     * write is half done by creating that file (holding the temporary file's path), then wait for as long as it
     * exists. The marker is written beside it and renamed into place, so a watcher never reads it half written.
     */
    private static void pauseIfAsked(Path tmp) throws IOException {
        String marker = System.getProperty(PAUSE_WRITE_PROPERTY);
        if (marker == null) return;
        Path m = Path.of(marker);
        Path part = m.resolveSibling(m.getFileName() + ".part");
        Files.writeString(part, tmp.toString());
        Files.move(part, m, StandardCopyOption.ATOMIC_MOVE);
        try {
            while (Files.exists(m)) Thread.sleep(PAUSE_POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Safetensors.write: interrupted while paused by " + PAUSE_WRITE_PROPERTY);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
