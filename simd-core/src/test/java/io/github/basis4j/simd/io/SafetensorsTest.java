package io.github.basis4j.simd.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsOrderShapesValuesAndMetadata() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("layer1.0.conv1.weight", Tensor.uniform(Shape.of(4, 3, 3, 3), -1, 1, 1));
        in.put("bn1.running_mean", Tensor.uniform(Shape.of(4), -1, 1, 2));
        in.put("scalar", Tensor.of(new float[] {42f}));
        in.put("empty", Tensor.zeros(0, 5));
        // A view at a non-zero offset must write its own elements only.
        Tensor big = Tensor.uniform(Shape.of(3, 5), -1, 1, 3);
        in.put("view", big.slice(1, 3));
        Path p = dir.resolve("m.safetensors");
        Safetensors.write(p, in, Map.of("format", "pt", "note", "quote \" and \\ backslash"));

        Safetensors.File f = Safetensors.read(p);
        assertThat(f.entries().keySet()).containsExactly("layer1.0.conv1.weight", "bn1.running_mean", "scalar", "empty", "view");
        assertThat(f.metadata()).containsEntry("note", "quote \" and \\ backslash").containsEntry("format", "pt");
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor t = f.tensor(e.getKey());
            assertThat(t.shape()).isEqualTo(e.getValue().shape());
            assertThat(t.toArray()).containsExactly(e.getValue().toArray());
        }
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).as("data section starts 8-byte aligned").isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(q -> q.getFileName().toString())).containsExactly("m.safetensors");
        }
    }

    @Test
    void readIntoDecodesAtAnOffsetAndLeavesTheRestAlone() throws IOException {
        Tensor w = Tensor.uniform(Shape.of(2, 3), -1, 1, 4);
        Path p = dir.resolve("w.safetensors");
        Safetensors.write(p, Map.of("w", w), Map.of());
        Safetensors.File f = Safetensors.read(p);
        float guard = -7f;
        float[] out = new float[10];
        Arrays.fill(out, guard);
        f.readInto("w", out, 3);
        float[] expected = new float[10];
        Arrays.fill(expected, guard);
        System.arraycopy(w.toArray(), 0, expected, 3, 6);
        assertThat(out).containsExactly(expected);
        assertThatThrownBy(() -> f.readInto("w", out, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readInto").hasMessageContaining("6 floats at offset 5").hasMessageContaining("array of 10");
        assertThatThrownBy(() -> f.readInto("nope", out, 0)).isInstanceOf(SafetensorsException.class).hasMessageContaining("no tensor named 'nope'");
    }

    @Test
    void readsEveryDtypeThatPyTorchWrites() throws IOException {
        Path p = Path.of("src/test/resources/fixtures/safetensors_dtypes.safetensors");
        assertThat(p).as("fixture missing: run /usr/bin/python3 tools/fixtures/safetensors_dtypes.py").exists();
        Safetensors.File f = Safetensors.read(p);
        float[] exact = {0f, 1.5f, -2.25f, 3.0e-3f, 65504f, -1.0e-4f};
        assertThat(f.tensor("f32").toArray()).containsExactly(exact);
        assertThat(f.tensor("f32").shape()).isEqualTo(Shape.of(2, 3));
        assertThat(f.tensor("f64").toArray()).containsExactly(exact);
        float[] f16 = f.tensor("f16").toArray();
        float[] bf16 = f.tensor("bf16").toArray();
        for (int i = 0; i < exact.length; i++) {
            assertThat(f16[i]).isCloseTo(exact[i], org.assertj.core.data.Offset.offset(Math.abs(exact[i]) * 1e-3f + 1e-7f));
            assertThat(bf16[i]).isCloseTo(exact[i], org.assertj.core.data.Offset.offset(Math.abs(exact[i]) * 8e-3f + 1e-7f));
        }
        assertThat(f.tensor("i64").toArray()).containsExactly(0f, 7f, -3f, 16777216f);
        assertThat(f.metadata()).containsKey("torch");
    }

    @Test
    void identicalRangesLoadAsAliases() throws IOException {
        Path p = rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        Safetensors.File f = Safetensors.read(p);
        assertThat(f.tensor("a").toArray()).containsExactly(f.tensor("b").toArray());
    }

    @Test
    void craftedHeadersAreRefusedWithClearMessages() throws IOException {
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8), "outside the data section");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,8]}}", 8),
                "larger than the file");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "dtype 'Q4'");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "bad shape");
        assertRefused(rawFile("{\"a\":", 8), "malformed JSON");
        assertRefused(rawFile("[1,2]", 8), "not a JSON object");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}", 8), "duplicate key");
        assertRefused(rawFile("[".repeat(100), 0), "nesting");

        Path huge = dir.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        Files.write(huge, b.array());
        assertRefused(huge, "header length");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertRefused(tiny, "too short");
    }

    @Test
    void aliasesShareOneArraySoManyKeysCannotMultiplyTheAllocation() throws IOException {
        StringBuilder h = new StringBuilder("{");
        int keys = 1000;
        for (int i = 0; i < keys; i++) {
            if (i > 0) h.append(',');
            String shape = i % 2 == 0 ? "[4]" : "[2,2]";
            h.append("\"k").append(i).append("\":{\"dtype\":\"F32\",\"shape\":").append(shape).append(",\"data_offsets\":[0,16]}");
        }
        Path p = rawFile(h.append('}').toString(), 16);
        Map<String, Tensor> all = Safetensors.read(p).tensors();
        assertThat(all).hasSize(keys);
        float[] first = all.get("k0").data();
        for (Tensor t : all.values()) assertThat(t.data()).as("every alias views one array").isSameAs(first);
        assertThat(all.get("k1").shape()).isEqualTo(Shape.of(2, 2));
        assertThat(all.get("k1").toArray()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void emptyTensorsMayHaveHugeDimensionsButNoDimensionMayBeOutOfRange() throws IOException {
        Path p = rawFile("{\"e\":{\"dtype\":\"F32\",\"shape\":[2147483647,0],\"data_offsets\":[0,0]}}", 0);
        assertThat(Safetensors.read(p).tensor("e").shape()).isEqualTo(Shape.of(Integer.MAX_VALUE, 0));
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648,0],\"data_offsets\":[0,0]}}", 0), "dimension 0");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,-1],\"data_offsets\":[0,0]}}", 0), "dimension 1");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "only integers");
        // A product that overflows a long must be refused, not wrap around to a small size.
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,4],\"data_offsets\":[0,8]}}", 8),
                "larger than the file");
    }

    @Test
    void offsetsMustBeOrderedIntegersInsideTheData() throws IOException {
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "outside the data section");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8), "outside the data section");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", 8), "non-integer");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 8), "data_offsets [begin, end]");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 8),
                "too large integer");
        // The same range under two dtypes is not an alias but a reinterpretation: refused as an overlap.
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "overlap");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "overlap");
        assertRefused(rawFile("{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype 'f32'");
        assertRefused(rawFile("{\"__metadata__\":{\"k\":1}}", 0), "must be a string");
    }

    @Test
    void aHeaderLengthPastTheFileIsRefusedBeforeAllocating() throws IOException {
        // Claims a 100 MiB header (the largest accepted) in a 16-byte file: refused from the file size alone.
        Path p = dir.resolve("claims.safetensors");
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Safetensors.MAX_HEADER_BYTES).array());
        assertRefused(p, "header length " + Safetensors.MAX_HEADER_BYTES);
        Files.write(p, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array());
        assertRefused(p, "header length -8");
    }

    @Test
    void missingTensorNamesTheAvailableOnes() throws IOException {
        Path p = rawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> Safetensors.read(p).tensor("b")).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("no tensor named 'b'").hasMessageContaining("[a]");
    }

    private void assertRefused(Path p, String fragment) {
        assertThatThrownBy(() -> Safetensors.read(p)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(fragment).hasMessageContaining(p.getFileName().toString());
    }

    private int counter;

    private Path rawFile(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes / 4; i++) b.putFloat(i + 1);
        Path p = dir.resolve("crafted" + (counter++) + ".safetensors");
        Files.write(p, b.array());
        return p;
    }
}
