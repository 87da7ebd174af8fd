package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.init.Rng;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    @Test
    void survivesTheCheckpointMetadataWithAnyClassName() {
        Preprocessing p = new Preprocessing(new InputSize(32, 24, 3), new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.4f, 0.5f, 0.6f});
        RunConfig c = new RunConfig("ResNet20", 3, 3, DatasetKind.FOLDER, Path.of("/data/pets"), p, List.of("T-shirt/top", "a, b", "x=y"));
        Map<String, String> meta = new LinkedHashMap<>();
        c.toConfig().forEach((k, v) -> meta.put(RunConfig.METADATA_PREFIX + k, v));
        meta.put("epoch", "3");
        RunConfig back = RunConfig.fromMetadata(meta, Path.of("x.safetensors")).orElseThrow();
        assertThat(back.model()).isEqualTo("ResNet20");
        assertThat(back.dataset()).isEqualTo(DatasetKind.FOLDER);
        assertThat(back.dataDir()).isEqualTo(Path.of("/data/pets"));
        assertThat(back.classNames()).containsExactly("T-shirt/top", "a, b", "x=y");
        assertThat(back.preprocessing().size()).isEqualTo(new InputSize(32, 24, 3));
        assertThat(back.preprocessing().mean()).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(back.preprocessing().std()).containsExactly(0.4f, 0.5f, 0.6f);
    }

    @Test
    void plainWeightsHaveNoConfigAndABrokenOneIsNamed() {
        assertThat(RunConfig.fromMetadata(Map.of("format", "pt"), Path.of("w.safetensors"))).isEmpty();
        assertThatThrownBy(() -> RunConfig.fromMetadata(Map.of("config.model", "ResNet20", "config.input", "32x32"), Path.of("w.safetensors")))
                .isInstanceOf(CliException.class).hasMessageContaining("w.safetensors").hasMessageContaining("HxWxC");
    }

    @Test
    void datasetsParseTheirNamesAndGiveGreyStatisticsOfRgbOnes() {
        assertThat(DatasetKind.parse("Fashion-MNIST")).isEqualTo(DatasetKind.FASHION_MNIST);
        assertThat(DatasetKind.parse("cifar100")).isEqualTo(DatasetKind.CIFAR100);
        assertThatThrownBy(() -> DatasetKind.parse("mnist")).hasMessageContaining("fashion-mnist, cifar10, cifar100, folder");
        // 0.299·0.485 + 0.587·0.456 + 0.114·0.406
        assertThat(DatasetKind.FOLDER.mean(1)[0]).isCloseTo(0.458971f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThatThrownBy(() -> DatasetKind.FASHION_MNIST.mean(3)).isInstanceOf(CliException.class);
    }

    @Test
    void preprocessingFitsOtherSizesThenNormalises() {
        Preprocessing p = new Preprocessing(new InputSize(4, 4, 1), new float[] {0.5f}, new float[] {0.25f});
        float[] px = new float[8 * 6];
        java.util.Arrays.fill(px, 0.75f);
        Image out = p.transform().apply(new Image(8, 6, 1, px), Rng.of(0));
        assertThat(out.shape()).containsExactly(4, 4, 1);
        // A constant image stays constant through resize and crop: (0.75 − 0.5) / 0.25.
        for (float v : out.data()) assertThat(v).isEqualTo(1f);
        Image same = p.fit().apply(new Image(4, 4, 1, new float[16]), Rng.of(0));
        assertThat(same.shape()).containsExactly(4, 4, 1);
    }
}
