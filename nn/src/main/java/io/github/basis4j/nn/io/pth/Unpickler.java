package io.github.basis4j.nn.io.pth;

import io.github.basis4j.simd.io.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that executes nothing: it interprets the protocol-2 opcodes {@code torch.save} emits for a
 * {@code state_dict} (or a dict holding one) and builds plain values from them, and refuses every other opcode
 * and every global outside a fixed list, naming it and its byte offset.
 *
 * <p>Values: {@code str} → {@link String}, {@code int} → {@link Long}, {@code float} → {@link Double},
 * {@code bool} → {@link Boolean}, {@code None} → {@link None#NONE}, {@link Tuple}, {@link PyList},
 * {@link PyDict}, a tensor → {@link TensorView}. Calls (REDUCE) are not calls: each allowed global is a tag
 * whose arguments are checked and turned into one of those values ({@code OrderedDict()} into an empty dict,
 * {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)} into a view). BUILD is
 * accepted only where torch puts it: setting a state dict's {@code _metadata}.
 *
 * <p>Resources: the machine is iterative (no recursion over the input), each opcode allocates at most what its
 * own bytes declare and those never exceed what is left of the pickle, MARK nests at most {@link #MAX_MARKS}
 * deep, and dict keys are strings or ints only, so hashing a key never walks a nested value.
 */
final class Unpickler {
    /** Deepest MARK nesting accepted; a state dict inside a checkpoint dict needs four. */
    static final int MAX_MARKS = 32;
    /** Highest tensor rank accepted (PyTorch's own limit is 64; a state dict's tensors have at most five). */
    static final int MAX_RANK = 16;
    /** Largest element count of one tensor: a Java array's, as {@link io.github.basis4j.simd.Shape#sizeAsInt} allows. */
    static final long MAX_NUMEL = Integer.MAX_VALUE - 8;

    // The opcodes interpreted (pickletools' names).
    private static final int MARK = '(', STOP = '.', BININT = 'J', BININT1 = 'K', BININT2 = 'M', NONE = 'N', BINPERSID = 'Q',
            REDUCE = 'R', BINUNICODE = 'X', EMPTY_LIST = ']', APPEND = 'a', BUILD = 'b', GLOBAL = 'c', APPENDS = 'e', BINGET = 'h',
            LONG_BINGET = 'j', BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', SETITEMS = 'u', EMPTY_DICT = '}',
            EMPTY_TUPLE = ')', BINFLOAT = 'G', PROTO = 0x80, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, TUPLE1 = 0x85,
            TUPLE2 = 0x86, TUPLE3 = 0x87, SHORT_BINUNICODE = 0x8c;
    /** The longest integer LONG1 may encode here: state dicts hold sizes and offsets, which fit a long. */
    private static final int MAX_LONG1_BYTES = 8;
    /** The longest GLOBAL line read; allowed names are far shorter. */
    private static final int MAX_GLOBAL_LINE = 128;
    private static final int LOWEST_PROTOCOL = 2, HIGHEST_PROTOCOL = 5;

    /** Python's None. */
    enum None { NONE }

    /** A tuple; its items are immutable. */
    record Tuple(List<Object> items) {
    }

    /** A list. */
    static final class PyList {
        final List<Object> items = new ArrayList<>();
    }

    /** A dict or an OrderedDict, in insertion order; keys are strings or ints. */
    static final class PyDict {
        final Map<Object, Object> items = new LinkedHashMap<>();
        final boolean ordered;

        PyDict(boolean ordered) {
            this.ordered = ordered;
        }
    }

    /** The only globals a pickle may name. */
    enum Global {
        ORDERED_DICT("collections", "OrderedDict", null),
        REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2", null),
        REBUILD_PARAMETER("torch._utils", "_rebuild_parameter", null),
        FLOAT_STORAGE("torch", "FloatStorage", DType.F32),
        HALF_STORAGE("torch", "HalfStorage", DType.F16),
        BFLOAT16_STORAGE("torch", "BFloat16Storage", DType.BF16),
        DOUBLE_STORAGE("torch", "DoubleStorage", DType.F64),
        LONG_STORAGE("torch", "LongStorage", DType.I64),
        INT_STORAGE("torch", "IntStorage", DType.I32);

        final String module, name;
        /** The element type of a storage class, null for the others. */
        final DType dtype;

        Global(String module, String name, DType dtype) {
            this.module = module;
            this.name = name;
            this.dtype = dtype;
        }

        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /**
     * A storage of the archive: {@code numel} elements of {@code dtype} in {@code bytes}.
     *
     * @param key the name of its entry under {@code data/}
     */
    record Storage(String key, DType dtype, int numel, ByteBuffer bytes) {
    }

    /**
     * A tensor: a strided view of a storage, checked to lie inside it and not to overlap itself.
     *
     * @param offset  the index of element [0, …, 0] in the storage, in elements
     * @param sizes   its shape
     * @param strides per dimension, in elements
     */
    record TensorView(Storage storage, long offset, int[] sizes, long[] strides) {
        /** Elements addressed. */
        long numel() {
            long n = 1;
            for (int s : sizes) n *= s;
            return n;
        }
    }

    /** Finds the storage a persistent id names. */
    interface StorageResolver {
        /**
         * The storage {@code key} holding {@code numel} elements of {@code dtype}.
         *
         * @throws PthException if the archive has no such entry or it has another size
         */
        Storage resolve(String key, DType dtype, long numel);
    }

    private final ByteBuffer in;
    private final String where;
    private final StorageResolver storages;
    private final List<Object> stack = new ArrayList<>();
    private final int[] marks = new int[MAX_MARKS];
    private int markDepth;
    private final Map<Long, Object> memo = new HashMap<>();
    /** The offset of the opcode being interpreted, for messages. */
    private int at;

    private Unpickler(ByteBuffer in, String where, StorageResolver storages) {
        this.in = in;
        this.where = where;
        this.storages = storages;
    }

    /**
     * Interprets the pickle in {@code in} (position 0 to limit) and returns the value STOP leaves.
     *
     * @param where names the pickle in messages ({@code "archive/data.pkl"})
     * @throws PthException for anything but a well-formed pickle of allowed opcodes and globals
     */
    static Object load(ByteBuffer in, String where, StorageResolver storages) {
        return new Unpickler(in.duplicate(), where, storages).run();
    }

    private Object run() {
        in.position(0);
        while (true) {
            at = in.position();
            if (!in.hasRemaining()) throw error("the pickle ends without a STOP opcode (truncated?)");
            int op = in.get() & 0xFF;
            switch (op) {
                case PROTO -> {
                    int v = u8();
                    if (v < LOWEST_PROTOCOL || v > HIGHEST_PROTOCOL) throw error("pickle protocol " + v + " is not one torch.save writes");
                }
                case STOP -> {
                    if (markDepth != 0 || stack.size() != 1) {
                        throw error("STOP with " + stack.size() + " values and " + markDepth + " open MARKs on the stack; expected one value");
                    }
                    if (in.hasRemaining()) throw error(in.remaining() + " bytes follow STOP");
                    return stack.getFirst();
                }
                case MARK -> {
                    if (markDepth == MAX_MARKS) throw error("MARKs nest deeper than " + MAX_MARKS + "; a state dict needs a few");
                    marks[markDepth++] = stack.size();
                }
                case NONE -> push(None.NONE);
                case NEWTRUE -> push(Boolean.TRUE);
                case NEWFALSE -> push(Boolean.FALSE);
                case BININT -> push((long) in32());
                case BININT1 -> push((long) u8());
                case BININT2 -> push((long) (bytes(2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF));
                case LONG1 -> push(long1());
                case BINFLOAT -> push(bytes(8).getDouble());
                case BINUNICODE -> push(string(u32()));
                case SHORT_BINUNICODE -> push(string(u8()));
                case EMPTY_TUPLE -> push(new Tuple(List.of()));
                case EMPTY_LIST -> push(new PyList());
                case EMPTY_DICT -> push(new PyDict(false));
                case TUPLE -> push(tuple(popMark()));
                case TUPLE1, TUPLE2, TUPLE3 -> {
                    int n = op - TUPLE1 + 1;
                    Object[] items = new Object[n];
                    for (int i = n - 1; i >= 0; i--) items[i] = pop();
                    push(tuple(Arrays.asList(items)));
                }
                case APPEND -> {
                    Object v = pop();
                    list(peek(), "APPEND").items.add(v);
                }
                case APPENDS -> {
                    List<Object> items = popMark();
                    list(peek(), "APPENDS").items.addAll(items);
                }
                case SETITEM -> {
                    Object v = pop(), k = pop();
                    put(dict(peek(), "SETITEM"), k, v);
                }
                case SETITEMS -> {
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) throw error("SETITEMS with an odd number (" + items.size() + ") of keys and values");
                    PyDict d = dict(peek(), "SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) put(d, items.get(i), items.get(i + 1));
                }
                case BINPUT -> memo.put((long) u8(), peek());
                case LONG_BINPUT -> memo.put(u32(), peek());
                case BINGET -> push(memoGet(u8()));
                case LONG_BINGET -> push(memoGet(u32()));
                case GLOBAL -> push(global());
                case REDUCE -> {
                    Object args = pop(), callable = pop();
                    push(reduce(callable, args));
                }
                case BINPERSID -> push(persistent(pop()));
                case BUILD -> {
                    Object state = pop();
                    build(peek(), state);
                }
                default -> throw error("opcode " + Opcodes.describe(op) + " is not allowed; a state_dict needs only " + Opcodes.ALLOWED);
            }
        }
    }

    private Object reduce(Object callable, Object args) {
        if (!(callable instanceof Global g)) throw error("REDUCE calls a " + typeName(callable) + ", not one of the allowed globals");
        if (!(args instanceof Tuple t)) throw error("REDUCE of " + g + " takes a tuple of arguments, got a " + typeName(args));
        List<Object> a = t.items();
        return switch (g) {
            case ORDERED_DICT -> {
                if (!a.isEmpty()) throw error("collections.OrderedDict may only be called without arguments, got " + a.size());
                yield new PyDict(true);
            }
            case REBUILD_TENSOR_V2 -> rebuildTensor(a);
            case REBUILD_PARAMETER -> {
                // _rebuild_parameter(data, requires_grad, backward_hooks): the parameter is its data.
                if (a.size() != 3 || !(a.get(0) instanceof TensorView v) || !(a.get(1) instanceof Boolean) || !(a.get(2) instanceof PyDict)) {
                    throw error("torch._utils._rebuild_parameter takes (tensor, bool, OrderedDict), got " + typeNames(a));
                }
                yield v;
            }
            default -> throw error(g + " may appear only in a storage's persistent id, not be called");
        };
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private TensorView rebuildTensor(List<Object> a) {
        if ((a.size() != 6 && a.size() != 7) || !(a.get(0) instanceof Storage s) || !(a.get(1) instanceof Long offset)
                || !(a.get(2) instanceof Tuple size) || !(a.get(3) instanceof Tuple stride) || !(a.get(4) instanceof Boolean)
                || !(a.get(5) instanceof PyDict) || (a.size() == 7 && a.get(6) != None.NONE)) {
            throw error("torch._utils._rebuild_tensor_v2 takes (storage, int, tuple, tuple, bool, OrderedDict[, None]), got " + typeNames(a));
        }
        int rank = size.items().size();
        if (rank > MAX_RANK) throw error("a tensor of rank " + rank + " (at most " + MAX_RANK + " is supported)");
        if (stride.items().size() != rank) throw error("a tensor with " + rank + " sizes but " + stride.items().size() + " strides");
        int[] sizes = new int[rank];
        long[] strides = new long[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            if (!(size.items().get(d) instanceof Long n) || n < 0 || n > MAX_NUMEL) throw error("tensor size " + render(size) + " is invalid");
            // Strides past the storage are legal for dimensions that never move (size 0 or 1); the bound keeps sums exact.
            if (!(stride.items().get(d) instanceof Long st) || st < 0 || st > Integer.MAX_VALUE) {
                throw error("tensor stride " + render(stride) + " is invalid (each must lie in [0, 2^31))");
            }
            sizes[d] = (int) (long) n;
            strides[d] = st;
            numel *= n;
            if (numel > MAX_NUMEL) throw error("tensor size " + render(size) + " holds more elements than a Java array");
        }
        if (offset < 0 || offset > s.numel()) {
            throw error("tensor storage offset " + offset + " lies outside storage '" + s.key() + "' of " + s.numel() + " elements");
        }
        if (numel > 0) {
            // Every size is >= 1 here and their product is below 2^31, so the sum of (size - 1) is too; with strides
            // below 2^31 the last index stays below 2^63.
            long last = offset;
            for (int d = 0; d < rank; d++) last += (sizes[d] - 1L) * strides[d];
            if (last >= s.numel()) {
                throw error("tensor of size " + render(size) + ", stride " + render(stride) + " at offset " + offset + " reaches past storage '"
                        + s.key() + "' of " + s.numel() + " elements");
            }
        }
        if (numel > 1 && overlapsItself(sizes, strides)) {
            throw error("tensor of size " + render(size) + ", stride " + render(stride) + " addresses some elements twice (an expanded view); "
                    + "save it with .contiguous() or .clone()");
        }
        return new TensorView(s, offset, sizes, strides);
    }

    /**
     * Whether two indices of a view may reach the same element: with the dimensions ordered by stride, each
     * stride must exceed the span of all smaller-strided dimensions (size-1 dimensions never move).
     */
    private static boolean overlapsItself(int[] sizes, long[] strides) {
        Integer[] order = new Integer[sizes.length];
        for (int d = 0; d < order.length; d++) order[d] = d;
        Arrays.sort(order, (x, y) -> Long.compare(strides[x], strides[y]));
        long span = 0;
        for (int d : order) {
            if (sizes[d] == 1) continue;
            if (strides[d] <= span) return true;
            span += (sizes[d] - 1L) * strides[d];
        }
        return false;
    }

    /** A persistent id: {@code ('storage', torch.<Type>Storage, key, location, numel)}. */
    private Storage persistent(Object pid) {
        if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Global g) || g.dtype == null || !(t.items().get(2) instanceof String key)
                || !(t.items().get(3) instanceof String) || !(t.items().get(4) instanceof Long numel)) {
            throw error("BINPERSID takes ('storage', torch.<Type>Storage, key, location, numel), got "
                    + (pid instanceof Tuple t ? typeNames(t.items()) : "a " + typeName(pid)));
        }
        if (numel < 0) throw error("storage '" + key + "' declares " + numel + " elements");
        try {
            return storages.resolve(key, g.dtype, numel);
        } catch (PthException e) {
            throw error(e.getMessage());
        }
    }

    private void build(Object target, Object state) {
        // torch pickles a state dict as OrderedDict plus BUILD {'_metadata': OrderedDict of per-module versions}.
        if (!(target instanceof PyDict d) || !d.ordered || !(state instanceof PyDict s) || s.items.size() != 1
                || !(s.items.get("_metadata") instanceof PyDict)) {
            throw error("BUILD is allowed only to set an OrderedDict's _metadata, got a " + typeName(state) + " for a " + typeName(target));
        }
    }

    private Global global() {
        String module = line(), name = line();
        for (Global g : Global.values()) {
            if (g.module.equals(module) && g.name.equals(name)) return g;
        }
        String hint = module.equals("torch") && name.endsWith("Storage")
                ? "; basis4j reads tensors of float32, float16, bfloat16, float64, int64 and int32"
                : module.startsWith("__torch__") ? "; this is a TorchScript archive: save model.state_dict() with torch.save instead" : "";
        throw error("global '" + module + " " + name + "' is not allowed (nothing is imported or called); the allowed globals are "
                + Arrays.toString(Global.values()) + hint);
    }

    /** A GLOBAL argument: printable ASCII up to a newline. */
    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) throw error("GLOBAL runs past the end of the pickle");
            int c = in.get() & 0xFF;
            if (c == '\n') return sb.toString();
            if (c < 0x20 || c > 0x7e || sb.length() == MAX_GLOBAL_LINE) throw error("GLOBAL names a module or class that is not a short ASCII name");
            sb.append((char) c);
        }
    }

    private void put(PyDict d, Object k, Object v) {
        if (!(k instanceof String) && !(k instanceof Long)) throw error("a dict key of type " + typeName(k) + " (only str and int keys are read)");
        d.items.put(k, v);
    }

    private PyList list(Object o, String op) {
        if (o instanceof PyList l) return l;
        throw error(op + " on a " + typeName(o) + ", not a list");
    }

    private PyDict dict(Object o, String op) {
        if (o instanceof PyDict d) return d;
        throw error(op + " on a " + typeName(o) + ", not a dict");
    }

    private static Tuple tuple(List<Object> items) {
        return new Tuple(Collections.unmodifiableList(new ArrayList<>(items)));
    }

    private Object memoGet(long index) {
        Object v = memo.get(index);
        if (v == null) throw error("memo index " + index + " was never stored (" + memo.size() + " entries)");
        return v;
    }

    private void push(Object v) {
        stack.add(v);
    }

    /** The top value, which must lie above the innermost MARK. */
    private Object peek() {
        int floor = markDepth == 0 ? 0 : marks[markDepth - 1];
        if (stack.size() <= floor) throw error("stack underflow");
        return stack.getLast();
    }

    private Object pop() {
        peek();
        return stack.removeLast();
    }

    /** The values above the innermost MARK, which is closed. */
    private List<Object> popMark() {
        if (markDepth == 0) throw error("no MARK to pop to");
        int from = marks[--markDepth];
        List<Object> top = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private int u8() {
        return bytes(1).get() & 0xFF;
    }

    private int in32() {
        return bytes(4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private long u32() {
        return in32() & 0xFFFFFFFFL;
    }

    /** LONG1: a length byte, then that many bytes of a little-endian two's-complement integer. */
    private long long1() {
        int n = u8();
        if (n > MAX_LONG1_BYTES) throw error("an integer of " + n + " bytes (at most " + MAX_LONG1_BYTES + " are read)");
        ByteBuffer b = bytes(n);
        long v = 0;
        for (int i = 0; i < n; i++) v |= (b.get(i) & 0xFFL) << (8 * i);
        if (n > 0 && n < MAX_LONG1_BYTES && (b.get(n - 1) & 0x80) != 0) v -= 1L << (8 * n);
        return v;
    }

    private String string(long length) {
        ByteBuffer b = bytes(length);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(b).toString();
        } catch (CharacterCodingException e) {
            throw error("a string that is not valid UTF-8");
        }
    }

    /** The next {@code n} bytes (big-endian view), refused if the pickle has fewer left. */
    private ByteBuffer bytes(long n) {
        if (n > in.remaining()) throw error("an argument of " + n + " bytes runs past the end of the pickle (" + in.remaining() + " left)");
        ByteBuffer b = in.slice(in.position(), (int) n);
        in.position(in.position() + (int) n);
        return b;
    }

    private PthException error(String what) {
        return new PthException(where + ", byte " + at + ": " + what);
    }

    /** A short Python type name, never the value itself (a value may nest without bound). */
    static String typeName(Object o) {
        return switch (o) {
            case String _ -> "str";
            case Long _ -> "int";
            case Double _ -> "float";
            case Boolean _ -> "bool";
            case None _ -> "None";
            case Tuple _ -> "tuple";
            case PyList _ -> "list";
            case PyDict d -> d.ordered ? "OrderedDict" : "dict";
            case Global g -> "global " + g;
            case Storage _ -> "storage";
            case TensorView _ -> "tensor";
            default -> o.getClass().getSimpleName();
        };
    }

    private static String typeNames(List<Object> items) {
        List<String> names = new ArrayList<>(items.size());
        for (Object o : items) names.add(typeName(o));
        return "(" + String.join(", ", names) + ")";
    }

    /** A tuple of ints as "(2, 3)"; other items by type. */
    private static String render(Tuple t) {
        List<String> parts = new ArrayList<>(t.items().size());
        for (Object o : t.items()) parts.add(o instanceof Long l ? l.toString() : typeName(o));
        return "(" + String.join(", ", parts) + ")";
    }
}
