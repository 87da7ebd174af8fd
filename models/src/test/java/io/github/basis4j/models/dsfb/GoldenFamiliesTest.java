package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.nn.modules.Module;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One reference training step (cross-entropy plus the train script's orthogonality penalty) of a model of
 * every DSFB family and variant against PyTorch ({@code tools/fixtures/dsfb_golden.py}), see {@link GoldenStep}.
 * The fixture fixes each model's input (CIFAR models mostly 16 × 16, ImageNet models 40 × 40, batch 2: the
 * smallest inputs whose last batch norms still see 8 values per channel) and keeps only entries that stay put
 * under float32 rounding of any order (the script's conditioning runs), so a failure here is a wiring or
 * arithmetic difference, not a ReLU mask flipped by rounding.
 */
class GoldenFamiliesTest {
    /** Each dataset's fixture, read once for all its models. */
    private static final Map<String, GoldenStep> FIXTURES = new ConcurrentHashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"ResNet32_SharedOnly", "ResNet32_SingleShared", "ResNet32_NonShared", "ResNet32_DoubleShared"})
    void cifar10(String name) throws IOException {
        check("cifar10", name, n -> Cifar10ResNets.create(n, ModelOptions.defaults()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResNet34", "ResNet34_SingleShared", "ResNet34_SharedOnly", "ResNet34_NonShared", "MobileNetV2",
            "MobileNetV2_Shared", "MobileNetV2_SharedDouble", "DenseNet121_SingleShared", "ResNext50_SingleShared"})
    void cifar100(String name) throws IOException {
        check("cifar100", name, n -> Cifar100Models.create(n, ModelOptions.defaults()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResNet34_DoubleShared", "ResNet34_SingleShared", "ResNet50_Shared", "ResNet50_SharedSingle",
            "MobileNetV2_Shared", "MobileNetV2_SharedDouble"})
    void ilsvrc(String name) throws IOException {
        check("ilsvrc", name, n -> IlsvrcModels.create(n, ModelOptions.defaults()));
    }

    private static void check(String dataset, String name, Function<String, Module> build) throws IOException {
        GoldenStep step = FIXTURES.get(dataset);
        if (step == null) {
            step = GoldenStep.load(dataset);
            FIXTURES.put(dataset, step);
        }
        long start = System.nanoTime();
        double worst = step.check(name, build.apply(name));
        // The largest error and the time, for the record in the surefire output.
        System.out.printf("golden %s/%s: max relative error %.1e (%.2f s)%n", dataset, name, worst, (System.nanoTime() - start) * 1e-9);
    }
}
