package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.io.pth.PthFile;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert} and the {@code .pth} path of {@code forward} and {@code predict}, on a TinyNet state dict written
 * by torch.save (tools/fixtures/pth_fixtures.py): the converted file and the .pth give the same model, bit for bit.
 */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private static Path tinyPth() throws URISyntaxException {
        var url = ConvertCommandTest.class.getResource("/fixtures/pth_tinynet.pth");
        if (url == null) throw new IllegalStateException("missing fixture pth_tinynet.pth; run tools/fixtures/pth_fixtures.py");
        return Path.of(url.toURI());
    }

    private Path convert() throws Exception {
        Path out = dir.resolve("tiny.safetensors");
        Cli.Result r = Cli.run("convert", tinyPth().toString(), out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("8 tensors (8 distinct)");
        return out;
    }

    @Test
    void writesEveryTensorAsFloat32UnderItsKeyInOrder() throws Exception {
        Path out = convert();
        Safetensors.File f = Safetensors.read(out);
        PthFile pth = PthFile.read(tinyPth());
        assertThat(f.entries().keySet()).containsExactlyElementsOf(pth.entries().keySet());
        assertThat(f.entries().keySet()).containsExactly("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "bn1.num_batches_tracked", "fc.weight", "fc.bias");
        for (String k : f.entries().keySet()) assertThat(f.tensor(k).toArray()).as(k).containsExactly(pth.tensor(k).toArray());
        assertThat(f.tensor("bn1.num_batches_tracked").toArray()).containsExactly(17f);
        assertThat(f.entries().get("fc.weight").shape()).isEqualTo(Shape.of(10, 196));
        assertThat(f.metadata()).containsEntry("format", "pt").containsEntry("source", "pth_tinynet.pth");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("tiny.safetensors");
        }
    }

    @Test
    void forwardGivesTheSameLogitsFromThePthAsFromItsConversion() throws Exception {
        Path converted = convert(), in = dir.resolve("in.safetensors");
        Safetensors.write(in, Map.of("input", Tensor.uniform(Shape.of(2, 1, 28, 28), -1f, 1f, 3)), Map.of());
        Tensor[] logits = new Tensor[2];
        Path[] weights = {tinyPth(), converted};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("out" + i + ".safetensors");
            Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--weights", weights[i].toString(), "--input", in.toString(), "--output",
                    out.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            logits[i] = Safetensors.read(out).tensor("output");
        }
        assertThat(logits[0].shape()).isEqualTo(Shape.of(2, 10));
        assertThat(logits[0].toArray()).containsExactly(logits[1].toArray());
        // The weights matter: a model with its own seeded weights answers differently.
        assertThat(logits[0].toArray()).isNotEqualTo(new float[20]);
    }

    @Test
    void predictAcceptsThePthAsACheckpoint() throws Exception {
        Path converted = convert(), image = dir.resolve("img.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img.getRaster().setSample(x, y, 0, (x * 7 + y * 13) % 256);
        ImageIO.write(img, "png", image.toFile());
        Cli.Result fromPth = Cli.run("predict", "--model", "TinyNet", "--checkpoint", tinyPth().toString(), "--top-k", "3", image.toString());
        Cli.Result fromSafetensors = Cli.run("predict", "--model", "TinyNet", "--checkpoint", converted.toString(), "--top-k", "3", image.toString());
        assertThat(fromPth.exit()).as(fromPth.toString()).isZero();
        assertThat(fromPth.out()).isEqualTo(fromSafetensors.out()).contains(image.toString());
    }

    @Test
    void refusesBadInputWithOneLineAndLeavesTheOutputAlone() throws IOException {
        Path out = dir.resolve("out.safetensors"), legacy = dir.resolve("old.pth");
        Files.writeString(out, "keep me");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c});
        Cli.Result r = Cli.run("convert", legacy.toString(), out.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().startsWith("basis4j convert: " + legacy)
                .contains("not supported (legacy torch.save format", "re-save with a current torch.save");
        assertThat(Files.readString(out)).isEqualTo("keep me");

        Cli.Result missing = Cli.run("convert", dir.resolve("nope.pth").toString(), out.toString());
        assertThat(missing.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(missing.errLines()).singleElement().asString().contains("nope.pth");

        Cli.Result noKey = Cli.run("convert", "--key", "model", legacy.toString(), out.toString());
        assertThat(noKey.errLines()).singleElement().asString().contains("legacy");

        Cli.Result usage = Cli.run("convert", legacy.toString());
        assertThat(usage.exit()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void forwardNamesThePthThatDoesNotFitTheModel() throws Exception {
        Path in = dir.resolve("in.safetensors");
        Safetensors.write(in, Map.of("input", Tensor.zeros(1, 1, 28, 28)), Map.of());
        Cli.Result r = Cli.run("forward", "--model", "TinyNet", "--num-classes", "5", "--weights", tinyPth().toString(), "--input", in.toString(),
                "--output", dir.resolve("o.safetensors").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().contains("pth_tinynet.pth does not hold weights for TinyNet", "fc.weight");
        assertThat(List.of(r.out())).containsExactly("");
    }
}
