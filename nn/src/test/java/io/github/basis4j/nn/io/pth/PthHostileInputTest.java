package io.github.basis4j.nn.io.pth;

import static io.github.basis4j.nn.io.pth.Crafted.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.io.pth.Crafted.Pickle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted and damaged files: each is refused with a {@link PthException} saying what is wrong, before anything
 * is executed or any large allocation is made.
 */
class PthHostileInputTest {
    /** Rounds of random damage per test: enough to reach most refusals, fast enough for every build. */
    private static final int ROUNDS = Integer.getInteger("basis4j.pthDamageRounds", 1000);

    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] file) {
        return assertThatThrownBy(() -> PthFile.read(file)).isInstanceOf(PthException.class);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refusedPickle(Pickle p) {
        return refused(Crafted.withPickle(p.bytes()));
    }

    @Test
    void refusesOsSystemThroughGlobalAndReduceWithoutRunningIt() {
        Path marker = dir.resolve("pwned");
        Pickle p = Pickle.proto2().global("posix", "system").unicode("touch " + marker).op(0x85, 'R').stop();
        refusedPickle(p).hasMessageContaining("dtypes/data.pkl, byte 2: global 'posix system' is not allowed")
                .hasMessageContaining("collections.OrderedDict");
        assertThat(marker).doesNotExist();
    }

    @Test
    void refusesStackGlobal() {
        // Protocol 4 names a global from two strings on the stack: SHORT_BINUNICODE 'os', 'system', STACK_GLOBAL.
        Pickle p = new Pickle().op(0x80, 4).op(0x8c, 2).op('o', 's').op(0x8c, 6).op("system".chars().toArray()).op(0x93).stop();
        refusedPickle(p).hasMessageContaining("byte 14: opcode STACK_GLOBAL (0x93) is not allowed");
    }

    @Test
    void refusesGlobalsOutsideTheList() {
        refusedPickle(Pickle.proto2().global("builtins", "eval")).hasMessageContaining("global 'builtins eval' is not allowed");
        refusedPickle(Pickle.proto2().global("torch._utils", "_rebuild_qtensor")).hasMessageContaining("'torch._utils _rebuild_qtensor'");
        refusedPickle(Pickle.proto2().global("torch", "BoolStorage")).hasMessageContaining("'torch BoolStorage'")
                .hasMessageContaining("float32, float16, bfloat16, float64, int64 and int32");
        refusedPickle(Pickle.proto2().global("__torch__.Net", "Net")).hasMessageContaining("TorchScript");
        refusedPickle(Pickle.proto2().global("collections\u0000", "x")).hasMessageContaining("not a short ASCII name");
    }

    @Test
    void refusesObjectBuildingOpcodes() {
        refusedPickle(Pickle.proto2().mark().op('i').op("os\nsystem\n".chars().toArray())).hasMessageContaining("INST ('i', 0x69)");
        refusedPickle(Pickle.proto2().mark().orderedDict().op('o')).hasMessageContaining("OBJ ('o', 0x6f)");
        refusedPickle(Pickle.proto2().orderedDict().op(')', 0x81)).hasMessageContaining("NEWOBJ (0x81)");
        refusedPickle(Pickle.proto2().op('}', 0x92)).hasMessageContaining("NEWOBJ_EX (0x92)");
        refusedPickle(Pickle.proto2().op(0x95)).hasMessageContaining("FRAME (0x95)");
        refusedPickle(Pickle.proto2().op('P').op("0\n".chars().toArray())).hasMessageContaining("PERSID ('P', 0x50)");
        refusedPickle(Pickle.proto2().op(0xff)).hasMessageContaining("0xff (not a pickle opcode)");
    }

    @Test
    void refusesCallsThatAreNotStateDictShaped() {
        refusedPickle(Pickle.proto2().global("collections", "OrderedDict").unicode("x").op(0x85, 'R'))
                .hasMessageContaining("OrderedDict may only be called without arguments");
        refusedPickle(Pickle.proto2().global("torch", "FloatStorage").op(')', 'R')).hasMessageContaining("torch.FloatStorage may appear only");
        refusedPickle(Pickle.proto2().unicode("x").op(')', 'R')).hasMessageContaining("REDUCE calls a str");
        refusedPickle(Pickle.proto2().global("torch._utils", "_rebuild_tensor_v2").ints(1, 2).op('R'))
                .hasMessageContaining("_rebuild_tensor_v2 takes (storage, int, tuple, tuple, bool, OrderedDict[, None]), got (int, int)");
        refusedPickle(Pickle.proto2().op('}').op('}').op('b')).hasMessageContaining("BUILD is allowed only to set an OrderedDict's _metadata");
        refusedPickle(Pickle.proto2().op('}').ints(1).integer(2).op('s')).hasMessageContaining("a dict key of type tuple");
        refusedPickle(Pickle.proto2().mark().unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu").op('t', 'Q'))
                .hasMessageContaining("BINPERSID takes ('storage', torch.<Type>Storage, key, location, numel), got (str, global torch.FloatStorage, str, str)");
    }

    @Test
    void refusesViewsOutsideTheirStorageOrOverlappingThemselves() {
        refusedPickle(Pickle.proto2().stateDictOf("w", 20, new long[] {5}, new long[] {1}).stop())
                .hasMessageContaining("tensor of size (5), stride (1) at offset 20 reaches past storage '0' of 24 elements");
        refusedPickle(Pickle.proto2().stateDictOf("w", 25, new long[] {0}, new long[] {1}).stop())
                .hasMessageContaining("storage offset 25 lies outside storage '0'");
        refusedPickle(Pickle.proto2().stateDictOf("w", 0, new long[] {4, 6}, new long[] {0, 1}).stop())
                .hasMessageContaining("addresses some elements twice (an expanded view)");
        refusedPickle(Pickle.proto2().stateDictOf("w", 0, new long[] {3, 3}, new long[] {2, 1}).stop())
                .hasMessageContaining("addresses some elements twice");
        refusedPickle(Pickle.proto2().stateDictOf("w", 0, new long[] {1L << 30, 1L << 30}, new long[] {0, 0}).stop())
                .hasMessageContaining("holds more elements than a Java array");
        refusedPickle(Pickle.proto2().stateDictOf("w", 0, new long[] {2}, new long[] {-1}).stop()).hasMessageContaining("stride (-1) is invalid");
        refusedPickle(Pickle.proto2().stateDictOf("w", 0, new long[] {2, 2}, new long[] {1}).stop())
                .hasMessageContaining("a tensor with 2 sizes but 1 strides");
        refusedPickle(Pickle.proto2().stateDictOf("w", 0, new long[17], new long[17]).stop()).hasMessageContaining("rank 17");
    }

    @Test
    void acceptsAWellFormedCraftedViewAndReadsItsElements() {
        PthFile ok = PthFile.read(Crafted.withPickle(Pickle.proto2().stateDictOf("w", 1, new long[] {2, 3}, new long[] {1, 2}).stop().bytes()));
        PthFile all = PthFile.read(Crafted.withPickle(Pickle.proto2().stateDictOf("w", 0, new long[] {24}, new long[] {1}).stop().bytes()));
        float[] s = all.tensor("w").toArray(), w = ok.tensor("w").toArray();
        // Element [i][j] sits at 1 + i + 2j of the storage.
        assertThat(w).containsExactly(s[1], s[3], s[5], s[2], s[4], s[6]);
    }

    @Test
    void refusesViewsThatAddressAStorageManyTimesOver() {
        Pickle p = Pickle.proto2().orderedDict().mark();
        for (int i = 0; i < 5; i++) p.unicode("w" + i).tensor("FloatStorage", "0", 24, i, new long[] {24 - i}, new long[] {1});
        refusedPickle(p.op('u').stop()).hasMessageContaining("the tensors [w0, w1, w2, w3, w4] view storage '0' (24 elements)")
                .hasMessageContaining("more than 4 times over");
        // The same view under many keys is one tensor, not many.
        Pickle aliases = Pickle.proto2().orderedDict().mark();
        for (int i = 0; i < 50; i++) aliases.unicode("w" + i).tensor("FloatStorage", "0", 24, 0, new long[] {24}, new long[] {1});
        assertThat(PthFile.read(Crafted.withPickle(aliases.op('u').stop().bytes())).tensors()).hasSize(50);
    }

    @Test
    void refusesStoragesThatDoNotMatchTheirEntries() {
        Pickle huge = Pickle.proto2().orderedDict().mark().unicode("w").tensor("FloatStorage", "0", 1L << 40, 0, new long[] {1}, new long[] {1});
        refusedPickle(huge.op('u').stop()).hasMessageContaining("storage '0' declares 1099511627776 elements of F32 but its entry holds 96 bytes");
        Pickle small = Pickle.proto2().orderedDict().mark().unicode("w").tensor("FloatStorage", "0", 23, 0, new long[] {1}, new long[] {1});
        refusedPickle(small.op('u').stop()).hasMessageContaining("declares 23 elements of F32 but its entry holds 96 bytes");
        Pickle missing = Pickle.proto2().orderedDict().mark().unicode("w").tensor("FloatStorage", "../x", 1, 0, new long[] {1}, new long[] {1});
        refusedPickle(missing.op('u').stop()).hasMessageContaining("storage '../x' has no entry dtypes/data/../x");
        Pickle twoTypes = Pickle.proto2().orderedDict().mark().unicode("a").tensor("FloatStorage", "0", 24, 0, new long[] {1}, new long[] {1})
                .unicode("b").tensor("HalfStorage", "0", 48, 0, new long[] {1}, new long[] {1});
        refusedPickle(twoTypes.op('u').stop()).hasMessageContaining("storage '0' is read as 24 F32 and as 48 F16");
    }

    @Test
    void refusesHugeDeclaredLengthsWithoutAllocatingThem() {
        refusedPickle(Pickle.proto2().op('X', 0xff, 0xff, 0xff, 0x7f).op('a')).hasMessageContaining("argument of 2147483647 bytes runs past the end");
        refusedPickle(Pickle.proto2().op('X', 0xff, 0xff, 0xff, 0xff)).hasMessageContaining("argument of 4294967295 bytes");
        refusedPickle(Pickle.proto2().op(0x8a, 9).op(new int[9])).hasMessageContaining("an integer of 9 bytes");
    }

    @Test
    void refusesMarkBombsDeepNestingAndMemoTricks() {
        Pickle marks = Pickle.proto2();
        for (int i = 0; i < 100_000; i++) marks.mark();
        refusedPickle(marks).hasMessageContaining("byte 34: MARKs nest deeper than 32");
        // A million nested lists and tuples: built without recursion, then refused as not a dict.
        Pickle lists = Pickle.proto2().op(']');
        for (int i = 0; i < 1_000_000; i++) lists.op(']');
        for (int i = 0; i < 1_000_000; i++) lists.op('a');
        refusedPickle(lists.stop()).hasMessageContaining("the pickle holds a list, not a dict of tensors");
        Pickle tuples = Pickle.proto2().op(')');
        for (int i = 0; i < 1_000_000; i++) tuples.op(0x85);
        refusedPickle(tuples.stop()).hasMessageContaining("the pickle holds a tuple, not a dict of tensors");
        // A dict that contains itself.
        refusedPickle(Pickle.proto2().op('}', 'q', 0).unicode("me").op('h', 0, 's', '.')).hasMessageContaining("holds none; its keys are ['me' (dict)]");
        refusedPickle(Pickle.proto2().op('h', 5)).hasMessageContaining("memo index 5 was never stored (0 entries)");
        refusedPickle(Pickle.proto2().op('j', 0xff, 0xff, 0xff, 0xff)).hasMessageContaining("memo index 4294967295 was never stored");
    }

    @Test
    void refusesMalformedPickleStructure() {
        refusedPickle(Pickle.proto2()).hasMessageContaining("ends without a STOP opcode");
        refusedPickle(new Pickle().op(0x80, 1)).hasMessageContaining("pickle protocol 1");
        refusedPickle(Pickle.proto2().op('.')).hasMessageContaining("STOP with 0 values");
        refusedPickle(Pickle.proto2().op('}', '.', '.')).hasMessageContaining("1 bytes follow STOP");
        refusedPickle(Pickle.proto2().op('a')).hasMessageContaining("stack underflow");
        refusedPickle(Pickle.proto2().op('}').mark().op('a')).hasMessageContaining("stack underflow");
        refusedPickle(Pickle.proto2().op('t')).hasMessageContaining("no MARK to pop to");
        refusedPickle(Pickle.proto2().op('}').mark().unicode("k").op('u')).hasMessageContaining("SETITEMS with an odd number (1)");
        refusedPickle(Pickle.proto2().op(')').integer(1).op('a')).hasMessageContaining("APPEND on a tuple, not a list");
        refusedPickle(Pickle.proto2().op(']').integer(1).integer(2).op('s')).hasMessageContaining("SETITEM on a list, not a dict");
        refusedPickle(Pickle.proto2().op('X', 2, 0, 0, 0, 0xc3, 0x28)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void refusesDamagedArchives() throws IOException {
        byte[] good = Files.readAllBytes(fixture("dtypes.pth"));
        refused(Arrays.copyOf(good, good.length / 2)).hasMessageContaining("no end-of-central-directory record: the file is truncated");
        refused(Arrays.copyOf(good, good.length - 1)).hasMessageContaining("truncated");
        refused(new byte[0]).hasMessageContaining("the file is empty");
        refused("hello world".getBytes()).hasMessageContaining("not a PyTorch checkpoint: it starts with bytes 68 65");

        Map<String, byte[]> e = Crafted.entries(fixture("dtypes.pth"));
        Map<String, byte[]> noPickle = new LinkedHashMap<>(e);
        noPickle.remove("dtypes/data.pkl");
        refused(Crafted.zip(noPickle)).hasMessageContaining("no <archive>/data.pkl").hasMessageContaining("dtypes/version");
        Map<String, byte[]> noVersion = new LinkedHashMap<>(e);
        noVersion.remove("dtypes/version");
        refused(Crafted.zip(noVersion)).hasMessageContaining("no dtypes/version record");
        Map<String, byte[]> future = new LinkedHashMap<>(e);
        future.put("dtypes/version", "11\n".getBytes());
        refused(Crafted.zip(future)).hasMessageContaining("format version 11 is not supported");
        Map<String, byte[]> order = new LinkedHashMap<>(e);
        order.put("dtypes/byteorder", "middle".getBytes());
        refused(Crafted.zip(order)).hasMessageContaining("dtypes/byteorder holds 'middle'");
        Map<String, byte[]> script = new LinkedHashMap<>(e);
        script.put("dtypes/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        refused(Crafted.zip(script)).hasMessageContaining("TorchScript archive (torch.jit.save) is not supported");
        refused(Crafted.zip(e, true)).hasMessageContaining("is compressed (method 8)");
    }

    @Test
    void refusesAStorageWhoseBytesChanged() throws IOException {
        Map<String, byte[]> e = Crafted.entries(fixture("dtypes.pth"));
        byte[] zip = Crafted.zip(e);
        // Corrupt one byte of storage 0 after the CRC was recorded.
        byte[] storage = e.get("dtypes/data/0");
        int at = indexOf(zip, storage);
        zip[at + 5] ^= 1;
        refused(zip).hasMessageContaining("storage entry dtypes/data/0 fails its CRC-32 check");
    }

    @Test
    void readsBigEndianStoragesWhenTheByteOrderSaysSo() {
        Map<String, byte[]> e = Crafted.entries(fixture("dtypes.pth"));
        float[] little = PthFile.read(Crafted.zip(e)).tensor("f32").toArray();
        byte[] s = e.get("dtypes/data/0");
        for (int i = 0; i < s.length; i += 4) {
            byte t0 = s[i], t1 = s[i + 1];
            s[i] = s[i + 3];
            s[i + 1] = s[i + 2];
            s[i + 2] = t1;
            s[i + 3] = t0;
        }
        e.put("dtypes/byteorder", "big".getBytes());
        assertThat(PthFile.read(Crafted.zip(e)).tensor("f32").toArray()).containsExactly(little);
    }

    /** Random damage to a real file: whatever happens, the reader answers with a PthException or a result. */
    @Test
    void randomDamageNeverEscapesAsAnotherException() throws IOException {
        byte[] good = Files.readAllBytes(fixture("checkpoint.pth"));
        SplittableRandom rng = new SplittableRandom(8);
        int refusedCount = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bad = good.clone();
            if (round % 10 == 0) bad = Arrays.copyOf(bad, rng.nextInt(bad.length));
            int flips = 1 + rng.nextInt(6);
            for (int i = 0; i < flips && bad.length > 0; i++) bad[rng.nextInt(bad.length)] = (byte) rng.nextInt(256);
            try {
                PthFile f = PthFile.read(bad);
                for (String k : f.entries().keySet()) f.tensor(k);
            } catch (PthException expected) {
                refusedCount++;
            }
        }
        assertThat(refusedCount).isGreaterThan(100);
    }

    /** Random damage to a real pickle inside an intact archive, which reaches deep into the unpickler. */
    @Test
    void randomPickleDamageNeverEscapesAsAnotherException() {
        Map<String, byte[]> e = Crafted.entries(fixture("checkpoint.pth"));
        byte[] pickle = e.get("checkpoint/data.pkl");
        SplittableRandom rng = new SplittableRandom(9);
        int refusedCount = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bad = pickle.clone();
            int flips = 1 + rng.nextInt(4);
            for (int i = 0; i < flips; i++) bad[rng.nextInt(bad.length)] = (byte) rng.nextInt(256);
            e.put("checkpoint/data.pkl", bad);
            try {
                PthFile f = PthFile.read(Crafted.zip(e));
                for (String k : f.entries().keySet()) f.tensor(k);
            } catch (PthException expected) {
                refusedCount++;
            }
        }
        assertThat(refusedCount).isGreaterThan(ROUNDS / 4);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
