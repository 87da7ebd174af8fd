package io.github.basis4j.nn.io.pth;

import static io.github.basis4j.nn.io.pth.Crafted.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.DType;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads the torch.save fixtures of tools/fixtures/pth_fixtures.py and compares with PyTorch's own float32 values. */
class PthFileTest {
    /** Every tensor equals, bit for bit, what PyTorch's .contiguous().float() gives, in state_dict order. */
    private static void assertMatchesExpected(PthFile f, String expectedFixture) throws IOException {
        Safetensors.File expected = Safetensors.read(fixture(expectedFixture));
        assertThat(f.entries().keySet()).containsExactlyElementsOf(expected.entries().keySet());
        Map<String, Tensor> all = f.tensors();
        for (String k : expected.entries().keySet()) {
            Tensor want = expected.tensor(k), got = f.tensor(k);
            assertThat(got.shape()).as(k).isEqualTo(want.shape());
            assertThat(bits(got)).as(k).containsExactly(bits(want));
            assertThat(bits(all.get(k))).as(k).containsExactly(bits(want));
        }
    }

    private static int[] bits(Tensor t) {
        float[] v = t.toArray();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    @Test
    void readsEveryElementTypeAndEveryViewAsPyTorchWidensThem() throws IOException {
        assertMatchesExpected(PthFile.read(fixture("dtypes.pth")), "dtypes_expected.safetensors");
    }

    @Test
    void readsTheSameFromBytesAsFromTheFile() throws IOException {
        PthFile fromBytes = PthFile.read(Files.readAllBytes(fixture("dtypes.pth")));
        assertThat(fromBytes.source()).isEqualTo("PyTorch checkpoint");
        assertMatchesExpected(fromBytes, "dtypes_expected.safetensors");
    }

    @Test
    void describesDtypesStoragesAndStrides() throws IOException {
        Map<String, PthFile.Entry> e = PthFile.read(fixture("dtypes.pth")).entries();
        assertThat(e.get("f16").dtype()).isEqualTo(DType.F16);
        assertThat(e.get("bf16").dtype()).isEqualTo(DType.BF16);
        assertThat(e.get("f64").dtype()).isEqualTo(DType.F64);
        assertThat(e.get("i64").dtype()).isEqualTo(DType.I64);
        assertThat(e.get("i32").dtype()).isEqualTo(DType.I32);
        assertThat(e.get("scalar").shape()).isEqualTo(Shape.of());
        assertThat(e.get("empty").shape()).isEqualTo(Shape.of(0, 3));
        PthFile.Entry base = e.get("base"), t = e.get("transposed"), off = e.get("offset"), cols = e.get("columns");
        assertThat(List.of(e.get("alias").storage(), t.storage(), off.storage(), cols.storage())).containsOnly(base.storage());
        assertThat(base.contiguous()).isTrue();
        assertThat(t.strides()).containsExactly(1L, 4L);
        assertThat(t.contiguous()).isFalse();
        assertThat(off.storageOffset()).isEqualTo(5);
        assertThat(off.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(cols.strides()).containsExactly(4L, 2L);
    }

    @Test
    void aliasesShareOneTensorAndOtherViewsDoNot() throws IOException {
        Map<String, Tensor> all = PthFile.read(fixture("dtypes.pth")).tensors();
        assertThat(all.get("alias")).isSameAs(all.get("base"));
        assertThat(all.get("transposed")).isNotSameAs(all.get("base"));
        // The transpose really is one: element [i][j] of it is [j][i] of the base.
        assertThat(all.get("transposed").at(2, 1)).isEqualTo(all.get("base").at(1, 2));
        assertThat(all.get("offset").at(0, 0)).isEqualTo(all.get("base").at(1, 1));
        assertThat(all.get("columns").at(2, 1)).isEqualTo(all.get("base").at(2, 3));
    }

    @Test
    void readIntoWritesOnlyItsRangeAndChecksIt() throws IOException {
        PthFile f = PthFile.read(fixture("dtypes.pth"));
        float[] out = new float[12 + 4];
        Arrays.fill(out, -7f);
        f.readInto("transposed", out, 2);
        assertThat(out[0]).isEqualTo(-7f);
        assertThat(out[1]).isEqualTo(-7f);
        assertThat(out[14]).isEqualTo(-7f);
        assertThat(out[15]).isEqualTo(-7f);
        assertThat(Arrays.copyOfRange(out, 2, 14)).containsExactly(f.tensor("transposed").toArray());
        assertThatThrownBy(() -> f.readInto("transposed", out, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transposed").hasMessageContaining("12 floats at offset 5");
        assertThatThrownBy(() -> f.tensor("nope")).isInstanceOf(PthException.class).hasMessageContaining("no tensor named 'nope'");
    }

    @Test
    void takesTheStateDictOutOfTheReferencesTrainingCheckpoint() throws IOException {
        PthFile f = PthFile.read(fixture("checkpoint.pth"));
        assertThat(f.selectedKey()).contains("net_state_dict");
        assertThat(f.entries().get("1.num_batches_tracked").dtype()).isEqualTo(DType.I64);
        assertThat(f.tensor("1.num_batches_tracked").toArray()).containsExactly(1f);
        assertMatchesExpected(f, "checkpoint_expected.safetensors");
        assertMatchesExpected(PthFile.read(fixture("checkpoint.pth"), "net_state_dict"), "checkpoint_expected.safetensors");
    }

    @Test
    void refusesAKeyThatHoldsNoStateDict() {
        assertThatThrownBy(() -> PthFile.read(fixture("checkpoint.pth"), "optimizer_state_dict")).isInstanceOf(PthException.class)
                .hasMessageContaining("entry 'optimizer_state_dict' is a dict that does not map names to tensors");
        assertThatThrownBy(() -> PthFile.read(fixture("checkpoint.pth"), "model")).isInstanceOf(PthException.class)
                .hasMessageContaining("no entry 'model'").hasMessageContaining("'net_state_dict' (OrderedDict)").hasMessageContaining("'epoch' (int)");
    }

    @Test
    void asksForAKeyWhenSeveralStateDictsAreStored() throws IOException {
        assertThatThrownBy(() -> PthFile.read(fixture("two_models.pth"))).isInstanceOf(PthException.class)
                .hasMessageContaining("several state_dicts [model, ema]").hasMessageContaining("--key");
        PthFile ema = PthFile.read(fixture("two_models.pth"), "ema");
        assertThat(ema.selectedKey()).contains("ema");
        assertMatchesExpected(ema, "checkpoint_expected.safetensors");
    }

    @Test
    void readsParametersRebuiltByRebuildParameter() throws IOException {
        PthFile f = PthFile.read(fixture("parameters.pth"));
        assertThat(f.entries().keySet()).containsExactly("w", "b");
        assertThat(f.entries().get("w").shape()).isEqualTo(Shape.of(2, 3));
        assertThat(f.tensor("b").size()).isEqualTo(3);
    }

    @Test
    void refusesTheLegacyFormatWithWhatToDo() {
        assertThatThrownBy(() -> PthFile.read(fixture("legacy.pth"))).isInstanceOf(PthException.class)
                .hasMessageContaining("legacy.pth").hasMessageContaining("not supported (legacy torch.save format")
                .hasMessageContaining("re-save with a current torch.save");
    }

    @Test
    void recognisesTorchFileNames() {
        assertThat(PthFile.isPthName(Path.of("a/b/model.pth"))).isTrue();
        assertThat(PthFile.isPthName(Path.of("MODEL.PT"))).isTrue();
        assertThat(PthFile.isPthName(Path.of("model.safetensors"))).isFalse();
        assertThat(PthFile.isPthName(Path.of("model.pth.bak"))).isFalse();
    }
}
