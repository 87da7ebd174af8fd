package io.github.basis4j.models.metaformer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MetaFormers against the PyTorch reference ({@code tools/fixtures/metaformer_golden.py} with
 * {@code okojoalg/dfformer}): eval logits of four S18 models at their native 224×224 (batch 2); logits, loss and
 * every gradient of one cross-entropy training step of two reduced networks that hold every token mixer; and the
 * logits of a reduced network whose 64×64 weights were resized to 96×96 by {@link MetaFormers#loadResized}
 * against the reference's {@code load_weights}. Both sides set weights and inputs from the same formulas
 * ({@link #setFormulaWeights}, {@link #formulaInput}), so the fixture holds only logits and gradients.
 */
class GoldenTest {
    private static final Path FILE = Path.of("src/test/resources/fixtures/metaformer_golden.safetensors");
    /**
     * Logits after 18 blocks of float arithmetic summed in another order than PyTorch's (FFT algorithms, GEMM
     * blocking): relative to the largest logit. Observed about 1.5e-6.
     */
    private static final double LOGIT_RTOL = 1e-4;
    /** Gradients of the training step, relative to each element plus a floor relative to the tensor's largest element. */
    private static final double GRAD_RTOL = 1e-3, GRAD_ATOL_OF_MAX = 1e-4;
    private static final int SMALL_CLASSES = 10;

    private static Safetensors.File file;

    @BeforeAll
    static void load() throws IOException {
        assertThat(FILE).as("fixture missing: run /usr/bin/python3 tools/fixtures/metaformer_golden.py --ref <dfformer checkout>").exists();
        file = Safetensors.read(FILE);
    }

    private static Tensor fixture(String name) {
        assertThat(file.contains(name)).as("fixture entry " + name + " (regenerate with tools/fixtures/metaformer_golden.py)").isTrue();
        return file.tensor(name);
    }

    /**
     * The fixture script's {@code hash(k, i)}: SplitMix64's finaliser of {@code ((k << 32) + i)·φ·2⁶⁴}, its top 24
     * bits as a uniform value in [-1, 1) (exact in float). Integer arithmetic, so both sides agree bit for bit.
     */
    static double hash(long k, long i) {
        long z = ((k << 32) + i) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return 2.0 * (z >>> 40) / (1 << 24) - 1.0;
    }

    /**
     * The fixture script's weight formula: entry k of the state dict, element i, s = hash(k, i): filter banks s, AFNO
     * {@code w1}/{@code w2} √(0.5/in)·s, other weights of rank ≥ 2 √(1/fan_in)·s, biases (AFNO {@code b1}/{@code b2}
     * included) 0.1·s, other rank-1 entries 1 + 0.1·s; in double, rounded to float.
     */
    static void setFormulaWeights(Module m) {
        int k = 0;
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            int index = k++;
            float[] d = t.data();
            int off = t.offset(), n = t.size();
            boolean afnoWeight = key.endsWith(".w1") || key.endsWith(".w2");
            double amplitude = key.contains("complex_weights") ? 1
                    : afnoWeight ? Math.sqrt(0.5 / t.dim(2))
                    : t.rank() >= 2 ? Math.sqrt(1.0 / (n / t.dim(0))) : 0;
            boolean bias = key.endsWith("bias") || key.endsWith(".b1") || key.endsWith(".b2");
            for (int i = 0; i < n; i++) {
                double s = hash(index, i);
                d[off + i] = (float) (t.rank() >= 2 ? amplitude * s : bias ? 0.1 * s : 1 + 0.1 * s);
            }
        }
    }

    /** The script's input of case c: element i of the flattened NHWC tensor {@code hash(1000 + c, i)}. */
    static Tensor formulaInput(int c, int size) {
        Tensor x = Tensor.zeros(2, size, size, 3);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) hash(1000 + c, i);
        return x;
    }

    private static void assertLogits(String what, Tensor expected, Tensor actual) {
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        float[] e = expected.toArray(), a = actual.toArray();
        double max = 0, err = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i]));
            err = Math.max(err, Math.abs(e[i] - a[i]));
        }
        assertThat(err / max).as(what + ": largest logit error relative to the largest logit " + max).isLessThanOrEqualTo(LOGIT_RTOL);
    }

    /** The four S18 models of the fixture, in its case order, at 224×224, batch 2, eval mode. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dfformer_s18", "cdfformer_s18", "gfformer_s18", "dfformer_s18_afno"})
    void s18LogitsAtNativeResolutionMatchPyTorch(String name) {
        int c = java.util.List.of("dfformer_s18", "cdfformer_s18", "gfformer_s18", "dfformer_s18_afno").indexOf(name);
        MetaFormer m = MetaFormers.builder(name, ModelOptions.defaults()).optInitialise(false).build();
        setFormulaWeights(m);
        m.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            assertLogits(name, fixture(name + ".logits"), m.forward(Variable.constant(formulaInput(c, 224))).value());
        }
    }

    /** Stage i's mixer by the fixture script's SMALL names, with the reference's defaults. */
    private static MetaFormer.TokenMixerFactory mixer(String kind) {
        return switch (kind) {
            case "DynamicFilter" -> (dim, h, w, rng) -> new DynamicFilter(dim, h, w, DynamicFilter.DEFAULT_NUM_FILTERS,
                    DynamicFilter.DEFAULT_REWEIGHT_RATIO, StarReLU::new, rng);
            case "GlobalFilter" -> (dim, h, w, rng) -> new GlobalFilter(dim, h, w, StarReLU::new, rng);
            case "SepConv" -> (dim, h, w, rng) -> new SepConv(dim, StarReLU::new, rng);
            case "AFNO2D" -> (dim, h, w, rng) -> new AFNO2D(dim, h, w, AFNO2D.DEFAULT_NUM_BLOCKS, AFNO2D.DEFAULT_SPARSITY_THRESHOLD,
                    StarReLU::new, rng);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static final String[][] SMALL = {{"DynamicFilter", "SepConv", "AFNO2D", "GlobalFilter"},
        {"AFNO2D", "GlobalFilter", "SepConv", "DynamicFilter"}};

    private static MetaFormer small(int config, int size) {
        MetaFormer.TokenMixerFactory[] mixers = new MetaFormer.TokenMixerFactory[4];
        for (int i = 0; i < 4; i++) mixers[i] = mixer(SMALL[config][i]);
        MetaFormer m = MetaFormer.builder().setDepths(1, 1, 1, 1).setDims(8, 16, 24, 32).setTokenMixers(mixers)
                .optNumClasses(SMALL_CLASSES).optImageSize(size, size).optInitialise(false).build();
        setFormulaWeights(m);
        return m;
    }

    /** One training step of each reduced network: logits, cross-entropy and every parameter's and the input's gradient. */
    @ParameterizedTest(name = "small{0}")
    @ValueSource(ints = {0, 1})
    void trainingStepGradientsMatchPyTorch(int config) {
        String p = "small" + config + ".";
        MetaFormer m = small(config, 64);
        m.train();
        Variable x = new Variable(formulaInput(4 + config, 64), true);
        Variable y = m.forward(x);
        Numerics.assertClose(p + "logits", fixture(p + "logits").toArray(), y.value().toArray(), 1e-4, 1e-5);
        float[] l = fixture(p + "labels").toArray();
        int[] labels = {(int) l[0], (int) l[1]};
        Variable loss = CrossEntropy.crossEntropy(y, labels);
        Numerics.assertClose(p + "loss", fixture(p + "loss").toArray(), loss.value().toArray(), 1e-5, 1e-6);
        loss.backward();

        assertGradient(p + "input gradient", fixture(p + "grad.x"), x.grad());
        Map<String, Parameter> params = m.namedParameters();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            assertGradient(p + "gradient of " + e.getKey(), fixture(p + "grad." + e.getKey()), e.getValue().grad());
        }
        long stored = file.entries().keySet().stream().filter(k -> k.startsWith(p + "grad.") && !k.equals(p + "grad.x")).count();
        assertThat(params).as("every stored gradient has a parameter").hasSize((int) stored);
    }

    private static void assertGradient(String what, Tensor expected, Tensor actual) {
        assertThat(actual).as(what + " exists").isNotNull();
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        float[] e = expected.toArray();
        double max = 0;
        for (float v : e) max = Math.max(max, Math.abs(v));
        Numerics.assertClose(what, e, actual.toArray(), GRAD_RTOL, GRAD_ATOL_OF_MAX * max);
    }

    /**
     * The reference's {@code load_weights} at another resolution: 64×64 weights (filter banks 16×9, 8×5, 4×3, 2×2)
     * into a 96×96 model (24×13, 12×7, 6×4, 3×2), bicubic with {@code align_corners=True}, then eval logits.
     */
    @Test
    void weightsResizedToAnotherResolutionGiveTheReferenceLogits() {
        MetaFormer src = small(0, 64);
        MetaFormer dst = small(0, 96);
        MetaFormers.loadResized(dst, src.stateDict(), true);
        assertThat(dst.stateDict().get("stages.0.0.token_mixer.complex_weights").shape()).isEqualTo(Shape.of(24, 13, 4, 2));
        dst.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            assertLogits("64 -> 96", fixture("resize.logits"), dst.forward(Variable.constant(formulaInput(6, 96))).value());
        }
    }
}
