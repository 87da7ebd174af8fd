package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.Models;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands over the real model registry: {@code info} against the committed PyTorch manifests,
 * {@code forward} against the PyTorch logits of the models module's golden fixture, and the DSFB penalty
 * and per-stage gradient norms in a short training run.
 */
class StandardModelsTest {
    private static final Path MODELS = Path.of("../models/src/test/resources");
    private static final Path GOLDEN = MODELS.resolve("fixtures/dsfb_cifar10_golden.safetensors");
    /** The models module's own tolerance for these logits (GoldenTest). */
    private static final double LOGIT_TOL = 1e-4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ResNet20", "ResNet32_DoubleShared", "ResNet56_SharedOnly"})
    void infoListsTheReferenceStateDict(String name) throws IOException {
        List<String> manifest = Files.readAllLines(MODELS.resolve("manifests/dsfb/cifar10/" + name + ".tsv"), StandardCharsets.UTF_8);
        Cli.Result r = Cli.run(StandardModels.catalog(), "info", "--model", name.toLowerCase(java.util.Locale.ROOT), "--keys");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("# model\t" + name);
        assertThat(lines.get(1)).isEqualTo(manifest.get(0));
        assertThat(lines.get(2)).isEqualTo(manifest.get(1));
        assertThat(lines.get(3)).isEqualTo("# input\t32x32x3");
        assertThat(lines.subList(5, lines.size())).isEqualTo(manifest.subList(2, manifest.size()));
    }

    /** ResNet-20's convolutions and classifier, layer by layer (the option-A shortcuts have none). */
    @Test
    void infoCountsResNet20MultiplyAdds() {
        long stem = 32 * 32 * 16 * 27L;
        long stage1 = 6 * 32 * 32 * 16 * 144L;
        long stage2 = 16 * 16 * 32 * 144L + 5 * 16 * 16 * 32 * 288L;
        long stage3 = 8 * 8 * 64 * 288L + 5 * 8 * 8 * 64 * 576L;
        long fc = 64 * 10;
        Cli.Result r = Cli.run(StandardModels.catalog(), "info", "--model", "ResNet20");
        assertThat(r.out()).contains("# multiply_adds\t" + (stem + stage1 + stage2 + stage3 + fc) + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResNet20", "ResNet32_DoubleShared"})
    void forwardReproducesPyTorchsLogits(String name) throws IOException {
        Safetensors.File golden = Safetensors.read(GOLDEN);
        Module m = Models.create(name);
        setFormulaWeights(m);
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        Safetensors.write(weights, m.stateDict(), Map.of());
        Safetensors.write(in, Map.of("input", golden.tensor(name + ".x").nhwcToNchw()), Map.of());
        Cli.Result r = Cli.run(StandardModels.catalog(), "forward", "--model", name, "--weights", weights.toString(), "--input", in.toString(),
                "--output", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        float[] expected = golden.tensor(name + ".eval_logits").toArray();
        float[] got = Safetensors.read(out).tensor("output").toArray();
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("logit %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(LOGIT_TOL * (1 + Math.abs(expected[i]))));
        }
    }

    /** The other DSFB families: their native input and class count, and their state dict as the reference's. */
    @ParameterizedTest
    @ValueSource(strings = {"cifar100/DenseNet121:32x32x3", "cifar100/ResNet34_SingleShared:32x32x3", "ilsvrc/ResNet18:224x224x3"})
    void infoKnowsTheCifar100AndIlsvrcInputs(String spec) throws IOException {
        String name = spec.substring(0, spec.indexOf(':')), input = spec.substring(spec.indexOf(':') + 1);
        List<String> manifest = Files.readAllLines(MODELS.resolve("manifests/dsfb/" + name + ".tsv"), StandardCharsets.UTF_8);
        Cli.Result r = Cli.run(StandardModels.catalog(), "info", "--model", name, "--keys");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("# model\t" + name.substring(name.indexOf('/') + 1));
        assertThat(lines.subList(1, 3)).isEqualTo(manifest.subList(0, 2));
        assertThat(lines.get(3)).isEqualTo("# input\t" + input);
        assertThat(lines.get(4)).startsWith("# multiply_adds\t");
        assertThat(lines.subList(5, lines.size())).isEqualTo(manifest.subList(2, manifest.size()));
    }

    /** ResNet-18 at 224 × 224 (He et al. 2016, table 1: 1.8 GFLOPs, i.e. multiply-adds): 1.81e9 with the classifier. */
    @Test
    void infoCountsAnImageNetResNetAtItsNativeSize() {
        Cli.Result r = Cli.run(StandardModels.catalog(), "info", "--model", "ilsvrc/ResNet18");
        assertThat(r.exit()).as(r.toString()).isZero();
        String line = r.out().lines().filter(l -> l.startsWith("# multiply_adds\t")).findFirst().orElseThrow();
        assertThat(Long.parseLong(line.substring(line.indexOf('\t') + 1))).isBetween(1_800_000_000L, 1_830_000_000L);
    }

    /** {@code forward} on a CIFAR-100 model against the PyTorch eval logits of the models module's dsfb_golden fixture. */
    @Test
    void forwardReproducesPyTorchsLogitsOfACifar100Model() throws IOException {
        String name = "MobileNetV2";
        Safetensors.File golden = Safetensors.read(MODELS.resolve("fixtures/dsfb_golden_cifar100.safetensors"));
        Module m = Models.create("cifar100/" + name);
        setFormulaWeights(m);
        // The fixture's input: NCHW element i = sin(0.1·i·i + phase), [batch, side] as stored.
        Tensor shape = golden.tensor(name + ".input");
        int batch = (int) shape.get(0), side = (int) shape.get(1);
        double phase = golden.tensor(name + ".phase").get(0);
        float[] nchw = new float[batch * 3 * side * side];
        for (int i = 0; i < nchw.length; i++) nchw[i] = (float) Math.sin(0.1 * i * i + phase);
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        Safetensors.write(weights, m.stateDict(), Map.of());
        Safetensors.write(in, Map.of("input", Tensor.of(nchw, batch, 3, side, side)), Map.of());
        Cli.Result r = Cli.run(StandardModels.catalog(), "forward", "--model", "cifar100/" + name, "--weights", weights.toString(), "--input",
                in.toString(), "--output", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        float[] expected = golden.tensor(name + ".eval_logits").toArray();
        Tensor got = Safetensors.read(out).tensor("output");
        assertThat(got.shape().dims()).containsExactly(batch, 100);
        float[] g = got.toArray();
        for (int i = 0; i < g.length; i++) {
            assertThat((double) g[i]).as("logit %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(LOGIT_TOL * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void trainingADoubleSharedModelLogsItsPenaltyAndStageNorms() throws IOException {
        Path run = dir.resolve("run");
        Cli.Result r = Cli.run(StandardModels.catalog(), "train", "--model", "ResNet32_DoubleShared", "--dataset", "fashion-mnist", "--epochs", "1",
                "--batch-size", "16", "--train-limit", "32", "--eval-limit", "16", "--progress", "none", "--lr", "0.05", "--output", run.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("training ResNet32_DoubleShared", "on fashion-mnist: 32 training images, 16 test images");
        List<String> steps = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        assertThat(steps.get(0).split(",")).contains("penalty.orthogonality", "grad_norm.stage1", "grad_norm.stage2", "grad_norm.stage3");
        assertThat(steps).hasSize(3);
        // An orthogonally initialised basis starts with a small but non-zero penalty (unique bases are not orthogonal to it).
        String[] header = steps.get(0).split(","), first = steps.get(1).split(",");
        double penalty = Double.parseDouble(first[List.of(header).indexOf("penalty.orthogonality")]);
        assertThat(penalty).isPositive().isFinite();
    }

    @Test
    void aPlainResNetRefusesTheLambda() {
        Cli.Result r = Cli.run(StandardModels.catalog(), "train", "--model", "ResNet20", "--dataset", "fashion-mnist", "--lambda", "10",
                "--train-limit", "16", "--output", dir.resolve("plain").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("basis4j train: ResNet20 has no shared filter bases, so --lambda does not apply to it");
    }

    @Test
    void infoWithoutAModelListsTheRegistry() {
        Cli.Result r = Cli.run(StandardModels.catalog(), "info");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).startsWith("ResNet20", "ResNet32").contains("ResNet32_DoubleShared", "ResNet56_NonShared");
    }

    @Test
    void anUnknownNameListsTheKnownModels() {
        Cli.Result r = Cli.run(StandardModels.catalog(), "info", "--model", "ResNet21");
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().contains("unknown model 'ResNet21'", "cifar10/ResNet20", "cifar10/ResNet56_DoubleShared");
    }

    /**
     * The fixture script's weights (tools/fixtures/dsfb_cifar10_golden.py, as the models module's GoldenTest):
     * entry k of the state dict (aliases counted, an already-set tensor skipped), element i,
     * s = sin(0.1·i·i + 0.7·k): weights of rank ≥ 2 √(2/fan_in)·s, batch-norm weights 1 + 0.1·s, biases and
     * running means 0.1·s, running variances 1 + 0.5·|s|.
     */
    private static void setFormulaWeights(Module m) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int k = 0;
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            int index = k++;
            if (key.endsWith("num_batches_tracked") || !seen.add(t)) continue;
            int n = t.size();
            double amplitude = t.rank() >= 2 ? Math.sqrt(2.0 / (n / t.dim(0))) : 0;
            for (int i = 0; i < n; i++) {
                double s = Math.sin(0.1 * i * i + 0.7 * index);
                double v;
                if (key.endsWith("running_var")) v = 1 + 0.5 * Math.abs(s);
                else if (key.endsWith("running_mean") || key.endsWith("bias")) v = 0.1 * s;
                else if (t.rank() >= 2) v = amplitude * s;
                else v = 1 + 0.1 * s;
                t.set(i, (float) v);
            }
        }
    }
}
