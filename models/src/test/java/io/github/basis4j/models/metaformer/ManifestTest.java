package io.github.basis4j.models.metaformer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered MetaFormer's {@code stateDict()} keys, order and shapes, and its distinct parameter count,
 * equal the PyTorch reference's at its defaults (1000 classes, 224×224), as dumped by
 * {@code tools/fixtures/metaformer_manifests.py}. Models are only built here, never run, and not initialised
 * as the reference ({@code MetaFormerTest} checks that).
 */
class ManifestTest {
    private static final Path DIR = Path.of("src/test/resources/manifests/metaformer");
    /** Reference models not built by basis4j (see {@link MetaFormers}): none since AFNO2D. */
    private static final List<String> NOT_BUILT = List.of();

    static List<String> names() {
        return MetaFormers.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void stateDictMatchesReferenceManifest(String name) throws IOException {
        List<String> all = Files.readAllLines(DIR.resolve(name + ".tsv"));
        long distinct = Long.parseLong(header(all.get(0), "# distinct_parameters"));
        int entries = Integer.parseInt(header(all.get(1), "# state_dict_entries"));
        List<String> expected = all.subList(2, all.size());
        // The reference's initialisation changes values only; skipping it keeps the 14 builds fast.
        Module model = MetaFormers.builder(name, ModelOptions.defaults()).optInitialise(false).build();
        Map<String, Tensor> state = model.stateDict();
        List<String> actual = state.entrySet().stream().map(e -> e.getKey() + "\t" + shape(e.getValue().shape())).toList();

        assertThat(expected).as("manifest %s lists its header's entry count", name).hasSize(entries);
        // Line by line first, so a failure names the first differing key.
        for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
            assertThat(actual.get(i)).as("%s state_dict entry %d", name, i).isEqualTo(expected.get(i));
        }
        assertThat(actual).as("%s state_dict entry count", name).hasSize(entries);
        assertThat(model.parameterCount()).as("%s distinct parameters", name).isEqualTo(distinct);
    }

    @Test
    void everyManifestHasAModelOrIsListedAsNotBuilt() throws IOException {
        try (var files = Files.list(DIR)) {
            List<String> manifests = files.map(p -> p.getFileName().toString().replaceFirst("\\.tsv$", "")).sorted().toList();
            List<String> covered = new java.util.ArrayList<>(MetaFormers.names());
            covered.addAll(NOT_BUILT);
            assertThat(manifests).containsExactlyInAnyOrderElementsOf(covered);
        }
    }

    private static String shape(Shape s) {
        return IntStream.of(s.dims()).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    private static String header(String line, String key) {
        assertThat(line).as("manifest header").startsWith(key + "\t");
        return line.substring(key.length() + 1);
    }
}
