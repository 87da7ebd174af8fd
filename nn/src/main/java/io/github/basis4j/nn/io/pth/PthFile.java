package io.github.basis4j.nn.io.pth;

import io.github.basis4j.nn.io.pth.Unpickler.PyDict;
import io.github.basis4j.nn.io.pth.Unpickler.Storage;
import io.github.basis4j.nn.io.pth.Unpickler.TensorView;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A PyTorch {@code state_dict} read from a {@code torch.save} file ({@code .pth}, {@code .pt}) without running
 * any of its pickle code.
 *
 * <p>The file is the zip archive torch.save has written since PyTorch 1.6: {@code <archive>/data.pkl} (the
 * pickled object), {@code <archive>/data/<key>} (each storage's raw elements), {@code <archive>/version} and,
 * from PyTorch 2.1, {@code <archive>/byteorder}. The pickle is interpreted by a restricted reader that knows only
 * the opcodes and globals a state dict needs ({@code collections.OrderedDict}, {@code
 * torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter} and the storage classes of the six
 * element types below) and refuses everything else, naming the opcode or global and its byte offset.
 *
 * <p>The pickled object is a state dict (a dict of tensors), or a dict holding exactly one, such as the
 * reference's {@code {'net_state_dict': …, 'optimizer_state_dict': …, 'epoch': …}}; {@link #read(Path, String)}
 * picks one by key. Tensors may be views: any storage offset and strides, several tensors on one storage.
 * Values are widened to float32 as the safetensors reader does: float16, bfloat16 and float64 by rounding,
 * int64 and int32 exactly up to 2^24 (BatchNorm's {@code num_batches_tracked}).
 *
 * <p>Memory: {@link #read(Path)} maps the file and checks everything before any value is decoded: each
 * storage has exactly the bytes its elements need and its CRC-32, each view lies inside its storage and does
 * not address an element twice, and the distinct views of a storage together address at most
 * {@value #MAX_VIEWS_PER_ELEMENT} times its elements. Decoding therefore never allocates more than a small
 * multiple of what the file holds. Files over 2 GiB, pre-1.6 ({@code _use_new_zipfile_serialization=False})
 * files and TorchScript archives are refused with a message saying what to do.
 *
 * <p>Threading: a {@code PthFile} is immutable; any number of threads may decode from it at once.
 */
public final class PthFile {
    /**
     * How many times over the distinct views of one storage may address its elements. A state dict aliases a
     * storage under identical views (tied weights, counted once) or splits it into disjoint slices (once in
     * total); a tensor saved beside a transposed or sliced view of itself makes two. Each distinct view is
     * decoded into its own array, so without a bound a few bytes of pickle per view could ask for terabytes.
     */
    public static final int MAX_VIEWS_PER_ELEMENT = 4;
    /** The format versions PyTorch's own reader accepts (caffe2/serialize/versions.h); all share this layout. */
    private static final int MIN_VERSION = 1, MAX_VERSION = 10;
    /** The bytes every pickle written with protocol 2 starts with: the legacy (pre-1.6) format is one. */
    private static final int PICKLE_PROTO = 0x80;
    private static final int TAR_MAGIC_OFFSET = 257;
    private static final int LIST_LIMIT = 20;

    /**
     * One tensor of the state dict, as stored.
     *
     * @param name          its key
     * @param dtype         the element type of its storage (decoded to float32)
     * @param shape         its shape
     * @param storage       the key of its storage ({@code <archive>/data/<storage>})
     * @param storageOffset the index of its first element in the storage
     * @param strides       per dimension, in elements
     */
    public record Entry(String name, DType dtype, Shape shape, String storage, long storageOffset, List<Long> strides) {
        /** Whether its elements are consecutive in the storage, in row-major order. */
        public boolean contiguous() {
            long expected = 1;
            for (int d = shape.rank() - 1; d >= 0; d--) {
                if (shape.dim(d) != 1 && strides.get(d) != expected) return false;
                expected *= shape.dim(d);
            }
            return true;
        }
    }

    /** Identifies a view: two keys with the same one hold the same tensor. */
    private record ViewKey(String storage, long offset, List<Integer> sizes, List<Long> strides) {
        static ViewKey of(TensorView v) {
            List<Integer> sizes = new ArrayList<>(v.sizes().length);
            List<Long> strides = new ArrayList<>(v.strides().length);
            for (int d = 0; d < v.sizes().length; d++) {
                sizes.add(v.sizes()[d]);
                strides.add(v.strides()[d]);
            }
            return new ViewKey(v.storage().key(), v.offset(), sizes, strides);
        }
    }

    private final String source;
    private final Optional<String> selectedKey;
    private final ByteOrder order;
    private final Map<String, Entry> entries;
    private final Map<String, TensorView> views;

    private PthFile(String source, Optional<String> selectedKey, ByteOrder order, Map<String, Entry> entries, Map<String, TensorView> views) {
        this.source = source;
        this.selectedKey = selectedKey;
        this.order = order;
        this.entries = entries;
        this.views = views;
    }

    /**
     * Reads the state dict of a torch.save file: the pickled dict itself if it maps names to tensors, else the one
     * value of it that does.
     *
     * @throws PthException if the file is not such a checkpoint or asks for anything outside a state dict
     * @throws IOException  if it cannot be read
     */
    public static PthFile read(Path path) throws IOException {
        return read(path, null);
    }

    /**
     * Reads the state dict stored under {@code key} of the pickled dict ({@code "net_state_dict"}), or, with a
     * null key, as {@link #read(Path)} does.
     *
     * @throws PthException if the file is not such a checkpoint, asks for anything outside a state dict, or has no
     *     state dict under {@code key}
     * @throws IOException  if it cannot be read
     */
    public static PthFile read(Path path, String key) throws IOException {
        if (path == null) throw new IllegalArgumentException("PthFile.read: path must not be null");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new PthException(path + ": " + size + " bytes; basis4j reads PyTorch checkpoints up to 2 GiB");
            }
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return parse(b, path.toString(), key);
        }
    }

    /**
     * Reads the state dict of a torch.save file held in memory; see {@link #read(Path)}. This entry point throws
     * nothing but {@link PthException} for any content, which makes it the target for fuzzing.
     *
     * @throws PthException if the bytes are not such a checkpoint or ask for anything outside a state dict
     */
    public static PthFile read(byte[] bytes) {
        return read(bytes, null);
    }

    /** Reads the state dict under {@code key} (null: as {@link #read(byte[])}) from a file held in memory. */
    public static PthFile read(byte[] bytes, String key) {
        if (bytes == null) throw new PthException("PthFile.read: bytes must not be null");
        return parse(ByteBuffer.wrap(bytes), "PyTorch checkpoint", key);
    }

    /** Whether {@code path} is named as a torch.save file: {@code .pth} or {@code .pt}, in any case. */
    public static boolean isPthName(Path path) {
        Path f = path == null ? null : path.getFileName();
        if (f == null) return false;
        String n = f.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".pth") || n.endsWith(".pt");
    }

    private static PthFile parse(ByteBuffer file, String source, String key) {
        try {
            checkMagic(file);
            ZipArchive zip = ZipArchive.open(file);
            String prefix = archivePrefix(zip);
            checkVersion(zip, prefix);
            ByteOrder order = byteOrder(zip, prefix);
            Map<String, Storage> storages = new HashMap<>();
            Unpickler.StorageResolver resolver = (k, dtype, numel) -> storage(zip, prefix, storages, k, dtype, numel, order);
            ZipArchive.Entry pkl = zip.entries().get(prefix + "data.pkl");
            Object root = Unpickler.load(zip.data(pkl), pkl.name(), resolver);
            Map<String, TensorView> views = new LinkedHashMap<>();
            Optional<String> selected = select(root, key, views);
            checkViewBudget(views);
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<String, TensorView> e : views.entrySet()) entries.put(e.getKey(), entry(e.getKey(), e.getValue()));
            return new PthFile(source, selected, order, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(views));
        } catch (PthException e) {
            throw new PthException(source + ": " + e.getMessage(), e);
        }
    }

    private static void checkMagic(ByteBuffer b) {
        int n = b.limit();
        if (n == 0) throw new PthException("the file is empty");
        if (n >= 4 && b.get(0) == 'P' && b.get(1) == 'K' && ((b.get(2) == 3 && b.get(3) == 4) || (b.get(2) == 5 && b.get(3) == 6))) return;
        boolean tar = n > TAR_MAGIC_OFFSET + 5
                && "ustar".equals(new String(new byte[] {b.get(TAR_MAGIC_OFFSET), b.get(TAR_MAGIC_OFFSET + 1), b.get(TAR_MAGIC_OFFSET + 2),
                        b.get(TAR_MAGIC_OFFSET + 3), b.get(TAR_MAGIC_OFFSET + 4)}, StandardCharsets.US_ASCII));
        if ((b.get(0) & 0xFF) == PICKLE_PROTO || tar) {
            throw new PthException("not supported (legacy torch.save format, before PyTorch 1.6 or _use_new_zipfile_serialization=False); "
                    + "re-save with a current torch.save");
        }
        throw new PthException(String.format(Locale.ROOT, "not a PyTorch checkpoint: it starts with bytes %02x %02x, not with the zip "
                + "archive torch.save writes (PK)", b.get(0), n > 1 ? b.get(1) : 0));
    }

    /** {@code "<archive>/"} of the one {@code <archive>/data.pkl}. */
    private static String archivePrefix(ZipArchive zip) {
        String prefix = null;
        boolean torchScript = false;
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash).equals("/data.pkl")) {
                if (prefix != null) throw new PthException("zip archive holds more than one data.pkl (" + prefix + "data.pkl, " + name + ")");
                prefix = name.substring(0, slash + 1);
            }
            if (name.endsWith("/constants.pkl")) torchScript = true;
        }
        if (torchScript) {
            throw new PthException("a TorchScript archive (torch.jit.save) is not supported; save model.state_dict() with torch.save instead");
        }
        if (prefix == null) {
            List<String> names = new ArrayList<>(zip.entries().keySet());
            throw new PthException("zip archive has no <archive>/data.pkl, so it is not a torch.save file; it holds " + listed(names));
        }
        return prefix;
    }

    private static void checkVersion(ZipArchive zip, String prefix) {
        ZipArchive.Entry e = zip.entries().get(prefix + "version");
        if (e == null) e = zip.entries().get(prefix + ".data/version");
        if (e == null) throw new PthException("zip archive has no " + prefix + "version record");
        String text = ascii(zip, e).strip();
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException ex) {
            throw new PthException(e.name() + " holds '" + shorten(text) + "', not a format version number");
        }
        if (v < MIN_VERSION || v > MAX_VERSION) {
            throw new PthException("format version " + v + " is not supported (PyTorch writes " + MIN_VERSION + " to " + MAX_VERSION + ")");
        }
    }

    private static ByteOrder byteOrder(ZipArchive zip, String prefix) {
        ZipArchive.Entry e = zip.entries().get(prefix + "byteorder");
        if (e == null) return ByteOrder.LITTLE_ENDIAN;
        String text = ascii(zip, e).strip();
        return switch (text) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new PthException(e.name() + " holds '" + shorten(text) + "', not 'little' or 'big'");
        };
    }

    /** A small text record; anything longer than a version or byte-order word is refused unread. */
    private static String ascii(ZipArchive zip, ZipArchive.Entry e) {
        if (e.size() > LIST_LIMIT) throw new PthException(e.name() + " is " + e.size() + " bytes, too long for its one word");
        byte[] bytes = new byte[e.size()];
        zip.data(e).get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static Storage storage(ZipArchive zip, String prefix, Map<String, Storage> cache, String key, DType dtype, long numel, ByteOrder order) {
        Storage known = cache.get(key);
        if (known != null) {
            if (known.dtype() != dtype || known.numel() != numel) {
                throw new PthException("storage '" + key + "' is read as " + known.numel() + " " + known.dtype() + " and as " + numel + " " + dtype);
            }
            return known;
        }
        ZipArchive.Entry e = zip.entries().get(prefix + "data/" + key);
        if (e == null) throw new PthException("storage '" + shorten(key) + "' has no entry " + prefix + "data/" + shorten(key) + " in the archive");
        if (numel > e.size() / dtype.bytes() || numel * dtype.bytes() != e.size()) {
            throw new PthException("storage '" + key + "' declares " + numel + " elements of " + dtype + " but its entry holds " + e.size() + " bytes");
        }
        if (!zip.crcMatches(e)) throw new PthException("storage entry " + e.name() + " fails its CRC-32 check: the file is corrupt");
        Storage s = new Storage(key, dtype, (int) numel, zip.data(e).order(order));
        cache.put(key, s);
        return s;
    }

    /** Fills {@code views} with the state dict's tensors and returns the key it sits under, if nested. */
    private static Optional<String> select(Object root, String key, Map<String, TensorView> views) {
        if (!(root instanceof PyDict d)) {
            throw new PthException("the pickle holds a " + Unpickler.typeName(root) + ", not a dict of tensors (a state_dict)");
        }
        if (key != null) {
            Object v = d.items.get(key);
            if (v == null) throw new PthException("the checkpoint has no entry '" + key + "'; its keys are " + describeKeys(d));
            if (!(v instanceof PyDict sd) || !isStateDict(sd)) {
                throw new PthException("entry '" + key + "' is a " + Unpickler.typeName(v) + " that does not map names to tensors");
            }
            collect(sd, views);
            return Optional.of(key);
        }
        if (isStateDict(d)) {
            collect(d, views);
            return Optional.empty();
        }
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<Object, Object> e : d.items.entrySet()) {
            if (e.getKey() instanceof String k && e.getValue() instanceof PyDict sd && !sd.items.isEmpty() && isStateDict(sd)) candidates.add(k);
        }
        if (candidates.size() == 1) {
            collect((PyDict) d.items.get(candidates.getFirst()), views);
            return Optional.of(candidates.getFirst());
        }
        if (candidates.isEmpty()) {
            throw new PthException("the pickled dict is not a state_dict (names to tensors) and holds none; its keys are " + describeKeys(d));
        }
        throw new PthException("the checkpoint holds several state_dicts " + listed(candidates) + "; choose one by key (basis4j convert --key)");
    }

    private static boolean isStateDict(PyDict d) {
        for (Map.Entry<Object, Object> e : d.items.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TensorView)) return false;
        }
        return true;
    }

    private static void collect(PyDict d, Map<String, TensorView> views) {
        for (Map.Entry<Object, Object> e : d.items.entrySet()) views.put((String) e.getKey(), (TensorView) e.getValue());
    }

    /** Refuses views that together address a storage more than {@link #MAX_VIEWS_PER_ELEMENT} times over. */
    private static void checkViewBudget(Map<String, TensorView> views) {
        Map<ViewKey, String> distinct = new HashMap<>();
        Map<String, Long> addressed = new HashMap<>();
        Map<String, List<String>> names = new HashMap<>();
        for (Map.Entry<String, TensorView> e : views.entrySet()) {
            TensorView v = e.getValue();
            if (distinct.putIfAbsent(ViewKey.of(v), e.getKey()) != null) continue;
            String s = v.storage().key();
            long total = addressed.merge(s, v.numel(), Long::sum);
            names.computeIfAbsent(s, k -> new ArrayList<>()).add(e.getKey());
            if (total > (long) MAX_VIEWS_PER_ELEMENT * v.storage().numel()) {
                throw new PthException("the tensors " + listed(names.get(s)) + " view storage '" + s + "' (" + v.storage().numel()
                        + " elements) in different ways, " + total + " elements in all: more than " + MAX_VIEWS_PER_ELEMENT
                        + " times over, which basis4j refuses (each distinct view is copied)");
            }
        }
    }

    private static Entry entry(String name, TensorView v) {
        List<Long> strides = new ArrayList<>(v.strides().length);
        for (long s : v.strides()) strides.add(s);
        return new Entry(name, v.storage().dtype(), Shape.of(v.sizes()), v.storage().key(), v.offset(), List.copyOf(strides));
    }

    private static String describeKeys(PyDict d) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<Object, Object> e : d.items.entrySet()) {
            if (keys.size() == LIST_LIMIT) {
                keys.add("…");
                break;
            }
            String k = e.getKey() instanceof String s ? "'" + shorten(s) + "'" : e.getKey().toString();
            keys.add(k + " (" + Unpickler.typeName(e.getValue()) + ")");
        }
        return "[" + String.join(", ", keys) + "]";
    }

    private static String listed(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (out.size() == LIST_LIMIT) {
                out.add("… " + (names.size() - LIST_LIMIT) + " more");
                break;
            }
            out.add(shorten(n));
        }
        return out.toString();
    }

    private static String shorten(String s) {
        return s.length() <= 4 * LIST_LIMIT ? s : s.substring(0, 4 * LIST_LIMIT) + "…";
    }

    /** Where it was read from (the path, or "PyTorch checkpoint" for bytes). */
    public String source() {
        return source;
    }

    /** The key of the checkpoint dict the state dict was taken from, empty if the file is the state dict itself. */
    public Optional<String> selectedKey() {
        return selectedKey;
    }

    /** The state dict's tensors, in its order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** Whether a tensor of this name exists. */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The named tensor as float32, row-major, in a new array. */
    public Tensor tensor(String name) {
        Entry e = entry(name);
        Tensor t = Tensor.zeros(e.shape());
        decode(views.get(name), t.data(), t.offset());
        return t;
    }

    /**
     * Decodes the named tensor to float32, row-major, into {@code out[outOff, outOff + size)}.
     *
     * @throws PthException             if there is no such tensor
     * @throws IllegalArgumentException if the range does not fit in {@code out}
     */
    public void readInto(String name, float[] out, int outOff) {
        Entry e = entry(name);
        int n = e.shape().sizeAsInt();
        if (out == null || outOff < 0 || outOff > out.length - n) {
            throw new IllegalArgumentException("PthFile.readInto: " + name + " " + e.shape() + " needs " + n + " floats at offset " + outOff
                    + ", got an array of " + (out == null ? "null" : out.length));
        }
        decode(views.get(name), out, outOff);
    }

    /**
     * Every tensor as float32, in state-dict order. Keys that hold the same view of the same storage (tied weights,
     * a shared basis listed under each block) map to one {@link Tensor} object, as they share memory in PyTorch.
     */
    public Map<String, Tensor> tensors() {
        Map<ViewKey, Tensor> made = new HashMap<>();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorView> e : views.entrySet()) {
            out.put(e.getKey(), made.computeIfAbsent(ViewKey.of(e.getValue()), k -> tensor(e.getKey())));
        }
        return out;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new PthException(source + ": no tensor named '" + name + "'; it holds " + listed(new ArrayList<>(entries.keySet())));
        return e;
    }

    /** Decodes view {@code v} row by row: runs along the last dimension, an odometer over the others. */
    private void decode(TensorView v, float[] out, int outOff) {
        int[] sizes = v.sizes();
        long[] strides = v.strides();
        int rank = sizes.length;
        long n = v.numel();
        if (n == 0) return;
        ByteBuffer b = v.storage().bytes().duplicate().order(order);
        DType dtype = v.storage().dtype();
        int run = rank == 0 ? 1 : sizes[rank - 1];
        long step = rank == 0 ? 0 : strides[rank - 1];
        int[] index = new int[Math.max(rank - 1, 0)];
        long src = v.offset();
        for (long done = 0; done < n; done += run) {
            decodeRun(b, dtype, src, step, run, out, outOff + (int) done);
            for (int d = rank - 2; d >= 0; d--) {
                src += strides[d];
                if (++index[d] < sizes[d]) break;
                src -= strides[d] * sizes[d];
                index[d] = 0;
            }
        }
    }

    /** Converts {@code count} elements at storage indices {@code src + i·step} to float32. */
    private static void decodeRun(ByteBuffer b, DType dtype, long src, long step, int count, float[] out, int outOff) {
        int w = dtype.bytes();
        switch (dtype) {
            case F32 -> {
                if (step == 1) {
                    b.slice((int) (src * w), count * w).order(b.order()).asFloatBuffer().get(out, outOff, count);
                } else {
                    for (int i = 0; i < count; i++) out[outOff + i] = b.getFloat((int) ((src + i * step) * w));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) out[outOff + i] = Float.float16ToFloat(b.getShort((int) ((src + i * step) * w)));
            }
            case BF16 -> {
                // bfloat16 is the upper half of a float32: shift its 16 bits into place.
                for (int i = 0; i < count; i++) out[outOff + i] = Float.intBitsToFloat((b.getShort((int) ((src + i * step) * w)) & 0xFFFF) << 16);
            }
            case F64 -> {
                for (int i = 0; i < count; i++) out[outOff + i] = (float) b.getDouble((int) ((src + i * step) * w));
            }
            case I64 -> {
                for (int i = 0; i < count; i++) out[outOff + i] = b.getLong((int) ((src + i * step) * w));
            }
            case I32 -> {
                for (int i = 0; i < count; i++) out[outOff + i] = b.getInt((int) ((src + i * step) * w));
            }
        }
    }

    @Override
    public String toString() {
        return "PthFile[" + source + ", " + entries.size() + " tensors" + selectedKey.map(k -> " from '" + k + "'").orElse("") + "]";
    }
}
