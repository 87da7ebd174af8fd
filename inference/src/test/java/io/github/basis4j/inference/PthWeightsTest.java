package io.github.basis4j.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.io.pth.PthException;
import io.github.basis4j.nn.io.pth.PthFile;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference CIFAR-10 ResNet20's state dict as torch.save wrote it (float16 values, tools/fixtures/pth_fixtures.py)
 * loads straight from the .pth, gives PyTorch's logits, and gives exactly the logits of the same weights converted to
 * safetensors.
 */
class PthWeightsTest {
    private static final String NAME = "cifar10/ResNet20";
    /**
     * Logits are compared with PyTorch's float64 ones: float32 accumulation over 20 layers of 3×3×64 sums leaves
     * errors near 1e-5 of the logits' scale.
     */
    private static final float LOGIT_TOLERANCE = 2e-4f;

    @TempDir
    Path dir;

    private static Path fixture(String name) throws URISyntaxException {
        var url = PthWeightsTest.class.getResource("/fixtures/" + name);
        if (url == null) throw new IllegalStateException("missing fixture " + name + "; run tools/fixtures/pth_fixtures.py --ref <Net_RL2>");
        return Path.of(url.toURI());
    }

    private static Tensor logits(Path weights, Tensor nchw) throws IOException {
        try (Model m = Model.load(NAME, weights)) {
            return m.predictor().logits(nchw.nchwToNhwc());
        }
    }

    @Test
    void loadsAResNet20StateDictFromPthAsPyTorchRunsIt() throws Exception {
        Safetensors.File golden = Safetensors.read(fixture("pth_resnet20_golden.safetensors"));
        Tensor x = golden.tensor("x"), want = golden.tensor("logits");
        Tensor fromPth = logits(fixture("pth_resnet20.pth"), x);
        assertThat(fromPth.shape()).isEqualTo(want.shape());
        float scale = 0;
        for (float v : want.toArray()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.size(); i++) {
            assertThat(fromPth.get(i)).as("logit %d", i).isCloseTo(want.get(i), org.assertj.core.data.Offset.offset(LOGIT_TOLERANCE * scale));
        }

        // The same weights through safetensors: bit for bit the same logits.
        Path converted = dir.resolve("resnet20.safetensors");
        Map<String, Tensor> tensors = PthFile.read(fixture("pth_resnet20.pth")).tensors();
        Safetensors.write(converted, tensors, Map.of());
        assertThat(logits(converted, x).toArray()).containsExactly(fromPth.toArray());
    }

    @Test
    void namesThePthProblemWhenTheFileIsNotAStateDict() throws IOException {
        Path bad = dir.resolve("bad.pt");
        Files.writeString(bad, "not a checkpoint");
        assertThatThrownBy(() -> Model.load(NAME, bad)).isInstanceOf(PthException.class).hasMessageContaining("bad.pt: not a PyTorch checkpoint");
    }

    @Test
    void namesMissingKeysOfAPthThatBelongsToAnotherModel() {
        assertThatThrownBy(() -> Model.load("cifar10/ResNet32", fixture("pth_resnet20.pth"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold weights for").hasMessageContaining("missing keys [layer1.3.conv1.weight");
    }
}
