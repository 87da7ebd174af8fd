package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every covered model's {@code stateDict()} keys, order and shapes, and its distinct parameter count, equal
 * the PyTorch reference's, as dumped by {@code tools/fixtures/dsfb_manifests.py} with each train script's
 * default ranks (CIFAR shared 16, unique 1; ILSVRC 32, 1). Models are only built here, never run, so
 * ResNet1202 and ResNet101 stay cheap.
 */
class ManifestTest {
    private static final Path ROOT = Path.of("src/test/resources/manifests/dsfb");

    /** A dataset whose every reference manifest has a model here: its names and constructor by name. */
    private record Family(String dataset, List<String> names, BiFunction<String, ModelOptions, Module> create) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family(Cifar10ResNets.FAMILY, Cifar10ResNets.names(), Cifar10ResNets::create),
            new Family(Cifar100Models.FAMILY, Cifar100Models.names(), Cifar100Models::create),
            new Family(IlsvrcModels.FAMILY, IlsvrcModels.names(), IlsvrcModels::create));

    /** A manifest: header counts and (key, shape) lines in state_dict order. */
    private record Manifest(long distinctParameters, int entries, List<String> lines) {
    }

    static Stream<Arguments> models() {
        return FAMILIES.stream().flatMap(f -> f.names().stream().map(n -> Arguments.of(f.dataset(), n)));
    }

    static Stream<String> datasets() {
        return FAMILIES.stream().map(Family::dataset);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("models")
    void stateDictMatchesReferenceManifest(String dataset, String name) throws IOException {
        Manifest expected = read(dataset, name);
        Family family = FAMILIES.stream().filter(f -> f.dataset().equals(dataset)).findFirst().orElseThrow();
        Module model = family.create().apply(name, ModelOptions.defaults());
        Map<String, Tensor> state = model.stateDict();
        List<String> actual = state.entrySet().stream().map(e -> e.getKey() + "\t" + shape(e.getValue().shape())).toList();

        assertThat(expected.lines()).as("manifest %s lists its header's entry count", name).hasSize(expected.entries());
        // Compare line by line first so a failure names the first differing key rather than dumping 7208 lines.
        for (int i = 0; i < Math.min(actual.size(), expected.lines().size()); i++) {
            assertThat(actual.get(i)).as("%s state_dict entry %d", name, i).isEqualTo(expected.lines().get(i));
        }
        assertThat(actual).as("%s state_dict entry count", name).hasSize(expected.entries());
        assertThat(model.parameterCount()).as("%s distinct parameters", name).isEqualTo(expected.distinctParameters());
    }

    /** Every reference manifest of a dataset has a model here, and every model a manifest. */
    @ParameterizedTest
    @MethodSource("datasets")
    void everyManifestOfTheFamilyHasAModel(String dataset) throws IOException {
        Family family = FAMILIES.stream().filter(f -> f.dataset().equals(dataset)).findFirst().orElseThrow();
        try (var files = Files.list(ROOT.resolve(dataset))) {
            List<String> manifests = files.map(p -> p.getFileName().toString().replaceFirst("\\.tsv$", ""))
                    .sorted().toList();
            assertThat(manifests).containsExactlyInAnyOrderElementsOf(family.names());
        }
    }

    @Test
    void sharedBasisIsOneTensorUnderEveryAlias() {
        CifarResNet m = Cifar10ResNets.ResNet32_DoubleShared(16, 1);
        Map<String, Tensor> state = m.stateDict();
        Tensor owner = state.get("shared_basis_2_1.weight");
        List<String> aliases = IntStream.range(1, 5).mapToObj(i -> "layer2." + i + ".shared_basis_1.weight").toList();
        for (String a : aliases) assertThat(state.get(a)).as(a).isSameAs(owner);
        assertThat(m.namedParameters()).containsKey("shared_basis_2_1.weight").doesNotContainKeys(aliases.toArray(String[]::new));
    }

    private static String shape(Shape s) {
        return IntStream.of(s.dims()).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    private static Manifest read(String dataset, String name) throws IOException {
        Path p = ROOT.resolve(dataset).resolve(name + ".tsv");
        assertThat(p).as("manifest missing: run /usr/bin/python3 tools/fixtures/dsfb_manifests.py --ref <Net_RL2 checkout>").exists();
        List<String> all = Files.readAllLines(p);
        long distinct = Long.parseLong(header(all.get(0), "# distinct_parameters"));
        int entries = Integer.parseInt(header(all.get(1), "# state_dict_entries"));
        return new Manifest(distinct, entries, new ArrayList<>(all.subList(2, all.size())));
    }

    private static String header(String line, String key) {
        assertThat(line).as("manifest header").startsWith(key + "\t");
        return line.substring(key.length() + 1);
    }
}
