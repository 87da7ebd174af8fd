package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.Models;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command over a MetaFormer of the real registry, on the small {@code dfformer_fmnist} for speed:
 * {@code info} (parameters, multiply-adds counted by hand), {@code forward} (NCHW input, same logits as the
 * model in-process), {@code predict} with plain weights (ImageNet's normalisation, resize and centre crop),
 * {@code bench}, and {@code train} with the reference's recipe filling the options not given.
 */
class MetaFormerCommandsTest {
    private static final String MODEL = "dfformer_fmnist";
    /** ImageNet's mean and std as a grey statistic: ITU-R 601 luma weights over timm's RGB values. */
    private static final double GREY_MEAN = 0.299 * 0.485 + 0.587 * 0.456 + 0.114 * 0.406;
    private static final double GREY_STD = 0.299 * 0.229 + 0.587 * 0.224 + 0.114 * 0.225;

    @TempDir
    Path dir;

    /**
     * Stem 49 outputs × 7·7·1·32; per block at t tokens and d channels: pwconv1 and pwconv2 t·d·2d each, the
     * reweight MLP d·⌊d/4⌋ + ⌊d/4⌋·4·2d on the pooled token, the MLP 2·t·d·4d; transitions t·9·d_in·d_out; the
     * head 128·512 + 512·10.
     */
    @Test
    void infoGivesParametersAndMultiplyAddsAt28x28() {
        long macs = 49L * 49 * 32;
        int[] tokens = {49, 16, 4}, dims = {32, 64, 128};
        for (int s = 0; s < 3; s++) {
            long t = tokens[s], d = dims[s];
            long block = 2 * t * d * 2 * d + d * (d / 4) + (d / 4) * 8 * d + 2 * t * d * 4 * d;
            macs += 2 * block;
            if (s > 0) macs += t * 9 * dims[s - 1] * d;
        }
        macs += 128L * 512 + 512L * 10;
        Cli.Result r = Cli.run(StandardModels.catalog(), "info", "--model", "metaformer/" + MODEL);
        assertThat(r.exit()).as(r.toString()).isZero();
        long params = Models.create(MODEL).parameterCount();
        assertThat(r.out()).contains("# model\t" + MODEL + "\n", "# distinct_parameters\t" + params + "\n", "# input\t28x28x1\n",
                "# multiply_adds\t" + macs + "\n");
        // Images are RGB or grey: the reference pipeline has no statistics for two channels.
        Cli.Result two = Cli.run(StandardModels.catalog(), "info", "--model", "metaformer/" + MODEL, "--in-channels", "2");
        assertThat(two.exit()).as(two.toString()).isNotZero();
        assertThat(two.err()).contains("metaformer/" + MODEL + " takes RGB or grey images (3 or 1 channels), got 2");
    }

    @Test
    void forwardRunsNchwInputThroughTheLoadedWeights() throws IOException {
        Module m = Models.create(MODEL, io.github.basis4j.models.ModelOptions.builder().optSeed(4).build());
        Tensor x = Tensor.uniform(Shape.of(2, 28, 28, 1), -1f, 1f, 3);
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        Safetensors.write(weights, m.stateDict(), Map.of());
        Safetensors.write(in, Map.of("input", x.nhwcToNchw()), Map.of());
        Cli.Result r = Cli.run(StandardModels.catalog(), "forward", "--model", MODEL, "--weights", weights.toString(), "--input", in.toString(),
                "--output", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Tensor expected;
        try (var ignored = NoGrad.enter()) {
            expected = m.eval().forward(Variable.constant(x)).value();
        }
        // The same kernels on the same input: equal to the last bit.
        assertThat(Safetensors.read(out).tensor("output").toArray()).containsExactly(expected.toArray());
    }

    /**
     * Plain weights and no dataset: the reference's (timm's) preprocessing, ImageNet's mean and std; a 28×28
     * image goes in as is, a 56×42 constant one is resized (bicubic) and centre-cropped to 28×28 (still constant).
     */
    @Test
    void predictNormalisesPlainWeightsInputsWithImageNetStatistics() throws IOException {
        Module m = Models.create(MODEL, io.github.basis4j.models.ModelOptions.builder().optSeed(8).build());
        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, m.stateDict(), Map.of());
        BufferedImage a = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), b = new BufferedImage(42, 56, BufferedImage.TYPE_BYTE_GRAY);
        float[] expected = new float[2 * 28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = (7 * x + 13 * y) % 256;
                a.getRaster().setSample(x, y, 0, v);
                expected[y * 28 + x] = (float) ((v / 255.0 - GREY_MEAN) / GREY_STD);
                expected[28 * 28 + y * 28 + x] = (float) ((200 / 255.0 - GREY_MEAN) / GREY_STD);
            }
        }
        for (int y = 0; y < 56; y++) for (int x = 0; x < 42; x++) b.getRaster().setSample(x, y, 0, 200);
        Path fa = dir.resolve("a.png"), fb = dir.resolve("b.png");
        ImageIO.write(a, "png", fa.toFile());
        ImageIO.write(b, "png", fb.toFile());
        Cli.Result r = Cli.run(StandardModels.catalog(), "predict", "--checkpoint", weights.toString(), "--model", MODEL, "--top-k", "2",
                fa.toString(), fb.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        Tensor logits;
        try (var ignored = NoGrad.enter()) {
            logits = m.eval().forward(Variable.constant(Tensor.of(expected, 2, 28, 28, 1))).value();
        }
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2 * 3);
        for (int i = 0; i < 2; i++) {
            double[] p = softmax(logits.toArray(), i);
            int best = 0;
            for (int c = 1; c < 10; c++) if (p[c] > p[best]) best = c;
            String[] top = lines.get(3 * i + 1).split("\t");
            assertThat(top[3]).as("image %d top label", i).isEqualTo(Integer.toString(best));
            assertThat(Double.parseDouble(top[2])).as("image %d top probability", i).isCloseTo(p[best], org.assertj.core.data.Offset.offset(2e-5));
        }
    }

    @Test
    void benchTimesTheNativeInput() {
        Cli.Result r = Cli.run(StandardModels.catalog(), "bench", "--model", MODEL, "--batch-size", "2", "--warmup", "1", "--iterations", "2",
                "--threads", "1");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("model\t" + MODEL + "\n", "input\t2x28x28x1\n", "images_per_second\t");
    }

    /** Options not given come from the recipe (lr 2e-3 at 128 scaled to 32); given ones win; a ResNet has no drop path. */
    @Test
    void trainFillsTheOptionsNotGivenFromTheRecipe() throws IOException {
        Path run = dir.resolve("run");
        Cli.Result r = Cli.run(StandardModels.catalog(), "train", "--model", MODEL, "--dataset", "fashion-mnist", "--epochs", "2",
                "--batch-size", "32", "--train-limit", "64", "--eval-limit", "32", "--progress", "none", "--threads", "1", "--output", run.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("recipe fashion-mnist + " + MODEL + ": input 28x28x1, 2 epochs, batch 32, adamw lr 5.0E-4 cosine, weight decay 0.05"
                + " (not on 1-D parameters), warm-up 1 epochs, augment none, label smoothing 0.1, drop path 0.05, λ none, seed 0\n");
        RunRecord record = RunRecord.read(run.resolve(RunRecord.FILE));
        assertThat(record.optimizer()).isEqualTo("adamw");
        assertThat(record.weightDecay()).isEqualTo(0.05);
        assertThat(record.decayOneDimensional()).isFalse();
        assertThat(record.dropPath()).isEqualTo(java.util.OptionalDouble.of(0.05));
        assertThat(record.labelSmoothing()).isEqualTo(0.1);
        List<String> steps = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        assertThat(steps).hasSize(1 + 4);
        // Images of another size would be resized as timm's eval transform does.
        assertThat(Safetensors.read(run.resolve("last.safetensors")).metadata()).containsEntry("config.interpolation", "bicubic");
        Cli.Result eval = Cli.run(StandardModels.catalog(), "eval", "--checkpoint", run.resolve("last.safetensors").toString(), "--limit", "32");
        assertThat(eval.exit()).as(eval.toString()).isZero();
        assertThat(eval.out()).contains("model\t" + MODEL + "\n", "images\t32\n");

        Cli.Result given = Cli.run(StandardModels.catalog(), "train", "--model", MODEL, "--dataset", "fashion-mnist", "--epochs", "1",
                "--batch-size", "32", "--train-limit", "64", "--eval-limit", "32", "--progress", "none", "--threads", "1", "--optimizer", "sgd",
                "--lr", "0.01", "--label-smoothing", "0", "--drop-path", "0.05", "--warmup-epochs", "0", "--output", dir.resolve("given").toString());
        assertThat(given.exit()).as(given.toString()).isZero();
        assertThat(given.out()).contains("recipe fashion-mnist + " + MODEL + ": input 28x28x1, 1 epochs, batch 32, sgd lr 0.01 cosine, weight decay 5.0E-4"
                + " (not on 1-D parameters), warm-up 0 epochs, augment none, label smoothing 0, drop path 0.05, λ none, seed 0\n");
        // Same weights, batch and drop-path masks before the first update: the first losses differ by the smoothing alone.
        double smoothed = firstLoss(run), plain = firstLoss(dir.resolve("given"));
        assertThat(smoothed).isNotCloseTo(plain, org.assertj.core.data.Offset.offset(1e-4));

        Cli.Result resnet = Cli.run(StandardModels.catalog(), "train", "--model", "ResNet20", "--dataset", "fashion-mnist", "--drop-path", "0.1",
                "--train-limit", "16", "--output", dir.resolve("resnet").toString());
        assertThat(resnet.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(resnet.errLines()).singleElement().asString().contains("cifar10/ResNet20 has no stochastic depth; --drop-path does not apply to it");
    }

    /** The loss of the first step in a run's metrics.csv. */
    private static double firstLoss(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        int column = List.of(lines.get(0).split(",")).indexOf("loss");
        return Double.parseDouble(lines.get(1).split(",")[column]);
    }

    /** Softmax of row {@code row} of {@code [n, 10]} logits, in double. */
    private static double[] softmax(float[] logits, int row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 10; c++) max = Math.max(max, logits[row * 10 + c]);
        double sum = 0;
        double[] p = new double[10];
        for (int c = 0; c < 10; c++) sum += p[c] = Math.exp(logits[row * 10 + c] - max);
        for (int c = 0; c < 10; c++) p[c] /= sum;
        return p;
    }
}
