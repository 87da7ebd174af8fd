package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardCommandTest {
    @TempDir
    Path dir;

    /** A TinyNet with random weights and batch-norm statistics away from their defaults, so eval mode matters. */
    private Module model() {
        Module m = new TinyCatalog().create(new ModelRequest("TinyNet", OptionalInt.empty(), OptionalInt.empty(), 7)).module();
        Map<String, Tensor> state = m.stateDict();
        state.get("bn1.running_mean").copyFrom(Tensor.uniform(Shape.of(4), -0.5f, 0.5f, 11));
        state.get("bn1.running_var").copyFrom(Tensor.uniform(Shape.of(4), 0.5f, 2f, 12));
        state.get("bn1.weight").copyFrom(Tensor.uniform(Shape.of(4), 0.5f, 1.5f, 13));
        return m;
    }

    @Test
    void writesTheLogitsOfTheNchwInputInEvalMode() throws IOException {
        Module m = model();
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        Safetensors.write(weights, m.stateDict(), Map.of());
        Tensor nchw = Tensor.uniform(Shape.of(3, 1, 28, 28), -1f, 1f, 5);
        Safetensors.write(in, Map.of("input", nchw), Map.of());

        Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--weights", weights.toString(), "--input", in.toString(), "--output", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();

        m.eval();
        Tensor expected;
        try (NoGrad ignored = NoGrad.enter()) {
            expected = m.forward(Variable.constant(nchw.nchwToNhwc())).value();
        }
        Tensor got = Safetensors.read(out).tensor("output");
        assertThat(got.shape()).isEqualTo(Shape.of(3, 10));
        assertThat(got.toArray()).containsExactly(expected.toArray());
    }

    /**
     * A CIFAR ResNet runs fused: the output is the bits of {@link FusedCifarResNet} and within 1e-5 relative
     * (plus 1e-5 of the image's largest logit) of the module, but not the module's own bits.
     */
    @Test
    void aCifarResNetRunsFused() throws IOException {
        Module m = Models.create("ResNet20", ModelOptions.builder().optSeed(3).build());
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            if (e.getKey().endsWith("running_var")) e.getValue().copyFrom(Tensor.uniform(e.getValue().shape(), 0.5f, 2f, 21));
            if (e.getKey().endsWith("running_mean")) e.getValue().copyFrom(Tensor.uniform(e.getValue().shape(), -0.5f, 0.5f, 22));
        }
        Path weights = dir.resolve("r20.safetensors"), in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        Safetensors.write(weights, m.stateDict(), Map.of());
        Tensor nchw = Tensor.uniform(Shape.of(2, 3, 32, 32), -1f, 1f, 23);
        Safetensors.write(in, Map.of("input", nchw), Map.of());

        Cli.Result r = Cli.run(StandardModels.catalog(), "forward", "--model", "ResNet20", "--weights", weights.toString(), "--input",
                in.toString(), "--output", out.toString(), "--backend", "vector");
        assertThat(r.exit()).as(r.toString()).isZero();
        float[] got = Safetensors.read(out).tensor("output").toArray();

        m.eval();
        Tensor x = nchw.nchwToNhwc();
        assertThat(got).containsExactly(FusedCifarResNet.fuse(m).forward(x).toArray());
        float[] unfused;
        try (NoGrad ignored = NoGrad.enter()) {
            unfused = m.forward(Variable.constant(x)).value().toArray();
        }
        assertThat(got).isNotEqualTo(unfused);
        for (int i = 0; i < 2; i++) {
            double scale = 0;
            for (int j = 0; j < 10; j++) scale = Math.max(scale, Math.abs(unfused[i * 10 + j]));
            for (int j = 0; j < 10; j++) {
                assertThat((double) Math.abs(got[i * 10 + j] - unfused[i * 10 + j])).as("image %d logit %d", i, j)
                        .isLessThanOrEqualTo(1e-5 * Math.abs(unfused[i * 10 + j]) + 1e-5 * scale);
            }
        }
    }

    @Test
    void refusesAnInputOfTheWrongShapeWithOneLine() throws IOException {
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors");
        Safetensors.write(weights, model().stateDict(), Map.of());
        Safetensors.write(in, Map.of("input", Tensor.zeros(1, 3, 28, 28)), Map.of());
        Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--weights", weights.toString(), "--input", in.toString(), "--output",
                dir.resolve("out.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().startsWith("basis4j forward: ").contains("[N, 1, H, W]", "[1, 3, 28, 28]");
    }

    @Test
    void refusesAnInputHoldingNaNNamingTheSampleAndIndex() throws IOException {
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors");
        Safetensors.write(weights, model().stateDict(), Map.of());
        Tensor x = Tensor.zeros(3, 1, 28, 28);
        x.set(2 * 28 * 28 + 5 * 28 + 9, Float.NaN);
        Safetensors.write(in, Map.of("input", x), Map.of());
        Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--weights", weights.toString(), "--input", in.toString(), "--output",
                dir.resolve("out.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("basis4j forward: " + in + ": tensor 'input' holds NaN in sample 2 at [c=0, h=5, w=9] of [N=3, C=1, H=28, W=28]");
        assertThat(dir.resolve("out.safetensors")).doesNotExist();
    }

    @Test
    void refusesWeightsOfAnotherShapeWithOneLine() throws IOException {
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors");
        Safetensors.write(weights, model().stateDict(), Map.of());
        Safetensors.write(in, Map.of("input", Tensor.zeros(1, 1, 28, 28)), Map.of());
        Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--num-classes", "5", "--weights", weights.toString(), "--input", in.toString(),
                "--output", dir.resolve("out.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().contains("does not hold weights for TinyNet", "fc.weight");
    }

    @Test
    void refusesAFileWithoutTheInputTensor() throws IOException {
        Path weights = dir.resolve("w.safetensors"), in = dir.resolve("in.safetensors");
        Safetensors.write(weights, model().stateDict(), Map.of());
        Safetensors.write(in, Map.of("x", Tensor.zeros(1, 1, 28, 28)), Map.of());
        Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--weights", weights.toString(), "--input", in.toString(), "--output",
                dir.resolve("out.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().contains("no tensor named 'input'", "[x]");
    }
}
